import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDefaults, environmentDefaults, resolveSpec, RULE_GROUPS } from "../../platform/spec/index.ts";
import { versionOf } from "../../platform/spec/defaults.ts";
import { ARTIFACT_A, DIGEST_A } from "./helpers.ts";

const model = { name: "m", artifact: ARTIFACT_A, resources: { gpuProduct: "NVIDIA-L4" } };

describe("per-environment defaults", () => {
  it("dev: advisory policy, small CPU replicas, scale to zero, time-slicing", () => {
    const spec = resolveSpec({ environment: "dev", models: [{ name: "m", artifact: "oci://r.example.com/m:1.0" }] });
    const m = spec.models[0]!;
    assert.deepEqual(Object.values(spec.policy.enforcement), RULE_GROUPS.map(() => "advisory"));
    assert.equal(spec.gpu.sharing, "time-slicing");
    assert.deepEqual([m.resources.cpu, m.resources.memory, m.resources.gpu], ["500m", "1Gi", 0]);
    assert.deepEqual([m.autoscaling.engine, m.autoscaling.scaleToZero, m.autoscaling.minReplicas], ["keda", true, 0]);
    assert.equal(spec.monitoring.gpuMetrics, false);
    assert.equal(spec.namespace, "modelplane-dev");
  });

  it("staging: security mandatory, one GPU, one replica at least, no scale to zero", () => {
    const spec = resolveSpec({ environment: "staging", models: [model] });
    const m = spec.models[0]!;
    assert.equal(spec.policy.enforcement.security, "mandatory");
    assert.equal(spec.policy.enforcement["supply-chain"], "advisory");
    assert.equal(spec.gpu.sharing, "none");
    assert.deepEqual([m.resources.gpu, m.autoscaling.minReplicas, m.autoscaling.scaleToZero], [1, 1, false]);
  });

  it("prod: mandatory security and supply-chain, min 2 replicas, longer retention, GPU metrics", () => {
    const spec = resolveSpec({ environment: "prod", models: [{ ...model, resources: { gpuProduct: "NVIDIA-H100-80GB-HBM3" } }] });
    const m = spec.models[0]!;
    for (const group of ["security", "supply-chain", "gpu", "reliability"] as const) assert.equal(spec.policy.enforcement[group], "mandatory");
    assert.equal(spec.policy.enforcement.cost, "advisory");
    assert.equal(m.autoscaling.minReplicas, 2);
    assert.ok(m.autoscaling.maxReplicas >= 2);
    assert.equal(m.autoscaling.scaleToZero, false);
    assert.equal(spec.monitoring.retention, "15d");
    assert.equal(spec.monitoring.gpuMetrics, true);
    assert.equal(m.slo.availability, 99.9);
  });

  it("user values win over defaults, field by field", () => {
    const spec = resolveSpec({
      environment: "prod",
      gpu: { taint: { value: "h100" } },
      policy: { enforcement: { cost: "mandatory" } },
      models: [{ ...model, resources: { gpuProduct: "NVIDIA-H100-80GB-HBM3", cpu: 3 }, autoscaling: { maxReplicas: 5 } }],
    });
    assert.deepEqual(spec.gpu.taint, { key: "nvidia.com/gpu", value: "h100", effect: "NoSchedule" });
    assert.equal(spec.policy.enforcement.cost, "mandatory");
    assert.equal(spec.policy.enforcement.security, "mandatory");
    const m = spec.models[0]!;
    // A YAML number for cpu becomes the quantity string Kubernetes wants.
    assert.equal(m.resources.cpu, "3");
    assert.equal(m.resources.memory, "16Gi");
    assert.deepEqual([m.autoscaling.minReplicas, m.autoscaling.maxReplicas], [2, 5]);
  });

  it("scaleToZero and minReplicas default from each other", () => {
    const dev = (autoscaling: object) => resolveSpec({ environment: "dev", models: [{ name: "m", artifact: "oci://r.example.com/m:1", autoscaling }] }).models[0]!.autoscaling;
    assert.deepEqual([dev({ minReplicas: 1 }).scaleToZero, dev({ minReplicas: 1 }).minReplicas], [false, 1]);
    assert.deepEqual([dev({ engine: "hpa" }).scaleToZero, dev({ engine: "hpa" }).minReplicas], [false, 1]);
    const staging = resolveSpec({ environment: "staging", models: [{ ...model, autoscaling: { scaleToZero: true } }] }).models[0]!.autoscaling;
    assert.deepEqual([staging.scaleToZero, staging.minReplicas], [true, 0]);
    // A raised floor lifts the default ceiling with it.
    const high = resolveSpec({ environment: "staging", models: [{ ...model, autoscaling: { minReplicas: 10 } }] }).models[0]!.autoscaling;
    assert.deepEqual([high.minReplicas, high.maxReplicas], [10, 10]);
  });

  it("the version label comes from the artifact's tag, else its digest", () => {
    assert.equal(versionOf("oci://r.example.com/m:1.4.0"), "1.4.0");
    assert.equal(versionOf(`oci://r.example.com/m:1.4.0@sha256:${DIGEST_A}`), "1.4.0");
    assert.equal(versionOf(`oci://r.example.com:5000/m@sha256:${DIGEST_A}`), DIGEST_A.slice(0, 12));
    assert.equal(versionOf("oci://r.example.com:5000/m"), "latest");
  });

  it("defaults are fresh objects and the resolved spec is complete", () => {
    const a = environmentDefaults("prod");
    a.gpu.taint.key = "changed";
    assert.equal(environmentDefaults("prod").gpu.taint.key, "nvidia.com/gpu");
    const spec = applyDefaults({}, "staging");
    assert.deepEqual(Object.keys(spec).sort(), ["environment", "gpu", "labels", "models", "monitoring", "namespace", "policy", "registry", "server"]);
    assert.equal(spec.registry.mode, "in-cluster");
    assert.match(spec.gpu.operatorVersion, /^v?\d+\.\d+\.\d+$/);
    assert.match(spec.monitoring.chartVersion, /^\d+\.\d+\.\d+$/);
  });
});
