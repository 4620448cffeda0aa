import { test } from "node:test";
import assert from "node:assert/strict";
import { InferenceService, type InferenceServiceArgs } from "../../components/InferenceService.ts";
import { validateAgainstSchema } from "../helpers/kube-schemas.ts";
import { build, podSpec } from "../helpers/components.ts";

const digest = "sha256:" + "a".repeat(64);
const base: InferenceServiceArgs = {
  namespace: "ml",
  modelName: "fraud",
  artifact: `oci://registry.example.com/models/fraud@${digest}`,
  version: "3",
  image: `registry.example.com/modelplane/inference@${digest}`,
  replicas: 2,
  resources: { cpu: "4", memory: "16Gi", gpu: 1, gpuProduct: "NVIDIA-H100-80GB-HBM3" },
  slo: { availability: 99.9, latencyThresholdMs: 250, latencyTarget: 99 },
  startupSeconds: 600,
};

test("InferenceService alone emits the server's Kubernetes objects, all schema-valid", async () => {
  const b = await build(() => { new InferenceService("fraud", base); });
  const kinds = b.objects.map((o) => o.kind).sort();
  assert.deepEqual(kinds, ["Deployment", "NetworkPolicy", "PodDisruptionBudget", "PrometheusRule", "Service", "ServiceMonitor"]);
  for (const o of b.objects) await validateAgainstSchema(o);
  for (const o of b.objects) assert.equal(o.metadata.namespace, "ml", `${o.kind} namespace`);
});

test("GPU scheduling: limits equal requests, toleration for the GPU taint, node selection on the product", async () => {
  const b = await build(() => { new InferenceService("fraud", base); });
  const pod = podSpec(b.one("Deployment"));
  const res = pod.containers[0].resources;
  assert.equal(res.limits["nvidia.com/gpu"], "1");
  assert.deepEqual(res.requests, res.limits);
  assert.deepEqual(pod.tolerations, [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
  assert.deepEqual(pod.nodeSelector, { "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3" });
});

test("a CPU-only model gets no GPU resource, toleration or node selector", async () => {
  const b = await build(() => { new InferenceService("fraud", { ...base, resources: { cpu: "1", memory: "1Gi", gpu: 0 } }); });
  const pod = podSpec(b.one("Deployment"));
  assert.equal(pod.containers[0].resources.limits["nvidia.com/gpu"], undefined);
  assert.equal(pod.tolerations, undefined);
  assert.equal(pod.nodeSelector, undefined);
});

test("MIG with the mixed strategy requests the profile's own resource", async () => {
  const b = await build(() => {
    new InferenceService("fraud", { ...base, resources: { gpu: 2, migProfile: "1g.10gb" }, gpuNode: { migStrategy: "mixed", taintKey: "gpu", taintValue: "true" } });
  });
  const pod = podSpec(b.one("Deployment"));
  assert.equal(pod.containers[0].resources.limits["nvidia.com/mig-1g.10gb"], "2");
  assert.deepEqual(pod.tolerations, [{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }]);
});

test("restricted security context, read-only root, emptyDirs for caches and a memory-backed /dev/shm", async () => {
  const b = await build(() => { new InferenceService("fraud", base); });
  const pod = podSpec(b.one("Deployment"));
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
  assert.equal(pod.automountServiceAccountToken, false);
  const c = pod.containers[0];
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
  const shm = pod.volumes.find((v: any) => v.name === "dshm");
  assert.deepEqual(shm.emptyDir, { medium: "Memory", sizeLimit: "1Gi" });
  const mounts = c.volumeMounts.map((m: any) => m.mountPath).sort();
  assert.deepEqual(mounts, ["/dev/shm", "/tmp", "/var/cache/modelplane"]);
  for (const v of pod.volumes) assert.ok(v.emptyDir, `${v.name} is an emptyDir`);
});

test("probes: startup budget covers model loading, readiness and liveness on the server's health endpoints", async () => {
  const b = await build(() => { new InferenceService("fraud", base); });
  const c = podSpec(b.one("Deployment")).containers[0];
  assert.equal(c.startupProbe.httpGet.path, "/v2/health/ready");
  assert.ok(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold >= 600);
  assert.equal(c.readinessProbe.httpGet.path, "/v2/health/ready");
  assert.equal(c.livenessProbe.httpGet.path, "/v2/health/live");
  assert.ok(c.args.includes(`--model=fraud=${base.artifact}`));
  assert.ok(c.args.some((a: string) => a.startsWith("--latency-buckets=") && a.split("=")[1]!.split(",").includes("0.25")),
    "the SLO threshold is a histogram bucket edge");
});

test("labels follow app.kubernetes.io conventions; Service, PDB, NetworkPolicy and ServiceMonitor select the pods", async () => {
  const b = await build(() => { new InferenceService("fraud", { ...base, labels: { team: "risk" } }); });
  const dep = b.one("Deployment");
  const l = dep.metadata.labels;
  assert.equal(l["app.kubernetes.io/name"], "modelplane-inference");
  assert.equal(l["app.kubernetes.io/instance"], "fraud");
  assert.equal(l["app.kubernetes.io/component"], "inference");
  assert.equal(l["app.kubernetes.io/part-of"], "modelplane");
  assert.equal(l["app.kubernetes.io/managed-by"], "pulumi");
  assert.equal(l["app.kubernetes.io/version"], "3");
  assert.equal(l.team, "risk");
  const podLabels = dep.spec.template.metadata.labels;
  const matches = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);
  assert.ok(matches(dep.spec.selector.matchLabels));
  assert.ok(matches(b.one("Service").spec.selector));
  assert.ok(matches(b.one("PodDisruptionBudget").spec.selector.matchLabels));
  assert.ok(matches(b.one("NetworkPolicy").spec.podSelector.matchLabels));
  const svcLabels = b.one("Service").metadata.labels;
  const sm = b.one("ServiceMonitor");
  assert.ok(Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => svcLabels[k] === v), "ServiceMonitor selects the Service");
  assert.equal(sm.spec.endpoints[0].path, "/metrics");
  assert.deepEqual(sm.spec.podTargetLabels, ["modelplane.dev/track"], "series carry the stable/canary track");
});

