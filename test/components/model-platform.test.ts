import { test } from "node:test";
import assert from "node:assert/strict";
import { ModelPlatform } from "../../components/ModelPlatform.ts";
import { resolveSpec } from "../../platform/spec/index.ts";
import { validateAgainstSchema } from "../helpers/kube-schemas.ts";
import { build, podSpec } from "../helpers/components.ts";

const digest = (c: string) => "sha256:" + c.repeat(64);
const raw = {
  environment: "staging",
  namespace: "ml-staging",
  registry: { mode: "external", server: "registry.example.com", username: "robot", password: "pw" },
  server: { image: `registry.example.com/modelplane/inference@${digest("c")}` },
  models: [
    {
      name: "ranker",
      artifact: `oci://registry.example.com/models/ranker@${digest("a")}`,
      resources: { gpu: 1, gpuProduct: "NVIDIA-L4" },
      autoscaling: { engine: "hpa", minReplicas: 1, maxReplicas: 3 },
      canary: { artifact: `oci://registry.example.com/models/ranker@${digest("b")}`, weight: 25 },
    },
    { name: "churn", artifact: `oci://registry.example.com/models/churn@${digest("d")}`, autoscaling: { engine: "keda", minReplicas: 1, maxReplicas: 2 } },
  ],
};

test("ModelPlatform composes the components from a spec", async () => {
  const spec = resolveSpec(raw, { stack: "staging" });
  const b = await build(() => {
    const p = new ModelPlatform("mp", { spec });
    return { endpoints: p.endpoints, namespace: p.namespace, image: p.serverImage };
  });
  const components = b.resources.filter((r) => !r.custom && r.type.startsWith("modelplane:")).map((r) => r.type).sort();
  assert.deepEqual(components, [
    "modelplane:index:AutoscalingPolicy", "modelplane:index:AutoscalingPolicy",
    "modelplane:index:InferenceService", "modelplane:index:InferenceService",
    "modelplane:index:ModelPlatform", "modelplane:index:ModelRegistry",
    ...(spec.gpu.operator ? ["modelplane:index:GpuSharing"] : []),
    ...(spec.monitoring.enabled ? ["modelplane:index:MonitoringStack"] : []),
  ].sort());
  for (const o of b.objects) await validateAgainstSchema(o);
  assert.deepEqual(b.outputs.endpoints, { ranker: "http://ranker.ml-staging.svc.cluster.local", churn: "http://churn.ml-staging.svc.cluster.local" });
  // A given server image means no build.
  assert.equal(b.ofType("docker:index/image:Image").length, 0);
  for (const d of b.byKind("Deployment")) {
    assert.equal(podSpec(d).containers[0].image, raw.server.image);
    assert.deepEqual(podSpec(d).imagePullSecrets, [{ name: "model-registry-pull" }]);
    assert.equal(d.metadata.labels["modelplane.dev/environment"], "staging");
  }
  assert.equal(b.byKind("HorizontalPodAutoscaler").length, 1);
  assert.equal(b.byKind("ScaledObject").length, 1);
  // A KEDA model brings the KEDA operator, and model resources wait for it and for the monitoring CRDs.
  const keda = b.ofType("kubernetes:helm.sh/v4:Chart").find((c) => c.inputs["chart"] === "keda");
  assert.ok(keda, "KEDA is installed");
  const so = b.resources.find((r) => r.type === "modelplane:index:AutoscalingPolicy" && r.name.includes("churn"))!;
  assert.ok(so.dependencies.includes(keda.urn), "the ScaledObject's component depends on the KEDA release");
  const ns = b.one("Namespace", "ml-staging");
  assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
  // The canary routes through a Gateway the platform declares.
  const gw = b.one("Gateway");
  const route = b.one("HTTPRoute");
  assert.equal(route.spec.parentRefs[0].name, gw.metadata.name);
  assert.deepEqual(route.spec.rules[0].backendRefs.map((r: any) => r.weight), [75, 25]);
});

test("without a server image the platform builds one and every model server runs it by digest", async () => {
  const spec = resolveSpec({ ...raw, server: {} }, { stack: "staging" });
  const b = await build(() => { new ModelPlatform("mp", { spec, serverBuildContext: "/src/modelplane" }); });
  const image = b.ofType("docker:index/image:Image")[0]!;
  assert.equal((image.inputs["build"] as any).dockerfile, "/src/modelplane/services/inference/Dockerfile");
  assert.deepEqual((image.inputs["build"] as any).args, { EXECUTION_PROVIDER: "cuda" }, "a GPU model gets the CUDA variant of the image");
  for (const d of b.byKind("Deployment")) assert.match(podSpec(d).containers[0].image, /^registry\.example\.com\/modelplane\/inference@sha256:[0-9a-f]{64}$/);
});

test("the spec's scrape interval reaches every model's ServiceMonitor", async () => {
  const spec = resolveSpec({ ...raw, monitoring: { scrapeInterval: "45s" } }, { stack: "staging" });
  const b = await build(() => { new ModelPlatform("mp", { spec }); });
  const monitors = b.byKind("ServiceMonitor");
  assert.equal(monitors.length, 2);
  for (const sm of monitors) assert.equal(sm.spec.endpoints[0].interval, "45s");
});

test("the spec's GPU taint reaches the GPU Operator's agents and a standalone DCGM exporter", async () => {
  const taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };
  const toleration = { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" };
  const valuesOf = (b: Awaited<ReturnType<typeof build>>, chart: string) =>
    b.ofType("kubernetes:helm.sh/v4:Chart").find((c) => c.inputs["chart"] === chart)?.inputs["values"] as any;
  const withOperator = await build(() => { new ModelPlatform("mp", { spec: resolveSpec({ ...raw, gpu: { taint } }, { stack: "staging" }) }); });
  assert.deepEqual(valuesOf(withOperator, "gpu-operator").daemonsets.tolerations, [toleration]);
  const spec = resolveSpec({ ...raw, gpu: { taint, operator: false }, monitoring: { gpuMetrics: true } }, { stack: "staging" });
  const standalone = await build(() => { new ModelPlatform("mp", { spec }); });
  assert.deepEqual(valuesOf(standalone, "dcgm-exporter").tolerations, [toleration]);
});
