import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import type { CliIO } from "../../platform/cli/io.ts";
import { main } from "../../platform/cli/main.ts";
import { memoryIO } from "../helpers/cli-io.ts";
import { REPO } from "./helpers/fixtures.ts";
import { sarifValidator } from "./helpers/sarif.ts";

function io(stdin = ""): CliIO & { out: () => string; err: () => string } {
  const m = memoryIO({ cwd: REPO, stdin });
  return Object.assign(m.io, { out: m.out, err: m.err });
}

const FAIL = "test/fixtures/policies/ai/model-artifact-digest/fail.yaml";
const GOOD = "test/fixtures/policies/ai/canary-weight/pass.yaml";

describe("modelplane check", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "mp-check-"));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("exits 1 on a mandatory violation, 0 when it only advises", async () => {
    const prod = io();
    assert.equal(await main(["check", "--manifests", FAIL, "--environment", "prod"], prod), 1);
    assert.match(prod.out(), /FAIL {3}model-artifact-digest: container "server" --model llm=oci:\/\/registry\.example\.com\/models\/llm:v3: not pinned by digest/);
    assert.match(prod.out(), /Pod tag {2}\(test\/fixtures\/policies\/ai\/model-artifact-digest\/fail\.yaml:1\)/);
    const dev = io();
    assert.equal(await main(["check", "--manifests", FAIL, "--environment", "dev"], dev), 0);
    assert.match(dev.out(), /WARN {3}model-artifact-digest/);
  });

  it("--format json is the API shape; a folder is read recursively", async () => {
    const c = io();
    assert.equal(await main(["check", "--manifests", "test/fixtures/policies/ai/canary-weight", "--environment", "dev", "--format", "json"], c), 0);
    const report = JSON.parse(c.out()) as { results: Array<{ rule: string; verdict: string; resource: { name: string } }> };
    const canary = report.results.filter((r) => r.rule === "canary-weight").map((r) => [r.resource.name, r.verdict]);
    assert.deepEqual(canary, [["relative", "fail"], ["not-percent", "fail"], ["llm", "pass"], ["plain", "not-applicable"]]);
  });

  it("reads stdin with - and writes SARIF", async () => {
    const c = io(readFileSync(path.join(REPO, FAIL), "utf8"));
    assert.equal(await main(["check", "--manifests", "-", "--format", "sarif"], c), 1);
    const log = JSON.parse(c.out()) as { version: string; runs: Array<{ results: Array<{ ruleId: string; level: string }> }> };
    assert.equal(log.version, "2.1.0");
    assert.ok(log.runs[0]!.results.some((r) => r.ruleId === "model-artifact-digest" && r.level === "error"));
  });

  it("bad input exits 2 with file:line and no stack trace", async () => {
    const c = io("apiVersion: v1\nkind: Pod\nmetadata: {name: [\n");
    assert.equal(await main(["check", "--manifests", "-"], c), 2);
    assert.match(c.err(), /^modelplane check: <stdin>:\d+: /);
    assert.doesNotMatch(c.err(), /\n\s+at /);
    for (const argv of [[], ["--manifests", GOOD, "--format", "xml"], ["--manifests", GOOD, "--environment", "qa"], ["--stack", "dev", "--manifests", GOOD], ["--manifests", "nope.yaml"], ["--manifests", GOOD, "--preview"]]) {
      const u = io();
      assert.equal(await main(["check", ...argv], u), 2, argv.join(" "));
      assert.match(u.err(), /^modelplane check: /);
    }
  });

  it("empty input (a failed render piped in) exits 2, never a clean pass", async () => {
    const c = io("# nothing rendered\n---\n");
    assert.equal(await main(["check", "--manifests", "-"], c), 2);
    assert.match(c.err(), /^modelplane check: no Kubernetes objects in -/);
  });

  it("an invalid stack exits 2 with the spec's file:line errors", async () => {
    const c = io();
    assert.equal(await main(["check", "--stack", "test/fixtures/stacks/broken/min-over-max.yaml"], c), 2);
    assert.match(c.err(), /^test\/fixtures\/stacks\/broken\/min-over-max\.yaml:\d+:\d+ /m);
    assert.equal(c.out(), "");
  });

  it("--emit-pack-config writes the stack's levels, exemptions and limits for --policy-pack-config", async () => {
    const file = path.join(tmp, "prod.json");
    const c = io();
    assert.equal(await main(["check", "--stack", "prod", "--emit-pack-config", file], c), 0);
    const cfg = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;
    assert.equal(cfg["gpu-shm"]?.enforcementLevel, "mandatory");
    assert.equal(cfg["priority-class"]?.enforcementLevel, "advisory", "the stack's per-rule override");
    assert.equal(cfg["gpu-budget"]?.gpuBudget, 24);
    assert.deepEqual(cfg["model-artifact-registry"]?.allowedRegistries, ["registry.ml.example.com"]);
    // The model-specific exemption plus the three operator-namespace exemptions (rule "*").
    const exemptions = cfg["topology-spread"]?.exemptions as Array<{ rule: string; target: string }>;
    assert.deepEqual(exemptions.map((e) => `${e.rule} ${e.target}`).sort(), ["* */gpu-operator/*", "* */keda/*", "* */monitoring/*", "topology-spread model:fraud-detection"]);
    assert.equal(cfg["gpu-shm"]?.environment, "prod");
  });

  it("--config with an emitted pack config brings the stack's levels, environment and exemptions to manifests", async () => {
    const file = path.join(tmp, "pack.json");
    const exemption = { rule: "gpu-shm", target: "Pod/disk-shm", reason: "OPS-7", owner: "ml@example.com", expires: "2999-01-01" };
    writeFileSync(file, JSON.stringify({ "gpu-shm": { enforcementLevel: "mandatory", environment: "dev", exemptions: [exemption] } }));
    const c = io();
    assert.equal(await main(["check", "--manifests", "test/fixtures/policies/ai/gpu-shm/fail.yaml", "--config", file, "--format", "json"], c), 1);
    const report = JSON.parse(c.out()) as { environment: string; results: Array<{ rule: string; verdict: string; enforcement: string; resource: { name: string } }> };
    assert.equal(report.environment, "dev");
    const shm = report.results.filter((r) => r.rule === "gpu-shm").map((r) => [r.resource.name, r.verdict, r.enforcement]);
    assert.deepEqual(shm, [["no-shm", "fail", "mandatory"], ["unbounded-shm", "fail", "mandatory"], ["disk-shm", "exempt", "mandatory"]]);
    const bad = io();
    writeFileSync(file, "[1, 2]");
    assert.equal(await main(["check", "--manifests", GOOD, "--config", file], bad), 2);
    assert.match(bad.err(), /pack\.json:1: not a policy config/);
  });

  it("--config is validated against each rule's config schema, as the Pulumi CLI validates --policy-pack-config", async () => {
    const file = path.join(tmp, "typo.json");
    const undated = { rule: "privileged", target: "Pod/*", reason: "no date given here", owner: "ml@example.com" };
    writeFileSync(file, JSON.stringify({ "host-ports": { allowedRanges: "5000-6000" }, privilegd: "disabled", privileged: { exemptions: [undated] } }));
    const c = io();
    assert.equal(await main(["check", "--manifests", GOOD, "--config", file], c), 2);
    assert.match(c.err(), /typo\.json: host-ports\.allowedRanges: must be array/);
    assert.match(c.err(), /typo\.json: privilegd: no rule of the pack has this id/);
    assert.match(c.err(), /typo\.json: privileged\.exemptions\.0: must have required property 'expires'/);
    assert.doesNotMatch(c.err(), /\n\s+at /);
    // What --emit-pack-config writes is always accepted.
    for (const stack of ["dev", "staging", "prod"]) {
      const emitted = path.join(tmp, `${stack}-emitted.json`);
      assert.equal(await main(["check", "--stack", stack, "--emit-pack-config", emitted], io()), 0);
      const again = io();
      assert.notEqual(await main(["check", "--manifests", GOOD, "--config", emitted], again), 2, again.err());
      assert.equal(again.err(), "");
    }
  });

  it("checks a stack offline (in-process)", async () => {
    const c = io();
    const code = await main(["check", "--stack", "dev", "--format", "json"], c);
    assert.equal(code, 0, c.err());
    const report = JSON.parse(c.out()) as { stack: string; environment: string; results: unknown[] };
    assert.deepEqual([report.stack, report.environment], ["dev", "dev"]);
  });

  it("SARIF of a stack check names the stack file and each resource's URN, and validates", async () => {
    const c = io();
    await main(["check", "--stack", "dev", "--preview", "--format", "sarif"], c);
    const log = JSON.parse(c.out()) as { runs: Array<{ automationDetails?: { id: string }; results: Array<{ locations: Array<Record<string, any>> }> }> };
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    const loc = log.runs[0]!.results[0]!.locations[0]!;
    assert.equal(loc.physicalLocation.artifactLocation.uri, "stacks/Pulumi.dev.yaml");
    // GitHub code scanning rejects results without region.startLine, and needs a category per stack.
    for (const r of log.runs[0]!.results) assert.ok(r.locations[0]!.physicalLocation.region.startLine >= 1);
    assert.equal(log.runs[0]!.automationDetails?.id, "modelplane/stack/dev/");
    assert.match(loc.logicalLocations[0].fullyQualifiedName, /^urn:pulumi:dev::modelplane::/);
  });

  it("runs as a real process: node bin/modelplane.js check", () => {
    const p = spawnSync(process.execPath, ["bin/modelplane.js", "check", "--manifests", "-", "--environment", "prod"], {
      cwd: REPO,
      input: readFileSync(path.join(REPO, FAIL)),
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(p.status, 1, p.stderr);
    assert.match(p.stdout, /model-artifact-digest/);
    assert.doesNotMatch(p.stdout, /\u001b\[/, "no colour when stdout is not a terminal");
  });
});
