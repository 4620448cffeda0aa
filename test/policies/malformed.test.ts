/**
 * Malformed objects (hand-written YAML: an empty list item, a scalar where a list or mapping belongs) must never
 * make a rule throw: offline a throwing rule is reported as a failure naming a JavaScript error, and under the
 * Pulumi CLI it aborts the whole preview. The API server would reject such fields, so rules judge them as absent.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate } from "../../policies/check.ts";
import { parseManifests } from "../../policies/manifests.ts";
import { buildPolicies } from "../../policies/pack-policies.ts";
import { rules } from "../../policies/registry.ts";
import type { KubeObject, Rule } from "../../policies/rule.ts";
import { runLikeCli } from "./helpers/crossguard.ts";

const API: Record<string, string> = {
  Pod: "v1", Deployment: "apps/v1", StatefulSet: "apps/v1", DaemonSet: "apps/v1", Job: "batch/v1", CronJob: "batch/v1",
  Service: "v1", Ingress: "networking.k8s.io/v1", NetworkPolicy: "networking.k8s.io/v1",
  PodDisruptionBudget: "policy/v1", HorizontalPodAutoscaler: "autoscaling/v2", ScaledObject: "keda.sh/v1alpha1",
  ServiceMonitor: "monitoring.coreos.com/v1", PrometheusRule: "monitoring.coreos.com/v1",
  HTTPRoute: "gateway.networking.k8s.io/v1", ServiceAccount: "v1",
};
const ODD: unknown[] = [null, "x", 5, true, {}, [], [null], [5]];

/** Objects of `kind` with one odd value at each place rules read (pod spec, containers, selectors, lists). */
function malformed(kind: string): KubeObject[] {
  const meta = { name: "m", namespace: "ns", labels: { app: "m" } };
  const base = (spec: unknown): KubeObject => ({ apiVersion: API[kind]!, kind, metadata: meta, spec });
  const pod = (ps: unknown): KubeObject =>
    kind === "Pod" ? base(ps)
    : kind === "CronJob" ? base({ jobTemplate: { spec: { template: { spec: ps } } } })
    : base({ replicas: 2, selector: { matchLabels: { app: "m" } }, template: { metadata: { labels: { app: "m" } }, spec: ps } });
  return ODD.flatMap((w) => [
    base(w),
    { apiVersion: API[kind]!, kind, metadata: { name: "m", namespace: "ns", labels: w as never, annotations: w as never } },
    pod(w),
    pod({ containers: w, initContainers: w, volumes: w }),
    pod({ securityContext: w, tolerations: [w], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [w] } } },
      volumes: [w, { name: "v", hostPath: w, emptyDir: w }],
      containers: [{ name: "c", image: w, ports: w, env: w, envFrom: [w], volumeMounts: w, securityContext: { capabilities: { add: w, drop: w } },
        resources: { limits: { "nvidia.com/gpu": w, memory: w }, requests: w }, livenessProbe: w, startupProbe: { httpGet: w } }] }),
    pod({ tolerations: w, nodeSelector: w, affinity: w, topologySpreadConstraints: w, securityContext: { sysctls: w, seccompProfile: w, seLinuxOptions: w },
      containers: [{ name: "g", image: "r.io/a:1", args: w, command: w, resources: { limits: { "nvidia.com/gpu": 1 } }, startupProbe: w, readinessProbe: w }] }),
    pod({ tolerations: [w], topologySpreadConstraints: [w], securityContext: { sysctls: [w] }, affinity: { nodeAffinity: w, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w] } },
      containers: [{ name: "g", image: "r.io/a:1", args: [w], resources: { limits: { "nvidia.com/gpu": 1 } }, startupProbe: { httpGet: w, failureThreshold: w } }] }),
    pod({ containers: [{ name: "c", image: "r.io/a:1", ports: [w], env: [w, { name: w, value: w }], volumeMounts: [w, { name: w, mountPath: w }],
      resources: { limits: { "nvidia.com/gpu": 1 } } }] }),
    base({ selector: w, podSelector: w, ports: w, rules: w, tls: w, scaleTargetRef: w, endpoints: w, groups: w, minAvailable: w, maxReplicas: w, triggers: w }),
    base({ selector: { matchLabels: w, matchExpressions: w }, podSelector: { matchExpressions: [w, { key: w, operator: "In", values: w }] },
      rules: [w, { http: { paths: [w] }, backendRefs: [w] }], groups: [w, { rules: [w] }], endpoints: [w], tls: [w, { hosts: w }] }),
  ]);
}

