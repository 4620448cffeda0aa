import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate, hasMandatoryViolation } from "../../policies/check.ts";
import { DEFAULT_ENFORCEMENT, enforcementOf } from "../../policies/enforcement.ts";
import { activeExemption, EXEMPTION_EXPIRED, isExpired, targetMatches } from "../../policies/exemptions.ts";
import type { KubeObject, Rule } from "../../policies/rule.ts";

const dep = (name: string, ns: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: ns, labels },
});

/** A rule failing every Deployment whose name starts with "bad". */
const probe = (id: string, group: Rule["group"]): Rule => ({
  id,
  group,
  severity: "high",
  description: "test rule",
  rationale: "test rule",
  remediation: "test rule",
  kinds: ["Deployment"],
  needsInventory: false,
  validate: (o) => ((o.metadata?.name ?? "").startsWith("bad") ? ["is bad"] : []),
});
const sec = probe("sec-rule", "security");
const rel = probe("rel-rule", "reliability");

describe("enforcement levels", () => {
  it("defaults: prod and staging block security and supply chain, dev only advises", () => {
    assert.equal(enforcementOf(sec, "prod"), "mandatory");
    assert.equal(enforcementOf({ id: "x", group: "supply-chain" }, "prod"), "mandatory");
    assert.equal(enforcementOf(rel, "prod"), "advisory");
    assert.equal(enforcementOf(sec, "staging"), "mandatory");
    assert.equal(enforcementOf(sec, "dev"), "advisory");
    assert.ok(Object.values(DEFAULT_ENFORCEMENT.dev).every((l) => l === "advisory"));
    assert.equal(enforcementOf(sec, undefined), "mandatory", "no environment: judged as prod");
  });

  it("the stack's group level beats the default and a per-rule override beats both", () => {
    const policy = { enforcement: { security: "advisory" as const, reliability: "mandatory" as const }, rules: { "sec-rule": "disabled" as const } };
    assert.equal(enforcementOf(rel, "dev", policy), "mandatory");
    assert.equal(enforcementOf(sec, "staging", policy), "disabled");
    assert.equal(enforcementOf(probe("other", "security"), "staging", policy), "advisory");
  });

  it("a mandatory failure fails the check, an advisory one does not, a disabled rule reports nothing", () => {
    const objs = [dep("bad-a", "ns")];
    const prod = evaluate(objs, { rules: [sec, rel], environment: "prod" });
    assert.deepEqual(prod.results.map((r) => [r.rule, r.verdict, r.enforcement]), [["sec-rule", "fail", "mandatory"], ["rel-rule", "fail", "advisory"]]);
    assert.equal(hasMandatoryViolation(prod.results), true);
    const dev = evaluate(objs, { rules: [sec, rel], environment: "dev" });
    assert.equal(hasMandatoryViolation(dev.results), false);
    const off = evaluate(objs, { rules: [sec, rel], environment: "staging", policy: { rules: { "sec-rule": "disabled" } } });
    assert.deepEqual(off.results.map((r) => r.rule), ["rel-rule"]);
  });

  it("a level in the pack config wins, as with --policy-pack-config", () => {
    const r = evaluate([dep("bad", "ns")], { rules: [rel], environment: "prod", config: { "rel-rule": "mandatory" } });
    assert.equal(r.results[0]?.enforcement, "mandatory");
    const r2 = evaluate([dep("bad", "ns")], { rules: [rel], environment: "prod", config: { "rel-rule": { enforcementLevel: "disabled" } } });
    assert.equal(r2.results.length, 0);
  });
});

describe("exemption targets", () => {
  const model = dep("fraud-detection-canary", "prod", { "app.kubernetes.io/instance": "fraud-detection" });
  it("Kind/name matches in any namespace, Kind/namespace/name only there", () => {
    assert.ok(targetMatches("Deployment/web", dep("web", "a")));
    assert.ok(targetMatches("Deployment/a/web", dep("web", "a")));
    assert.ok(!targetMatches("Deployment/b/web", dep("web", "a")));
    assert.ok(!targetMatches("StatefulSet/web", dep("web", "a")));
  });
  it("* globs any run of characters", () => {
    assert.ok(targetMatches("Deployment/*", dep("web", "a")));
    assert.ok(targetMatches("Deployment/a/web-*", dep("web-1", "a")));
    assert.ok(!targetMatches("Deployment/a/web-*", dep("api-1", "a")));
    assert.ok(targetMatches("*", dep("x", "y")));
  });
  it("model:NAME matches the objects labelled with that model", () => {
    assert.ok(targetMatches("model:fraud-detection", model));
    assert.ok(targetMatches("model:fraud-*", model));
    assert.ok(!targetMatches("model:purchase", model));
    assert.ok(!targetMatches("model:fraud-detection", dep("fraud-detection", "prod")), "no label, no model");
  });
});

