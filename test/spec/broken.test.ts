import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { loadStack, SpecValidationError } from "../../platform/spec/index.ts";
import { BROKEN, cli, REPO } from "./helpers.ts";

const F = "test/fixtures/stacks/broken";

/**
 * Every broken fixture with the exact lines `modelplane validate` must print (stderr), in order.
 * Each fixture's first line says what is wrong with it.
 */
const expected: Record<string, string[]> = {
  "min-over-max.yaml": [`${F}/min-over-max.yaml:12:11 models[0].autoscaling.maxReplicas: must be >= minReplicas (2)`],
  "duplicate-model-names.yaml": [
    `${F}/duplicate-model-names.yaml:10:9 models[2].name: duplicate model name 'purchase-propensity' (first at models[0])`,
  ],
  "canary-weight-out-of-range.yaml": [`${F}/canary-weight-out-of-range.yaml:10:11 models[0].canary.weight: must be <= 100 (got 150)`],
  "canary-same-artifact.yaml": [
    `${F}/canary-same-artifact.yaml:9:11 models[0].canary.artifact: must differ from the model's artifact (a canary of the same artifact tests nothing)`,
  ],
  "scale-to-zero-hpa.yaml": [
    `${F}/scale-to-zero-hpa.yaml:11:11 models[0].autoscaling.scaleToZero: requires engine keda (an HPA cannot scale to zero; engine is hpa)`,
  ],
  "scale-to-zero-min-replicas.yaml": [
    `${F}/scale-to-zero-min-replicas.yaml:11:11 models[0].autoscaling.minReplicas: must be 0 when scaleToZero is true (got 1)`,
  ],
  "prod-gpu-without-product.yaml": [
    // The field is missing: the error points at its parent key, `resources:`.
    `${F}/prod-gpu-without-product.yaml:8:9 models[0].resources.gpuProduct: is required in prod when gpu > 0 (a value of the node label nvidia.com/gpu.product, e.g. NVIDIA-H100-80GB-HBM3)`,
  ],
  "mig-profile-without-mig.yaml": [
    `${F}/mig-profile-without-mig.yaml:12:11 models[0].resources.migProfile: only allowed when gpu.sharing is mig (it is time-slicing)`,
  ],
  "unpinned-artifacts.yaml": [
    `${F}/unpinned-artifacts.yaml:6:7 server.image: must be pinned by digest (@sha256:<64 hex digits>) in staging`,
    `${F}/unpinned-artifacts.yaml:9:9 models[0].artifact: must be pinned by digest (@sha256:<64 hex digits>) in staging`,
    `${F}/unpinned-artifacts.yaml:11:11 models[0].canary.artifact: must be pinned by digest (@sha256:<64 hex digits>) in staging`,
  ],
  "gpu-budget-exceeded.yaml": [
    `${F}/gpu-budget-exceeded.yaml:6:7 gpu.budget: is exceeded: models may request 20 GPUs (maxReplicas × gpu: purchase-propensity 8×1 + fraud-detection 6×2), budget 16`,
  ],
  "exemption-dates.yaml": [
    `${F}/exemption-dates.yaml:11:11 policy.exemptions[0].expires: is not a real date (2027-02-30)`,
    `${F}/exemption-dates.yaml:16:11 policy.exemptions[1].expires: must be a date YYYY-MM-DD (got "next quarter")`,
  ],
  "exemption-unknown-model.yaml": [
    `${F}/exemption-unknown-model.yaml:11:11 policy.exemptions[0].target: names no model of this stack (models: purchase-propensity)`,
  ],
  "env-mismatch/Pulumi.prod.yaml": [
    `${F}/env-mismatch/Pulumi.prod.yaml:4:5 environment: is dev but the stack is 'prod' (stack names start with their environment)`,
  ],
  "external-registry-without-server.yaml": [
    `${F}/external-registry-without-server.yaml:5:5 registry.server: is required when registry.mode is external`,
  ],
  "slo-vs-batching.yaml": [
    `${F}/slo-vs-batching.yaml:9:11 models[0].batching.maxBatchSize: must be <= maxQueueSize (32)`,
    `${F}/slo-vs-batching.yaml:14:13 models[0].slo.latency.thresholdMs: must be below batching.timeoutMs (1000): requests time out before they can miss the SLO`,
  ],
  "unknown-fields.yaml": [
    `${F}/unknown-fields.yaml:6:5 monitor: unknown field (allowed: environment, namespace, labels, gpu, registry, monitoring, server, models, policy)`,
    `${F}/unknown-fields.yaml:11:9 models[0].autoscalling: unknown field (did you mean 'autoscaling'?)`,
    `${F}/unknown-fields.yaml:14:11 models[0].resources.gpus: unknown field (did you mean 'gpu'?)`,
  ],
  "bad-values.yaml": [
    `${F}/bad-values.yaml:5:5 namespace: must be a Kubernetes name: lowercase letters, digits and '-', starting and ending with a letter or digit (got "Models_Dev")`,
    `${F}/bad-values.yaml:7:7 labels["bad key!"]: invalid key: must be a Kubernetes label key such as example.com/team or team (got "bad key!")`,
    `${F}/bad-values.yaml:9:7 gpu.sharing: must be one of none, time-slicing, mig (got "fractional")`,
    `${F}/bad-values.yaml:11:7 monitoring.retention: must be a duration such as 30s, 15d or 1h30m (got "15days")`,
    `${F}/bad-values.yaml:13:9 models[0].name: must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (got "Purchase Propensity")`,
    `${F}/bad-values.yaml:14:9 models[0].artifact: must be an OCI reference oci://host[:port]/repository[:tag][@sha256:<64 hex digits>] (got "registry.ml.example.com/models/purchase-propensity:1.4.0")`,
    `${F}/bad-values.yaml:16:11 models[0].resources.cpu: must be a CPU quantity such as 2, 0.5 or 500m (got "1.5 cores")`,
    `${F}/bad-values.yaml:17:11 models[0].resources.memory: must be a size such as 4Gi, 512Mi or 100G (got "4GB")`,
    `${F}/bad-values.yaml:18:11 models[0].resources.gpu: must be >= 0 (got -1)`,
  ],
  "missing-required.yaml": [
    // Missing fields point at their parent: the list item.
    `${F}/missing-required.yaml:6:9 models[0].artifact: is required`,
    `${F}/missing-required.yaml:11:11 policy.exemptions[0].expires: is required`,
    `${F}/missing-required.yaml:11:11 policy.exemptions[0].owner: is required`,
  ],
  "wrong-types.yaml": [
    `${F}/wrong-types.yaml:5:5 gpu: must be a mapping (got "one")`,
    `${F}/wrong-types.yaml:7:7 registry.password: must be a string or a Pulumi secret { secure: v1:... } (got 12345)`,
    `${F}/wrong-types.yaml:8:5 models: must be a list (got a mapping)`,
  ],
  "yaml-syntax.yaml": [`${F}/yaml-syntax.yaml:6:1 invalid YAML: Missing closing "quote`],
  "duplicate-key.yaml": [`${F}/duplicate-key.yaml:10:11 invalid YAML: Map keys must be unique`],
  "no-platform.yaml": [`${F}/no-platform.yaml:2:1 config: modelplane:platform is required`],
  "prod-lowered-enforcement.yaml": [
    `${F}/prod-lowered-enforcement.yaml:7:9 policy.enforcement.security: cannot be advisory in prod (exempt single resources with policy.exemptions instead)`,
    `${F}/prod-lowered-enforcement.yaml:8:9 policy.enforcement.supply-chain: cannot be disabled in prod (exempt single resources with policy.exemptions instead)`,
  ],
  "unquoted-numbers.yaml": [
    `${F}/unquoted-numbers.yaml:6:7 labels.cost-center: must be a string (got 4711; quote it in YAML to keep it text)`,
    `${F}/unquoted-numbers.yaml:10:9 models[0].version: must be a string (got 1.1; quote it in YAML to keep it text)`,
  ],
  "unknown-stack-key.yaml": [
    `${F}/unknown-stack-key.yaml:2:1 confg: unknown stack file key (a Pulumi stack file holds config, secretsprovider, encryptedkey, encryptionsalt, environment)`,
  ],
  "anchors.yaml": [
    `${F}/anchors.yaml:11:11 models[0].autoscaling.maxReplicas: must be >= minReplicas (3)`,
    `${F}/anchors.yaml:11:11 models[1].autoscaling.maxReplicas: must be >= minReplicas (3)`,
    `${F}/anchors.yaml:16:29 models[2].resources.cpu: must be a CPU quantity such as 2, 0.5 or 500m (got "2 cores")`,
  ],
  "gpu-sharing-mismatch.yaml": [
    `${F}/gpu-sharing-mismatch.yaml:7:7 gpu.migStrategy: only applies when gpu.sharing is mig (it is time-slicing)`,
    `${F}/gpu-sharing-mismatch.yaml:12:11 models[0].resources.gpu: must be 0 or 1 with gpu.sharing time-slicing (more time-sliced GPUs give a pod no more compute)`,
    `${F}/gpu-sharing-mismatch.yaml:15:11 models[0].autoscaling.minReplicas: must be >= 1 with engine hpa (use engine keda with scaleToZero to scale to zero)`,
  ],
};