const crashes = (results: Array<{ rule: string; message?: string }>) =>
  results.filter((r) => /^rule [a-z-]+ failed:/.test(r.message ?? "")).map((r) => `${r.rule}: ${r.message}`);

describe("malformed objects never make a rule throw", () => {
  for (const kind of Object.keys(API)) {
    it(`${kind}: odd values everywhere, alone and as the inventory of the others`, () => {
      const objs = malformed(kind);
      // Every environment: some rules only run (or read more) in some of them.
      for (const environment of ["dev", "prod"] as const) {
        assert.deepEqual(crashes(evaluate(objs, { environment }).results), []);
      }
    });
  }

  it("an empty container item (`containers: [null]`) is judged as absent, not as a crash", () => {
    const [m] = parseManifests("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers:\n  -\n", "p.yaml");
    const results = evaluate([m!.object], { environment: "prod" }).results;
    assert.deepEqual(crashes(results), []);
    assert.equal(results.find((r) => r.rule === "privileged")?.verdict, "pass");
  });

  it("a number where a name belongs is reported as a string", () => {
    const [m] = parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 2024, namespace: 7}\n", "c.yaml");
    const r = evaluate([m!.object], { environment: "prod" }).results[0];
    assert.deepEqual(r?.resource, { apiVersion: "v1", kind: "ConfigMap", name: "2024", namespace: "7" });
  });

  it("label selectors with odd parts select nothing instead of throwing", () => {
    const pdb: KubeObject = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "b", namespace: "ns" },
      spec: { minAvailable: 1, selector: { matchLabels: { app: "m" }, matchExpressions: [null, { key: "app", operator: "In", values: "m" }] } } };
    const dep: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "m", namespace: "ns" },
      spec: { replicas: 3, selector: { matchLabels: { app: "m" } }, template: { metadata: { labels: { app: "m" } }, spec: { containers: [{ name: "c", image: "r.io/a:1" }] } } } };
    assert.deepEqual(crashes(evaluate([pdb, dep], { environment: "prod" }).results), []);
  });
});

describe("a rule that throws anyway", () => {
  const boom: Rule = {
    id: "boom", group: "security", severity: "high", description: "d", rationale: "r", remediation: "x",
    kinds: ["Deployment"], needsInventory: false,
    validate: () => { throw new TypeError("broken rule"); },
  };
  const dep: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" } };

  it("is a violation naming the error offline and under the Pulumi CLI, never an aborted preview", async () => {
    const offline = evaluate([dep], { rules: [boom], environment: "prod" }).results.filter((r) => r.rule === "boom");
    assert.deepEqual(offline.map((r) => [r.verdict, r.enforcement, r.message]), [["fail", "mandatory", "rule boom failed: broken rule"]]);
    const cli = await runLikeCli(buildPolicies({ rules: [boom] }), [
      { type: "kubernetes:apps/v1:Deployment", name: "d", urn: "urn:d", inputs: dep, outputs: dep },
    ], {});
    const diags = cli.diagnostics.filter((d) => d.policy === "boom");
    assert.equal(diags.length, 1);
    assert.equal(diags[0]?.enforcementLevel, "mandatory");
    assert.match(diags[0]?.message ?? "", /rule boom failed: broken rule/);
  });
});

it("every registered rule is covered by the malformed-object cases", () => {
  const judged = new Set(Object.keys(API).flatMap((k) => evaluate(malformed(k), { environment: "prod" }).results.map((r) => r.rule)));
  assert.deepEqual(rules.map((r) => r.id).filter((id) => !judged.has(id)), []);
});