describe("exemptions in results", () => {
  const ex = (expires: string, rule = "sec-rule") => ({ rule, target: "Deployment/ns/bad-*", reason: "waiting for INFRA-1", owner: "team@example.com", expires });

  it("an exempt failure is reported as exempt, with the exemption, and does not block", () => {
    const r = evaluate([dep("bad-1", "ns"), dep("bad-2", "other")], { rules: [sec], environment: "prod", exemptions: [ex("2030-01-01")], today: "2026-11-28" });
    const [a, b, lapse] = r.results;
    assert.equal(a?.verdict, "exempt");
    assert.equal(a?.exemption?.owner, "team@example.com");
    assert.match(a?.message ?? "", /is bad.*exempt until 2030-01-01.*INFRA-1/);
    assert.equal(b?.verdict, "fail", "other namespace is not covered");
    assert.deepEqual([lapse?.rule, lapse?.verdict], [EXEMPTION_EXPIRED, "pass"]);
  });

  it("expires on its expiry day: the failure comes back and the lapse is a violation at the exempted rule's level", () => {
    assert.equal(isExpired({ expires: "2026-11-28" }, "2026-11-28"), true);
    assert.equal(isExpired({ expires: "2026-11-29" }, "2026-11-28"), false);
    const r = evaluate([dep("bad-1", "ns")], { rules: [sec, rel], environment: "prod", exemptions: [ex("2026-11-28"), ex("2026-01-01", "rel-rule")], today: "2026-11-28" });
    const byRule = (id: string) => r.results.filter((x) => x.rule === id);
    assert.equal(byRule("sec-rule")[0]?.verdict, "fail");
    const lapses = byRule(EXEMPTION_EXPIRED);
    assert.deepEqual(lapses.map((l) => [l.verdict, l.enforcement]), [["fail", "mandatory"], ["fail", "advisory"]]);
    assert.match(lapses[0]?.message ?? "", /expired on 2026-11-28.*team@example\.com/);
    assert.equal(hasMandatoryViolation(r.results), true);
  });

  it("an exemption without a valid expiry date never applies and is itself a violation", () => {
    // The stack schema demands a date, but a hand-written --policy-pack-config / --config file may not have one.
    for (const expires of [undefined, "", "never", "2030-1-1"]) {
      const broken = { ...ex("2030-01-01"), expires } as unknown as ReturnType<typeof ex>;
      assert.equal(isExpired(broken, "2026-11-28"), true, String(expires));
      const r = evaluate([dep("bad-1", "ns")], { rules: [sec], environment: "prod", exemptions: [broken], today: "2026-11-28" });
      assert.deepEqual(r.results.map((x) => [x.rule, x.verdict, x.enforcement]), [["sec-rule", "fail", "mandatory"], [EXEMPTION_EXPIRED, "fail", "mandatory"]]);
      assert.match(r.results[1]?.message ?? "", /no valid expiry date/);
    }
  });

  it("activeExemption ignores expired exemptions and other rules", () => {
    const obj = dep("bad-1", "ns");
    assert.equal(activeExemption([ex("2020-01-01")], "sec-rule", obj, "2026-11-28"), undefined);
    assert.equal(activeExemption([ex("2030-01-01")], "rel-rule", obj, "2026-11-28"), undefined);
    assert.ok(activeExemption([ex("2030-01-01", "sec-*")], "sec-rule", obj, "2026-11-28"));
  });
});

describe("prod's floor", () => {
  it("a per-rule override cannot lower a security or supply-chain rule in prod, only elsewhere", () => {
    const privileged = { id: "privileged", group: "security" as const };
    const digest = { id: "image-digest", group: "supply-chain" as const };
    const probes = { id: "probes", group: "reliability" as const };
    const policy = { rules: { privileged: "disabled" as const, "image-digest": "advisory" as const, probes: "disabled" as const } };
    assert.equal(enforcementOf(privileged, "prod", policy), "mandatory");
    assert.equal(enforcementOf(digest, "prod", policy), "mandatory");
    assert.equal(enforcementOf(probes, "prod", policy), "disabled", "other groups keep their override");
    assert.equal(enforcementOf(privileged, "staging", policy), "disabled", "staging may still tune");
  });
});
