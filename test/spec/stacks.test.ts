import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SECRET_PLACEHOLDER } from "../../platform/engine/types.ts";
import { loadStack, PLATFORM_KEY } from "../../platform/spec/index.ts";
import { cli, REPO } from "./helpers.ts";

describe("the three stacks", () => {
  it("dev: purchase-propensity on CPU, KEDA scaling to zero", () => {
    const { spec, stack, file } = loadStack("dev", { cwd: REPO });
    assert.equal(stack, "dev");
    assert.equal(file, join(REPO, "stacks", "Pulumi.dev.yaml"));
    assert.equal(spec.environment, "dev");
    assert.deepEqual(spec.models.map((m) => m.name), ["purchase-propensity"]);
    const [model] = spec.models;
    assert.ok(model);
    assert.equal(model.resources.gpu, 0);
    assert.deepEqual(
      [model.autoscaling.engine, model.autoscaling.scaleToZero, model.autoscaling.minReplicas],
      ["keda", true, 0],
    );
    assert.equal(spec.policy.enforcement.security, "advisory");
  });

  it("staging: one GPU per replica, a 10% canary, artifacts by digest", () => {
    const { spec } = loadStack("staging", { cwd: REPO });
    assert.equal(spec.environment, "staging");
    for (const m of spec.models) {
      assert.equal(m.resources.gpu, 1);
      assert.match(m.artifact, /@sha256:[a-f0-9]{64}$/);
    }
    const canaries = spec.models.flatMap((m) => (m.canary ? [m.canary] : []));
    assert.equal(canaries.length, 1);
    assert.equal(canaries[0]?.weight, 10);
    assert.match(canaries[0]?.artifact ?? "", /@sha256:[a-f0-9]{64}$/);
    assert.notEqual(canaries[0]?.artifact, spec.models[0]?.artifact);
  });

  it("prod: named GPU product, two models, min 2 replicas, KEDA and HPA, receivers, future exemptions", () => {
    const { spec, secretPaths, config } = loadStack("prod", { cwd: REPO });
    assert.equal(spec.environment, "prod");
    assert.ok(spec.models.length >= 2);
    for (const m of spec.models) {
      assert.ok(m.resources.gpu > 0);
      assert.equal(m.resources.gpuProduct, "NVIDIA-H100-80GB-HBM3");
      assert.ok(m.autoscaling.minReplicas >= 2, `${m.name} minReplicas`);
      assert.match(m.artifact, /@sha256:[a-f0-9]{64}$/);
    }
    assert.deepEqual(new Set(spec.models.map((m) => m.autoscaling.engine)), new Set(["keda", "hpa"]));
    assert.equal(spec.gpu.productLabel, "nvidia.com/gpu.product");
    assert.ok(spec.monitoring.alertReceivers.length >= 1);
    assert.ok(spec.policy.exemptions.length >= 1);
    const today = new Date().toISOString().slice(0, 10);
    for (const e of spec.policy.exemptions) {
      assert.ok(e.owner && e.reason, "exemption has owner and reason");
      assert.ok(e.expires > today, `exemption ${e.rule} expires in the future`);
    }
    assert.equal(spec.registry.mode, "external");
    assert.equal(spec.registry.server, "registry.ml.example.com");
    // The secure password never reaches the spec or the config in clear.
    assert.equal(spec.registry.password, SECRET_PLACEHOLDER);
    assert.ok(secretPaths.includes("registry.password"));
    const platform = config[PLATFORM_KEY] as { registry: { password: unknown } };
    assert.equal(platform.registry.password, SECRET_PLACEHOLDER);
    assert.doesNotMatch(JSON.stringify(config), /v1:/);
    const budget = spec.models.reduce((n, m) => n + m.autoscaling.maxReplicas * m.resources.gpu, 0);
    assert.ok(spec.gpu.budget === 0 || budget <= spec.gpu.budget);
  });

  for (const [stack, env, models] of [
    ["dev", "dev", "1 model"],
    ["staging", "staging", "1 model"],
    ["prod", "prod", "2 models"],
  ] as const) {
    it(`modelplane validate --stack ${stack} exits 0`, async () => {
      const run = await cli(["validate", "--stack", stack]);
      assert.equal(run.stderr, "");
      assert.equal(run.stdout, `ok: stacks/Pulumi.${stack}.yaml (${env}, ${models})\n`);
      assert.equal(run.code, 0);
    });
  }

  it("validate --json describes the resolved spec", async () => {
    const run = await cli(["validate", "--stack", "stacks/Pulumi.prod.yaml", "--json"]);
    assert.equal(run.code, 0);
    const out = JSON.parse(run.stdout) as { ok: boolean; environment: string; models: number; spec: { namespace: string } };
    assert.deepEqual([out.ok, out.environment, out.models, out.spec.namespace], [true, "prod", 2, "modelplane-prod"]);
  });
});
