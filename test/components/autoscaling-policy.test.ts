import { test } from "node:test";
import assert from "node:assert/strict";
import { AutoscalingPolicy, type AutoscalingPolicyArgs } from "../../components/AutoscalingPolicy.ts";
import { validateAgainstSchema } from "../helpers/kube-schemas.ts";
import { build } from "../helpers/components.ts";

const base: AutoscalingPolicyArgs = {
  namespace: "ml",
  modelName: "fraud",
  targetName: "fraud",
  engine: "keda",
  minReplicas: 2,
  maxReplicas: 10,
  targetPendingRequests: 8,
  prometheusAddress: "http://prometheus-operated.monitoring.svc:9090",
};

test("KEDA: a ScaledObject on pending requests per pod, scaling the Deployment", async () => {
  const b = await build(() => { new AutoscalingPolicy("fraud", base); });
  assert.deepEqual(b.objects.map((o) => o.kind), ["ScaledObject"]);
  const so = b.one("ScaledObject");
  await validateAgainstSchema(so);
  assert.deepEqual(so.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "fraud" });
  assert.equal(so.spec.minReplicaCount, 2);
  assert.equal(so.spec.maxReplicaCount, 10);
  const trigger = so.spec.triggers[0];
  assert.equal(trigger.type, "prometheus");
  assert.equal(trigger.metricType, "AverageValue");
  assert.equal(trigger.metadata.threshold, "8");
  assert.equal(trigger.metadata.query, 'sum(modelplane_inference_pending_requests{namespace="ml",model="fraud",modelplane_dev_track!="canary"})');
  assert.equal(trigger.metadata.serverAddress, base.prometheusAddress);
});

test("KEDA scale to zero sets minReplicaCount 0 and wakes on any pending request", async () => {
  const b = await build(() => { new AutoscalingPolicy("fraud", { ...base, minReplicas: 0, scaleToZero: true }); });
  const so = b.one("ScaledObject");
  assert.equal(so.spec.minReplicaCount, 0);
  assert.equal(so.spec.triggers[0].metadata.activationThreshold, "0");
});

test("HPA v2: a Pods metric through prometheus-adapter with scale-down stabilisation", async () => {
  const b = await build(() => { new AutoscalingPolicy("fraud", { ...base, engine: "hpa", cooldownSeconds: 120 }); });
  assert.deepEqual(b.objects.map((o) => o.kind), ["HorizontalPodAutoscaler"]);
  const hpa = b.one("HorizontalPodAutoscaler");
  await validateAgainstSchema(hpa);
  assert.equal(hpa.apiVersion, "autoscaling/v2");
  assert.equal(hpa.spec.minReplicas, 2);
  assert.deepEqual(hpa.spec.metrics[0], {
    type: "Pods",
    pods: { metric: { name: "modelplane_inference_pending_requests" }, target: { type: "AverageValue", averageValue: "8" } },
  });
  assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 120);
});

test("a cooldown over an hour keeps the HPA valid (window capped at 3600 s) and KEDA's full scale-to-zero delay", async () => {
  const hpa = (await build(() => { new AutoscalingPolicy("fraud", { ...base, engine: "hpa", cooldownSeconds: 7200 }); })).one("HorizontalPodAutoscaler");
  assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 3600);
  const so = (await build(() => { new AutoscalingPolicy("fraud", { ...base, minReplicas: 0, scaleToZero: true, cooldownSeconds: 7200 }); })).one("ScaledObject");
  assert.equal(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds, 3600);
  assert.equal(so.spec.cooldownPeriod, 7200);
});

test("invalid combinations throw naming the field", async () => {
  await assert.rejects(build(() => { new AutoscalingPolicy("x", { ...base, engine: "vpa" }); }), /autoscaling\.engine/);
  await assert.rejects(build(() => { new AutoscalingPolicy("x", { ...base, minReplicas: 5, maxReplicas: 2 }); }), /maxReplicas: must be >= minReplicas \(5\)/);
  await assert.rejects(build(() => { new AutoscalingPolicy("x", { ...base, engine: "hpa", minReplicas: 0, scaleToZero: true }); }), /scaleToZero/);
  await assert.rejects(build(() => { new AutoscalingPolicy("x", { ...base, scaleToZero: true }); }), /minReplicas: must be 0/);
  await assert.rejects(build(() => { new AutoscalingPolicy("x", { ...base, targetPendingRequests: 0 }); }), /targetPendingRequests/);
});
