/**
 * One rule set, three inputs, the same verdicts: the offline stack check (engine → checkSynth), the manifest
 * check (the same objects as YAML → checkManifests' core) and the exported policies called the way the Pulumi
 * CLI calls them (pack-policies → validateResource / validateStack).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkSynth, evaluate, resourceRef, type CheckResult } from "../../policies/check.ts";
import { packConfigForSpec } from "../../policies/pack-config.ts";
import { buildPolicies } from "../../policies/pack-policies.ts";
import { parseManifests } from "../../policies/manifests.ts";
import { rules } from "../../policies/registry.ts";
import type { KubeObject } from "../../policies/rule.ts";
import { specConfig } from "../../policies/spec-config.ts";
import { renderResources, synthesizeStack } from "../../platform/engine/index.ts";
import type { CapturedResource } from "../../platform/engine/types.ts";
import type { PlatformSpec } from "../../platform/spec/types.ts";
import { capturedFrom } from "./helpers/captured.ts";
import { runLikeCli } from "./helpers/crossguard.ts";
import { loadFixture, REPO } from "./helpers/fixtures.ts";

const TODAY = "2026-11-28";
const inventoryRule = new Set(rules.filter((r) => r.needsInventory).map((r) => r.id));
const key = (rule: string, o: { kind: string; namespace?: string; name: string }) => `${rule}|${o.kind}/${o.namespace ?? ""}/${o.name}`;

/**
 * Verdicts as all three inputs can express them. A stack policy under the CLI only says which resources
 * violate (no per-object pass / not-applicable), so for inventory rules those two read as "ok".
 */
function normalize(results: readonly CheckResult[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of results) {
    if (r.resource.kind === "PolicyExemption") continue;
    const v = inventoryRule.has(r.rule) && (r.verdict === "pass" || r.verdict === "not-applicable") ? "ok" : r.verdict;
    out.set(key(r.rule, r.resource), v);
  }
  return out;
}

async function viaCli(resources: readonly CapturedResource[], spec: PlatformSpec): Promise<Map<string, string>> {
  const objects = new Map<string, KubeObject>(resources.map((r) => [r.urn, r.inputs as KubeObject]));
  const cli = resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, inputs: r.inputs, outputs: r.outputs }));
  const run = await runLikeCli(buildPolicies({ today: () => TODAY }), cli, packConfigForSpec(spec));
  const out = new Map<string, string>();
  const refOfUrn = (urn: string) => resourceRef(objects.get(urn)!);
  for (const id of run.ran) {
    const [policy, urn] = id.split("|") as [string, string];
    out.set(key(policy, refOfUrn(urn)), "pass");
  }
  for (const id of run.notApplicable) {
    const [policy, urn] = id.split("|") as [string, string];
    const rule = rules.find((r) => r.id === policy)!;
    const obj = objects.get(urn)!;
    // The CLI also says "not applicable" for kinds a rule does not judge; the offline check reports nothing there.
    if (rule.kinds === "*" || rule.kinds.includes(obj.kind)) out.set(key(policy, refOfUrn(urn)), "not-applicable");
  }
  for (const d of run.diagnostics) {
    if (d.policy === "exemption-expired" || !d.urn) continue;
    out.set(key(d.policy, refOfUrn(d.urn)), /\[exempt until /.test(d.message) ? "exempt" : "fail");
  }
  for (const r of rules.filter((x) => x.needsInventory)) {
    for (const res of resources) {
      const obj = objects.get(res.urn)!;
      if (r.kinds !== "*" && !r.kinds.includes(obj.kind)) continue;
      const k = key(r.id, resourceRef(obj));
      if (!out.has(k)) out.set(k, "ok");
    }
  }
  return out;
}

function assertSame(a: Map<string, string>, b: Map<string, string>, what: string): void {
  const diffs: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) diffs.push(`${k}: ${a.get(k)} vs ${b.get(k)}`);
  assert.deepEqual(diffs, [], `${what} disagree`);
  assert.ok(a.size > 0);
}

describe("three inputs, one verdict", () => {
  for (const env of ["dev", "staging", "prod"] as const) {
    it(`the ${env} stack: offline check = its manifests = the pack under the CLI`, async () => {
      const synth = await synthesizeStack(env, { cwd: REPO, preview: false });
      const offline = normalize(checkSynth(synth, { today: TODAY }).results);
      const files = renderResources(synth.resources).filter((f) => !f.path.startsWith("_pulumi/"));
      const objects = files.flatMap((f) => parseManifests(f.content, f.path).map((m) => m.object));
      const spec = synth.spec;
      const manifests = normalize(
        evaluate(objects, { environment: spec.environment, policy: spec.policy, exemptions: spec.policy.exemptions, config: specConfig(rules, spec), today: TODAY }).results,
      );
      assertSame(offline, manifests, "offline stack check and manifest check");
      const kube = synth.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string");
      assertSame(offline, await viaCli(kube, spec), "offline stack check and the pack under the CLI");
    });
  }

  it("shared fixtures with failures and an exemption: all three agree", async () => {
    const objects = ["gpu-shm/fail.yaml", "gpu-budget/fail.yaml", "keda-scaledobject-sane/fail.yaml", "inference-service-monitored/fail.yaml", "startup-probe-budget/pass.yaml", "canary-weight/fail.yaml", "model-artifact-digest/fail.yaml"]
      .flatMap((f) => loadFixture(`ai/${f}`).map((m) => m.object))
      // Names are unique per kind and namespace in a real input; keep the first of each.
      .filter((o, i, all) => all.findIndex((x) => x.kind === o.kind && x.metadata?.name === o.metadata?.name && x.metadata?.namespace === o.metadata?.namespace) === i);
    const base = (await synthesizeStack("prod", { cwd: REPO, preview: false })).spec;
    const spec: PlatformSpec = {
      ...base,
      gpu: { ...base.gpu, budget: 4 },
      policy: { ...base.policy, exemptions: [{ rule: "gpu-shm", target: "Pod/disk-shm", reason: "OPS-7", owner: "ml@example.com", expires: "2999-01-01" }] },
    };
    const captured = capturedFrom(objects);
    const offline = checkSynth({ stack: "prod", preview: false, resources: captured, outputs: {}, spec }, { today: TODAY }).results;
    assert.ok(offline.some((r) => r.verdict === "exempt"));
    assert.ok(offline.some((r) => r.rule === "gpu-budget" && r.verdict === "fail"));
    const manifests = evaluate(parseManifests(objects.map((o) => JSON.stringify(o)).join("\n---\n"), "x.yaml").map((m) => m.object), {
      environment: "prod",
      policy: spec.policy,
      exemptions: spec.policy.exemptions,
      config: specConfig(rules, spec),
      today: TODAY,
    }).results;
    assertSame(normalize(offline), normalize(manifests), "offline and manifests");
    assertSame(normalize(offline), await viaCli(captured, spec), "offline and the pack under the CLI");
  });
});
