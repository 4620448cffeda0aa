import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { GpuSharing } from "../../components/GpuSharing.ts";
import { MonitoringStack } from "../../components/MonitoringStack.ts";
import { validateAgainstSchema } from "../helpers/kube-schemas.ts";
import { build } from "../helpers/components.ts";

const CHART = "kubernetes:helm.sh/v4:Chart";

test("MonitoringStack: pinned kube-prometheus-stack and prometheus-adapter, dashboards, alert routing", async () => {
  const b = await build(() => {
    new MonitoringStack("mon", {
      namespace: "monitoring", retention: "30d", storageSize: "100Gi", dcgmExporter: true,
      alertReceivers: [{ name: "oncall", type: "pagerduty", target: "KEY", severity: "critical" }, { name: "team", type: "slack", target: "https://hooks.example/x", severity: "warning" }],
    });
  });
  for (const o of b.objects) await validateAgainstSchema(o);
  const charts = b.ofType(CHART);
  assert.deepEqual(charts.map((c) => c.inputs["chart"]).sort(), ["dcgm-exporter", "kube-prometheus-stack", "prometheus-adapter"]);
  for (const c of charts) assert.match(String(c.inputs["version"]), /^v?\d+\.\d+\.\d+$/, `${c.inputs["chart"]} version pinned`);
  const kps = charts.find((c) => c.inputs["chart"] === "kube-prometheus-stack")!;
  const values = kps.inputs["values"] as any;
  assert.equal(values.prometheus.prometheusSpec.retention, "30d");
  assert.equal(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "100Gi");
  const am = values.alertmanager.config;
  assert.deepEqual(am.receivers.map((r: any) => r.name), ["null", "oncall", "team"]);
  assert.deepEqual(am.route.routes.map((r: any) => r.matchers[0]), ['severity=~"critical"', 'severity=~"critical|warning"']);
  assert.ok(kps.secretPaths.some((p) => p.startsWith("values.alertmanager")), "receiver credentials are secret");
  const adapter = charts.find((c) => c.inputs["chart"] === "prometheus-adapter")!;
  assert.equal((adapter.inputs["values"] as any).rules.custom[0].name.as, "modelplane_inference_pending_requests");
  const dashboards = b.byKind("ConfigMap");
  assert.equal(dashboards.length, 2);
  for (const d of dashboards) {
    assert.equal(d.metadata.labels.grafana_dashboard, "1");
    const json = JSON.parse(Object.values(d.data)[0] as string);
    assert.ok(json.panels.length > 0);
  }
});

test("MonitoringStack's DCGM exporter tolerates the GPU taint and runs only on GPU nodes", async () => {
  const b = await build(() => {
    new MonitoringStack("mon", { namespace: "monitoring", dcgmExporter: true, gpuTaintKey: "gpu", gpuTaintValue: "true", gpuNodeLabel: "example.com/gpu" });
  });
  const dcgm = b.ofType(CHART).find((c) => c.inputs["chart"] === "dcgm-exporter")!;
  const values = dcgm.inputs["values"] as any;
  assert.deepEqual(values.tolerations, [{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }]);
  assert.deepEqual(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
    [{ matchExpressions: [{ key: "example.com/gpu", operator: "Exists" }] }]);
  const byDefault = await build(() => { new MonitoringStack("mon", { namespace: "monitoring", dcgmExporter: true }); });
  const defaults = byDefault.ofType(CHART).find((c) => c.inputs["chart"] === "dcgm-exporter")!.inputs["values"] as any;
  assert.deepEqual(defaults.tolerations, [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
});

test("MonitoringStack without GPU metrics installs no DCGM exporter nor GPU dashboard", async () => {
  const b = await build(() => { new MonitoringStack("mon", { namespace: "monitoring" }); });
  assert.deepEqual(b.ofType(CHART).map((c) => c.inputs["chart"]).sort(), ["kube-prometheus-stack", "prometheus-adapter"]);
  assert.equal(b.byKind("ConfigMap").length, 1);
});

test("GpuSharing time-slicing: device plugin config shared N ways and handed to the GPU Operator", async () => {
  const b = await build(() => { new GpuSharing("gpu", { namespace: "gpu-operator", mode: "time-slicing", timeSlicingReplicas: 4 }); });
  for (const o of b.objects) await validateAgainstSchema(o);
  const cm = b.one("ConfigMap");
  const config = parse(cm.data.modelplane);
  assert.deepEqual(config.sharing.timeSlicing.resources, [{ name: "nvidia.com/gpu", replicas: 4 }]);
  const chart = b.ofType(CHART)[0]!;
  assert.equal(chart.inputs["chart"], "gpu-operator");
  assert.deepEqual((chart.inputs["values"] as any).devicePlugin.config, { name: cm.metadata.name, default: "modelplane" });
  assert.equal(b.one("Namespace").metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
});

test("GpuSharing: the operator's node agents and NFD workers tolerate the configured GPU taint", async () => {
  const b = await build(() => { new GpuSharing("gpu", { namespace: "gpu-operator", mode: "none", taintKey: "dedicated", taintValue: "gpu", taintEffect: "NoExecute" }); });
  const values = b.ofType(CHART)[0]!.inputs["values"] as any;
  const toleration = { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoExecute" };
  assert.deepEqual(values.daemonsets.tolerations, [toleration]);
  assert.deepEqual(values["node-feature-discovery"].worker.tolerations.at(-1), toleration);
  assert.ok(values["node-feature-discovery"].worker.tolerations.some((t: any) => t.key === "node-role.kubernetes.io/control-plane"),
    "the chart's control-plane tolerations are kept");
});

test("GpuSharing MIG: strategy and MIG manager, no time-slicing config", async () => {
  const b = await build(() => { new GpuSharing("gpu", { namespace: "gpu-operator", mode: "mig", migStrategy: "mixed" }); });
  assert.equal(b.byKind("ConfigMap").length, 0);
  const values = b.ofType(CHART)[0]!.inputs["values"] as any;
  assert.equal(values.mig.strategy, "mixed");
  assert.equal(values.migManager.enabled, true);
});

test("GpuSharing rejects unknown modes and too few time-slicing replicas", async () => {
  await assert.rejects(build(() => { new GpuSharing("gpu", { namespace: "g", mode: "mps" }); }), /gpu\.sharing/);
  await assert.rejects(build(() => { new GpuSharing("gpu", { namespace: "g", mode: "time-slicing", timeSlicingReplicas: 1 }); }), /timeSlicingReplicas/);
  await assert.rejects(build(() => { new GpuSharing("gpu", { namespace: "g", mode: "mig", migStrategy: "half" }); }), /migStrategy/);
});
