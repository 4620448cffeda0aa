import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { evaluate } from "../../policies/check.ts";
import { aiRules } from "../../policies/rules/ai/index.ts";
import { expectedVerdict, FIXTURES, loadFixture } from "./helpers/fixtures.ts";

/** Stack-level facts the fixtures assume (comments at the top of those files say so). */
const config = {
  "model-artifact-registry": { allowedRegistries: ["registry.example.com/models"] },
  "gpu-budget": { gpuBudget: 8 },
};

describe("AI-platform rules: every rule passes its pass manifests and fails its fail manifests", () => {
  for (const rule of aiRules) {
    describe(rule.id, () => {
      it("documents itself", () => {
        for (const field of ["description", "rationale", "remediation"] as const) assert.ok(rule[field].length > 20, `${rule.id}.${field}`);
        assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      });
      for (const kind of ["pass", "fail"] as const) {
        it(`${kind}.yaml`, () => {
          const rel = path.join("ai", rule.id, `${kind}.yaml`);
          assert.ok(existsSync(path.join(FIXTURES, rel)), `missing fixture ${rel}`);
          const objects = loadFixture(rel).map((m) => m.object);
          const { results } = evaluate(objects, { rules: [rule], config, environment: "prod" });
          const judged = objects.filter((o) => expectedVerdict(o) !== undefined);
          assert.ok(judged.some((o) => expectedVerdict(o) === kind), `${rel} has no object expected to ${kind}`);
          for (const obj of judged) {
            const r = results.find((x) => x.resource.kind === obj.kind && x.resource.name === obj.metadata?.name);
            assert.ok(r, `${rule.id} gave no result for ${obj.kind}/${obj.metadata?.name}`);
            assert.equal(r.verdict, expectedVerdict(obj), `${rule.id} on ${obj.kind}/${obj.metadata?.name}: ${r.message ?? ""}`);
            if (r.verdict === "fail") assert.ok(r.message && r.message.length > 0);
          }
        });
      }
    });
  }
});
