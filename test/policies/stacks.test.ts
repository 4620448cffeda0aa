/** Our own stacks pass the pack; broken ones fail with the rule ids that describe what is broken. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkStack, hasMandatoryViolation } from "../../policies/check.ts";
import { REPO } from "./helpers/fixtures.ts";

const summary = (results: Array<{ rule: string; verdict: string; enforcement: string; resource: { kind: string; name: string }; message?: string }>) =>
  results.filter((r) => r.verdict === "fail" && r.enforcement === "mandatory").map((r) => `${r.rule} ${r.resource.kind}/${r.resource.name}: ${r.message ?? ""}`);

describe("our stacks", () => {
  for (const env of ["dev", "staging", "prod"]) {
    for (const preview of [true, false]) {
      it(`${env} (${preview ? "preview" : "update"}) has no mandatory violation`, async () => {
        const report = await checkStack(env, { cwd: REPO, preview });
        assert.equal(report.environment, env);
        assert.ok(report.results.length > 50, "the stack was really checked");
        assert.deepEqual(summary(report.results), []);
        assert.equal(hasMandatoryViolation(report.results), false);
      });
    }
  }

  it("preview leaves values computed at deploy unknown: rules needing them only advise", async () => {
    const report = await checkStack("prod", { cwd: REPO, preview: true });
    const unknown = report.results.filter((r) => r.unknown);
    assert.ok(unknown.length > 0, "the server image digest is computed at deploy");
    assert.ok(unknown.every((r) => r.enforcement === "advisory" && /cannot check during preview/.test(r.message ?? "")));
  });
});

describe("broken stacks fail with the expected rule ids", () => {
  const cases: Array<[string, string[]]> = [
    ["expired-exemption", ["exemption-expired"]],
    ["unmonitored", ["inference-service-monitored", "model-slo-alerts"]],
  ];
  for (const [name, ids] of cases) {
    it(name, async () => {
      const report = await checkStack(`test/fixtures/policies/stacks/${name}.yaml`, { cwd: REPO });
      const failed = new Set(report.results.filter((r) => r.verdict === "fail" && r.enforcement === "mandatory").map((r) => r.rule));
      for (const id of ids) assert.ok(failed.has(id), `${name}: expected a mandatory ${id} violation, got ${[...failed].join(", ")}`);
      // Every finding names a file (the stack's), lapsed exemptions included: code scanning needs one.
      for (const r of report.results.filter((x) => x.verdict === "fail")) assert.equal(r.source?.file, report.file, `${r.rule} ${r.resource.kind}`);
    });
  }
});
