import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate } from "../../policies/check.ts";
import { renderJson } from "../../policies/report/json.ts";
import { renderSarif } from "../../policies/report/sarif.ts";
import { renderText } from "../../policies/report/text.ts";
import { aiRules } from "../../policies/rules/ai/index.ts";
import { loadFixture } from "./helpers/fixtures.ts";
import { sarifValidator } from "./helpers/sarif.ts";

function report() {
  const loaded = [...loadFixture("ai/gpu-shm/fail.yaml"), ...loadFixture("ai/gpu-limits/pass.yaml")];
  const sources = new Map(loaded.map((m) => [m.object, { file: "manifests/app.yaml", line: m.source.line }]));
  return evaluate(loaded.map((m) => m.object), {
    environment: "prod",
    rules: aiRules,
    exemptions: [{ rule: "gpu-shm", target: "Pod/disk-shm", reason: "tracked in OPS-7", owner: "ml@example.com", expires: "2999-01-01" }],
    sourceOf: (o) => sources.get(o),
  });
}

describe("reports", () => {
  const validate = sarifValidator();

  it("SARIF validates against the SARIF 2.1.0 schema, with failures, exemptions and locations", () => {
    const log = JSON.parse(renderSarif(report())) as { runs: Array<{ results: Array<Record<string, any>>; tool: { driver: { rules: Array<{ id: string }> } } }> };
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3), null, 2));
    const run = log.runs[0]!;
    const shm = run.results.filter((r) => r.ruleId === "gpu-shm");
    assert.ok(shm.some((r) => r.level === "warning" && r.locations[0].physicalLocation.artifactLocation.uri === "manifests/app.yaml"));
    const exempt = shm.find((r) => r.suppressions);
    assert.equal(exempt?.suppressions[0].justification.includes("OPS-7"), true);
    for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
    // GitHub code scanning: every result has a line, security rules carry a security-severity.
    for (const r of run.results) assert.ok(r.locations[0].physicalLocation.region.startLine >= 1);
    const digest = run.tool.driver.rules.find((x) => x.id === "model-artifact-digest") as Record<string, any> | undefined;
    assert.deepEqual(digest?.properties.tags, ["security", "supply-chain"]);
    assert.match(digest?.properties["security-severity"], /^\d+\.\d$/);
    const canary = run.tool.driver.rules.find((x) => x.id === "canary-weight") as Record<string, any> | undefined;
    assert.equal(canary?.properties["security-severity"], undefined, "not a security rule");
    assert.ok(!run.results.some((r) => r.ruleId === "gpu-limits"), "passes are not findings");
  });

  it("SARIF for stdin input and unknown-at-preview results still validates", () => {
    const base = report();
    const results = base.results.map((r) => ({ ...r, source: { file: "<stdin>", line: 3 }, unknown: true }));
    assert.ok(validate(JSON.parse(renderSarif({ results }))), JSON.stringify(validate.errors?.slice(0, 3)));
    const bad = JSON.parse(renderSarif(base)) as { version: string };
    bad.version = "2.0.0";
    assert.equal(validate(bad), false, "the validator does reject a wrong log");
  });

  it("SARIF gives absolute manifest paths as file: URIs", () => {
    const base = report();
    const results = base.results.map((r) => ({ ...r, source: { file: "/abs/dir/app.yaml", line: 2 } }));
    const log = JSON.parse(renderSarif({ results })) as { runs: Array<{ results: Array<Record<string, any>> }> };
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(log.runs[0]!.results[0]!.locations[0].physicalLocation.artifactLocation.uri, "file:///abs/dir/app.yaml");
  });

  it("JSON is the API shape", () => {
    const r = report();
    const parsed = JSON.parse(renderJson(r)) as typeof r;
    assert.deepEqual(parsed.results, JSON.parse(JSON.stringify(r.results)));
    for (const x of parsed.results) assert.ok(["pass", "fail", "exempt", "not-applicable"].includes(x.verdict));
  });

  it("text groups by resource and colours only when asked", () => {
    const plain = renderText(report());
    assert.match(plain, /^Pod no-shm {2}\(manifests\/app\.yaml:\d+\)\n(?: {2}.*\n)*? {2}WARN {3}gpu-shm: container "server" has no volume mounted at \/dev\/shm/m);
    assert.match(plain, /EXEMPT gpu-shm/);
    assert.doesNotMatch(plain, /\u001b\[/);
    assert.match(renderText(report(), { color: true }), /\u001b\[33mWARN/);
    assert.match(plain, /environment prod: \d+ resources, 0 mandatory violations/);
  });
});