function fixtures(dir = BROKEN): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? fixtures(path) : [relative(BROKEN, path)];
  });
}

describe("broken stacks", () => {
  it("every fixture has its expected output, and there are at least 15", () => {
    assert.deepEqual(fixtures().sort(), Object.keys(expected).sort());
    assert.ok(Object.keys(expected).length >= 15);
  });

  for (const [name, lines] of Object.entries(expected)) {
    it(`validate ${name}: exit 2, every error as file:line:col path: message`, async () => {
      const run = await cli(["validate", "--stack", `${F}/${name}`]);
      assert.equal(run.stdout, "");
      assert.deepEqual(run.stderr.trimEnd().split("\n"), lines);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
      assert.equal(run.code, 2);
    });
  }

  it("loadStack throws one SpecValidationError holding every error, with file positions", () => {
    const err = captureError(() => loadStack(`${F}/bad-values.yaml`, { cwd: REPO }));
    assert.equal(err.errors.length, 9);
    assert.ok(err.errors.every((e) => e.file === join(BROKEN, "bad-values.yaml") && e.line && e.col));
    assert.deepEqual(err.message.split("\n"), expected["bad-values.yaml"]);
  });

  it("schema and semantic errors are reported together, in file order", async () => {
    const run = await cli(["validate", "--stack", `${F}/gpu-sharing-mismatch.yaml`]);
    assert.equal(run.stderr.trimEnd().split("\n").length, 3);
    const run2 = await cli(["validate", "--stack", `${F}/exemption-dates.yaml`]);
    // One schema error (pattern) and one semantic (calendar) in one run.
    assert.match(run2.stderr, /must be a date YYYY-MM-DD/);
    assert.match(run2.stderr, /is not a real date/);
  });

  it("a missing stack file is exit 2 with a one-line message naming the stacks there are", async () => {
    const byName = await cli(["validate", "--stack", "qa"]);
    assert.equal(byName.stderr, "stacks/Pulumi.qa.yaml: no such stack file (stacks: dev, prod, staging)\n");
    assert.equal(byName.code, 2);
    const byPath = await cli(["validate", "--stack", "nowhere/Pulumi.dev.yaml"]);
    assert.equal(byPath.stderr, "nowhere/Pulumi.dev.yaml: no such stack file (stacks: dev, prod, staging)\n");
    assert.equal(byPath.code, 2);
  });

  it("a directory instead of a file is exit 2", async () => {
    const run = await cli(["validate", "--stack", "stacks/"]);
    assert.equal(run.stderr, "stacks: is a directory, not a stack file\n");
    assert.equal(run.code, 2);
  });

  it("usage errors are exit 2 without a stack trace", async () => {
    for (const args of [["validate"], ["validate", "--stack"], ["validate", "--stak", "dev"], ["validate", "--stack", "dev", "extra"]]) {
      const run = await cli(args);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, /^modelplane validate: /);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    }
  });

  it("--json reports errors as objects on stdout, still exit 2", async () => {
    const run = await cli(["validate", "--stack", `${F}/min-over-max.yaml`, "--json"]);
    assert.equal(run.code, 2);
    assert.deepEqual(JSON.parse(run.stdout), {
      ok: false,
      errors: [
        { file: `${F}/min-over-max.yaml`, line: 12, col: 11, path: "models[0].autoscaling.maxReplicas", message: "must be >= minReplicas (2)" },
      ],
    });
  });

  it("the file is shown relative to the cwd", async () => {
    const run = await cli(["validate", "--stack", "min-over-max.yaml"], BROKEN);
    assert.equal(run.stderr, "min-over-max.yaml:12:11 models[0].autoscaling.maxReplicas: must be >= minReplicas (2)\n");
  });

  it("the real binary: node bin/modelplane.js validate on broken stacks", () => {
    for (const name of ["bad-values.yaml", "yaml-syntax.yaml"]) {
      const run = spawnSync(process.execPath, ["bin/modelplane.js", "validate", "--stack", `${F}/${name}`], { cwd: REPO, encoding: "utf8" });
      assert.equal(run.status, 2, run.stderr);
      assert.equal(run.stdout, "");
      assert.deepEqual(run.stderr.trimEnd().split("\n"), expected[name]);
    }
    const missing = spawnSync(process.execPath, ["bin/modelplane.js", "validate", "--stack", "qa"], { cwd: REPO, encoding: "utf8" });
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, "stacks/Pulumi.qa.yaml: no such stack file (stacks: dev, prod, staging)\n");
    const ok = spawnSync(process.execPath, ["bin/modelplane.js", "validate", "--stack", "prod"], { cwd: REPO, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, "ok: stacks/Pulumi.prod.yaml (prod, 2 models)\n");
  });
});

function captureError(fn: () => unknown): SpecValidationError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SpecValidationError, String(err));
    return err;
  }
  assert.fail("expected a SpecValidationError");
}
