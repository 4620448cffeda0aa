import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate } from "../../policies/check.ts";
import { NOT_APPLICABLE, type KubeObject, type Rule } from "../../policies/rule.ts";
import { configDefaults, runRules } from "../../policies/runner.ts";
import { UnknownValueError, unknownCheckingProxy } from "../../policies/unknown.ts";
import { UNKNOWN } from "../../platform/engine/types.ts";

const rule = (over: Partial<Rule>): Rule => ({
  id: "r",
  group: "supply-chain",
  severity: "low",
  description: "d",
  rationale: "r",
  remediation: "m",
  kinds: ["Deployment"],
  needsInventory: false,
  validate: () => [],
  ...over,
});

const deployment = (image: string, name = "web"): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "ns" },
  spec: { replicas: 2, template: { spec: { containers: [{ name: "c", image }] } } },
});

const imageOf = (o: KubeObject) => (o.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image;
const digestRule = rule({ id: "digest", validate: (o) => (imageOf(o).includes("@sha256:") ? [] : ["not pinned"]) });
const replicasRule = rule({ id: "replicas", validate: (o) => ((o.spec as { replicas: number }).replicas >= 2 ? [] : ["too few"]) });

describe("runner: CrossGuard semantics offline", () => {
  it("a rule reading an unknown value is an advisory 'cannot check during preview', whatever its level", () => {
    const r = evaluate([deployment(UNKNOWN)], { rules: [digestRule, replicasRule], environment: "prod" });
    const [digest, replicas] = r.results;
    assert.equal(digest?.verdict, "fail");
    assert.equal(digest?.enforcement, "advisory");
    assert.equal(digest?.unknown, true);
    assert.match(digest?.message ?? "", /cannot check during preview: value at \.spec\.template\.spec\.containers\.0\.image/);
    assert.equal(replicas?.verdict, "pass", "rules that never touch the unknown value judge normally");
  });

  it("the same object once known is judged normally (update)", () => {
    const r = evaluate([deployment("registry.example.com/x:1")], { rules: [digestRule], environment: "prod" });
    assert.deepEqual([r.results[0]?.verdict, r.results[0]?.enforcement, r.results[0]?.unknown], ["fail", "mandatory", undefined]);
  });

  it("the proxy throws UnknownValueError with the path, also through arrays and iteration", () => {
    const p = unknownCheckingProxy({ a: [{ b: 1 }, { b: UNKNOWN }] });
    assert.equal(p.a[0]!.b, 1);
    assert.throws(() => p.a.map((x) => x.b), (e: unknown) => e instanceof UnknownValueError && e.path.join(".") === "a.1.b");
    assert.throws(() => JSON.stringify(p), UnknownValueError);
  });

  it("NOT_APPLICABLE is reported as not-applicable; kinds the rule does not judge get no result", () => {
    const na = rule({ validate: () => NOT_APPLICABLE });
    const svc: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "s" } };
    const out = runRules([na], [deployment("x"), svc]);
    assert.deepEqual(out.map((o) => [o.object.kind, o.verdict]), [["Deployment", "not-applicable"]]);
  });

  it("config: schema defaults, overlaid by what the caller set (enforcementLevel is not config)", () => {
    const seen: Array<Record<string, unknown>> = [];
    const r = rule({
      configSchema: { min: { type: "integer", default: 3 }, names: { type: "array", default: ["a"] } },
      validate: (_o, ctx) => {
        seen.push(ctx.config);
        (ctx.config.names as string[]).push("mutated");
        return [];
      },
    });
    assert.deepEqual(configDefaults(r), { min: 3, names: ["a"] });
    runRules([r], [deployment("x"), deployment("y", "b")], { config: { r: { min: 5, enforcementLevel: "advisory" } } });
    assert.deepEqual(seen[0], { min: 5, names: ["a", "mutated"] });
    assert.deepEqual(configDefaults(r), { min: 3, names: ["a"] }, "a rule cannot change the defaults");
  });

  it("inventory rules see every object, resource rules only their own", () => {
    const sizes: number[] = [];
    const inv = rule({ id: "inv", needsInventory: true, kinds: "*", validate: (_o, ctx) => (sizes.push(ctx.inventory.length), []) });
    const res = rule({ id: "res", kinds: "*", validate: (_o, ctx) => (sizes.push(ctx.inventory.length), []) });
    runRules([inv, res], [deployment("a", "a"), deployment("b", "b"), deployment("c", "c")]);
    assert.deepEqual(sizes, [3, 3, 3, 1, 1, 1]);
  });

  it("a crashing rule is reported on the object, not swallowed and not fatal", () => {
    const boom = rule({ validate: () => { throw new Error("boom"); } });
    const out = runRules([boom, digestRule], [deployment("x")]);
    assert.equal(out[0]?.verdict, "fail");
    assert.match(out[0]?.messages[0] ?? "", /boom/);
    assert.equal(out.length, 2);
  });
});