test("PDB never blocks a drain; NetworkPolicy limits ingress to the server port and named namespaces", async () => {
  const b = await build(() => { new InferenceService("fraud", { ...base, allowedNamespaces: ["monitoring", "gateway"] }); });
  assert.equal(b.one("PodDisruptionBudget").spec.maxUnavailable, 1);
  const np = b.one("NetworkPolicy");
  assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
  assert.deepEqual(np.spec.ingress[0].ports, [{ port: 8080, protocol: "TCP" }]);
  const allowed = np.spec.ingress[0].from.filter((f: any) => f.namespaceSelector).map((f: any) => f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);
  assert.deepEqual(allowed, ["monitoring", "gateway"]);
});

test("NetworkPolicy egress: DNS, and the registry ports the model artifacts are pulled from", async () => {
  const b = await build(() => {
    new InferenceService("fraud", {
      ...base,
      artifact: `oci://registry.example.com:8443/models/fraud@${digest}`,
      canary: { artifact: `oci://other.example.com:9000/models/fraud@${digest}`, weight: 10, gatewayName: "g", gatewayNamespace: "ml" },
    });
  });
  const [dns, registry] = b.one("NetworkPolicy").spec.egress;
  assert.deepEqual(dns.ports, [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }]);
  assert.deepEqual(registry.ports.map((p: any) => p.port), [443, 5000, 8443, 9000]);
  const plain = await build(() => { new InferenceService("fraud", base); });
  assert.deepEqual(plain.one("NetworkPolicy").spec.egress[1].ports.map((p: any) => p.port), [443, 5000]);
});

test("registry credentials are mounted read-only as docker config, never as env values", async () => {
  const b = await build(() => { new InferenceService("fraud", { ...base, registryCredentialsSecret: "model-registry-pull", insecureRegistries: ["reg.ml.svc:5000"] }); });
  const pod = podSpec(b.one("Deployment"));
  const c = pod.containers[0];
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
  assert.equal(env.DOCKER_CONFIG, "/var/run/secrets/modelplane/registry");
  assert.equal(env.MODELPLANE_INSECURE_REGISTRIES, "reg.ml.svc:5000");
  assert.deepEqual(c.volumeMounts.find((m: any) => m.name === "registry-credentials"), { name: "registry-credentials", mountPath: env.DOCKER_CONFIG, readOnly: true });
  assert.deepEqual(pod.volumes.find((v: any) => v.name === "registry-credentials").secret,
    { secretName: "model-registry-pull", defaultMode: 0o440, items: [{ key: ".dockerconfigjson", path: "config.json" }] });
  for (const e of c.env) assert.equal(e.valueFrom, undefined, `${e.name} reads no Secret into the environment`);
  await validateAgainstSchema(b.one("Deployment"));
});

