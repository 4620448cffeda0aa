import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { formatSpecError, resolveSpec, SpecValidationError } from "../../platform/spec/index.ts";
import { formatPath } from "../../platform/spec/path.ts";

describe("error formatting", () => {
  it("file:line:col path: message, the file relative to the cwd below it", () => {
    const e = { file: "/repo/stacks/Pulumi.prod.yaml", line: 23, col: 9, path: "models[0].autoscaling.maxReplicas", message: "must be >= minReplicas (2)" };
    assert.equal(formatSpecError(e, "/repo"), "stacks/Pulumi.prod.yaml:23:9 models[0].autoscaling.maxReplicas: must be >= minReplicas (2)");
    assert.equal(formatSpecError(e, "/elsewhere"), "/repo/stacks/Pulumi.prod.yaml:23:9 models[0].autoscaling.maxReplicas: must be >= minReplicas (2)");
    assert.equal(formatSpecError({ file: "/repo/x.yaml", path: "", message: "no such stack file" }, "/repo"), "x.yaml: no such stack file");
    assert.equal(formatSpecError({ path: "gpu.budget", message: "must be >= 0 (got -1)" }), "gpu.budget: must be >= 0 (got -1)");
  });

  it("paths read like code: dots, indexes, quoted odd keys", () => {
    assert.equal(formatPath(["models", 0, "autoscaling", "maxReplicas"]), "models[0].autoscaling.maxReplicas");
    assert.equal(formatPath(["labels", "example.com/team"]), 'labels["example.com/team"]');
    assert.equal(formatPath(["policy", "enforcement", "supply-chain"]), "policy.enforcement.supply-chain");
    assert.equal(formatPath([]), "");
  });

  it("SpecValidationError sorts by position and formats for any cwd", () => {
    const err = new SpecValidationError(
      [
        { file: "/r/a.yaml", line: 9, col: 3, path: "b", message: "second" },
        { file: "/r/a.yaml", line: 2, col: 5, path: "a", message: "first" },
      ],
      "/r",
    );
    assert.equal(err.message, "a.yaml:2:5 a: first\na.yaml:9:3 b: second");
    assert.deepEqual(err.format("/"), ["r/a.yaml:2:5 a: first", "r/a.yaml:9:3 b: second"]);
    assert.equal(err.name, "SpecValidationError");
  });

  it("resolveSpec names the file when told where the object came from", () => {
    const file = join(process.cwd(), "stacks", "Pulumi.qa.yaml");
    assert.throws(
      () => resolveSpec({ environment: "dev", gpu: { budget: -1 } }, { file }),
      (err: unknown) => err instanceof SpecValidationError && err.message === "stacks/Pulumi.qa.yaml: gpu.budget: must be >= 0 (got -1)",
    );
  });
});
