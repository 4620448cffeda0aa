/**
 * The SLO alerts are checked by the real Prometheus tooling: `promtool check rules` parses them, and
 * `promtool test rules` replays synthetic traffic to prove the burn-rate alerts fire on a bad model and stay
 * quiet on a healthy one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { sloRuleGroups, type SloRuleArgs } from "../../components/slo-rules.ts";

const run = promisify(execFile);
const args: SloRuleArgs = { namespace: "ml", model: "fraud", availability: 99.9, latencyThresholdSeconds: 0.25, latencyTarget: 99 };

async function promtool(files: Record<string, unknown>, cmd: string[]): Promise<{ ok: boolean; out: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "slo-"));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), stringify(content));
    const { stdout, stderr } = await run("promtool", [...cmd], { cwd: dir });
    return { ok: true, out: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: unknown };
    if (e.code === "ENOENT") throw new Error("promtool not found: install Debian's prometheus package (scripts/test.sh does)");
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Alerts of one kind the rules would raise, with the exact labels and annotations promtool expects. */
function expectedAlerts(kind: "Availability" | "Latency", windows: string[]) {
  const rules = sloRuleGroups(args).flatMap((g) => g.rules).filter((r) => r["alert"] === `ModelplaneSLO${kind}BurnRate`);
  return rules
    .filter((r) => windows.includes((r["labels"] as Record<string, string>)["window"]!))
    .map((r) => ({ exp_labels: r["labels"], exp_annotations: r["annotations"] }));
}

test("promtool accepts the generated rule groups", async () => {
  const r = await promtool({ "rules.yaml": { groups: sloRuleGroups(args) } }, ["check", "rules", "rules.yaml"]);
  assert.ok(r.ok, r.out);
  assert.match(r.out, /SUCCESS: 18 rules found/);
});

test("availability burn: 5% errors page on every window; a healthy model raises nothing", async () => {
  const series = (errorsPerMin: number) => [
    { series: 'modelplane_inference_requests_total{namespace="ml",model="fraud",outcome="success"}', values: "0+1000x180" },
    { series: 'modelplane_inference_requests_total{namespace="ml",model="fraud",outcome="error"}', values: `0+${errorsPerMin}x180` },
    // Client errors spend no budget, however many there are.
    { series: 'modelplane_inference_requests_total{namespace="ml",model="fraud",outcome="client_error"}', values: "0+500x180" },
  ];
  const tests = {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: [
      { interval: "1m", input_series: series(50), alert_rule_test: [{ eval_time: "90m", alertname: "ModelplaneSLOAvailabilityBurnRate", exp_alerts: expectedAlerts("Availability", ["1h", "6h", "1d"]) }] },
      { interval: "1m", input_series: series(0), alert_rule_test: [{ eval_time: "90m", alertname: "ModelplaneSLOAvailabilityBurnRate", exp_alerts: [] }] },
    ],
  };
  const r = await promtool({ "rules.yaml": { groups: sloRuleGroups(args) }, "test.yaml": tests }, ["test", "rules", "test.yaml"]);
  assert.ok(r.ok, r.out);
});

test("latency burn: half the requests over the threshold page; all under it raise nothing", async () => {
  const series = (fastPerMin: number) => [
    { series: 'modelplane_inference_request_duration_seconds_bucket{namespace="ml",model="fraud",le="0.25"}', values: `0+${fastPerMin}x180` },
    { series: 'modelplane_inference_request_duration_seconds_count{namespace="ml",model="fraud"}', values: "0+1000x180" },
  ];
  const tests = {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: [
      { interval: "1m", input_series: series(500), alert_rule_test: [{ eval_time: "90m", alertname: "ModelplaneSLOLatencyBurnRate", exp_alerts: expectedAlerts("Latency", ["1h", "6h", "1d"]) }] },
      { interval: "1m", input_series: series(1000), alert_rule_test: [{ eval_time: "90m", alertname: "ModelplaneSLOLatencyBurnRate", exp_alerts: [] }] },
    ],
  };
  const r = await promtool({ "rules.yaml": { groups: sloRuleGroups(args) }, "test.yaml": tests }, ["test", "rules", "test.yaml"]);
  assert.ok(r.ok, r.out);
});

test("a whole-second threshold matches the bucket as Prometheus 2 (le=\"1\") and 3 (le=\"1.0\") store it", async () => {
  const oneSecond = { ...args, latencyThresholdSeconds: 1 };
  const series = (le: string, fastPerMin: number) => [
    { series: `modelplane_inference_request_duration_seconds_bucket{namespace="ml",model="fraud",le="${le}"}`, values: `0+${fastPerMin}x180` },
    { series: 'modelplane_inference_request_duration_seconds_count{namespace="ml",model="fraud"}', values: "0+1000x180" },
  ];
  const firing = sloRuleGroups(oneSecond).flatMap((g) => g.rules).filter((r) => r["alert"] === "ModelplaneSLOLatencyBurnRate")
    .map((r) => ({ exp_labels: r["labels"], exp_annotations: r["annotations"] }));
  const tests = {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: ["1", "1.0"].flatMap((le) => [
      { interval: "1m", input_series: series(le, 500), alert_rule_test: [{ eval_time: "90m", alertname: "ModelplaneSLOLatencyBurnRate", exp_alerts: firing }] },
      { interval: "1m", input_series: series(le, 1000), alert_rule_test: [{ eval_time: "90m", alertname: "ModelplaneSLOLatencyBurnRate", exp_alerts: [] }] },
    ]),
  };
  const r = await promtool({ "rules.yaml": { groups: sloRuleGroups(oneSecond) }, "test.yaml": tests }, ["test", "rules", "test.yaml"]);
  assert.ok(r.ok, r.out);
});

test("SLO arguments out of range are rejected naming the field", () => {
  assert.throws(() => sloRuleGroups({ ...args, availability: 100 }), /slo\.availability/);
  assert.throws(() => sloRuleGroups({ ...args, latencyTarget: 0 }), /slo\.latency\.target/);
  assert.throws(() => sloRuleGroups({ ...args, latencyThresholdSeconds: 0 }), /slo\.latency\.thresholdMs/);
});