test("SLO PrometheusRule has burn-rate alerts for availability and latency of this model", async () => {
  const b = await build(() => { new InferenceService("fraud", base); });
  const groups = b.one("PrometheusRule").spec.groups;
  const alerts = groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
  assert.deepEqual([...new Set(alerts.map((a: any) => a.alert))].sort(), ["ModelplaneSLOAvailabilityBurnRate", "ModelplaneSLOLatencyBurnRate"]);
  for (const a of alerts) assert.match(a.expr, /model="fraud"/);
  assert.ok(alerts.some((a: any) => a.labels.severity === "critical"));
});

test("ServiceMonitor scrapes at the given interval, with no timeout that could exceed it", async () => {
  const b = await build(() => { new InferenceService("fraud", { ...base, scrapeInterval: "5s" }); });
  const endpoint = b.one("ServiceMonitor").spec.endpoints[0];
  assert.equal(endpoint.interval, "5s");
  assert.equal(endpoint.scrapeTimeout, undefined, "Prometheus derives it from the interval");
  const byDefault = await build(() => { new InferenceService("fraud", base); });
  assert.equal(byDefault.one("ServiceMonitor").spec.endpoints[0].interval, "15s");
});

test("without an SLO or monitoring, no PrometheusRule / ServiceMonitor", async () => {
  const b = await build(() => { new InferenceService("fraud", { ...base, slo: undefined, monitoring: false }); });
  assert.equal(b.byKind("PrometheusRule").length, 0);
  assert.equal(b.byKind("ServiceMonitor").length, 0);
});

test("canary: a second Deployment and Service and an HTTPRoute splitting traffic by weight", async () => {
  const b = await build(() => {
    new InferenceService("fraud", { ...base, canary: { artifact: `oci://registry.example.com/models/fraud@sha256:${"b".repeat(64)}`, weight: 10, gatewayName: "inference", gatewayNamespace: "ml" } });
  });
  assert.equal(b.byKind("Deployment").length, 2);
  const canary = b.one("Deployment", "fraud-canary");
  assert.ok(podSpec(canary).containers[0].args.some((a: string) => a.includes("b".repeat(64))));
  const route = b.one("HTTPRoute");
  await validateAgainstSchema(route);
  const weights = route.spec.rules[0].backendRefs.map((r: any) => [r.name, r.weight]);
  assert.deepEqual(weights, [["fraud", 90], ["fraud-canary", 10]]);
  // Each Service selects its own track only, so the route's weights are exact.
  assert.equal(b.one("Service", "fraud").spec.selector["modelplane.dev/track"], "stable");
  assert.equal(b.one("Service", "fraud-canary").spec.selector["modelplane.dev/track"], "canary");
});

test("invalid combinations throw naming the field", async () => {
  await assert.rejects(build(() => { new InferenceService("x", { ...base, modelName: "Bad_Name" }); }), /modelName/);
  await assert.rejects(build(() => { new InferenceService("x", { ...base, modelName: "1fraud" }); }), /modelName: '1fraud' must start with a letter/);
  await assert.rejects(build(() => { new InferenceService("x", { ...base, canary: { artifact: "a", weight: 150, gatewayName: "g", gatewayNamespace: "n" } }); }), /canary\.weight/);
  await assert.rejects(build(() => { new InferenceService("x", { ...base, resources: { gpu: 1.5 } }); }), /resources\.gpu/);
  await assert.rejects(build(() => { new InferenceService("x", { ...base, resources: { gpu: 0, migProfile: "1g.10gb" } }); }), /resources\.migProfile/);
});

test("outputs: in-cluster endpoint of the model", async () => {
  const b = await build(() => ({ endpoint: new InferenceService("fraud", base).endpoint }));
  assert.equal(b.outputs.endpoint, "http://fraud.ml.svc.cluster.local");
});
