/**
 * Agreement with other policy tools: runs each rule on the labelled examples of ../shared/policy-corpus/dev.jsonl
 * (Kyverno, Gatekeeper, Polaris and kube-score test fixtures; records whose verdict depends neither on site
 * parameters nor on cluster context) and prints, per canonical check id, coverage and agreement, against a
 * baseline measured in the same run: always answering the check's majority label.
 *
 *   node --import tsx bench/policy-agreement/run.ts [--disagreements]
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rules } from "../../policies/registry.ts";
import type { KubeObject } from "../../policies/rule.ts";
import { runRules } from "../../policies/runner.ts";

interface Record_ {
  source: string;
  check: string;
  expected: "pass" | "fail";
  manifest: KubeObject;
  inventory?: KubeObject[];
  parameterized: boolean;
  requires_context: boolean;
  case_id: string;
  source_check: string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const corpus = path.resolve(root, "../shared/policy-corpus/dev.jsonl");
if (!existsSync(corpus)) {
  console.log(`skipped: ${corpus} is absent (the labelled corpus sits beside the project, not in it)`);
  process.exit(0);
}
const showDisagreements = process.argv.includes("--disagreements");

const records = readFileSync(corpus, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Record_)
  .filter((r) => !r.parameterized && !r.requires_context);

const byId = new Map(rules.map((r) => [r.id, r]));
interface Row { n: number; covered: number; agree: number; majority: number; disagreements: string[] }
const rows = new Map<string, Row>();
const started = performance.now();
for (const rec of records) {
  const row = rows.get(rec.check) ?? { n: 0, covered: 0, agree: 0, majority: 0, disagreements: [] };
  rows.set(rec.check, row);
  row.n++;
  const rule = byId.get(rec.check);
  if (!rule) continue;
  row.covered++;
  const manifest = rec.manifest;
  const objects = [manifest, ...(rec.inventory ?? []).filter((o) => o && typeof o === "object" && (o as KubeObject).kind)];
  const outcome = runRules([rule], objects).find((o) => o.object === manifest);
  // No result (a kind the rule does not judge) and not-applicable both mean "nothing to flag".
  const verdict = outcome?.verdict === "fail" || outcome?.verdict === "unknown" ? "fail" : "pass";
  if (verdict === rec.expected) row.agree++;
  else row.disagreements.push(`${rec.case_id} (${rec.source} ${rec.source_check}): expected ${rec.expected}, got ${verdict}${outcome?.messages.length ? ` [${outcome.messages.join("; ")}]` : ""}`);
}
const elapsed = performance.now() - started;

// Baseline: the majority label of each check, over the same records.
const labels = new Map<string, { pass: number; fail: number }>();
for (const rec of records) {
  const l = labels.get(rec.check) ?? { pass: 0, fail: 0 };
  l[rec.expected]++;
  labels.set(rec.check, l);
}

const pct = (a: number, b: number) => (b === 0 ? "   -  " : `${((100 * a) / b).toFixed(1).padStart(5)}%`);
console.log(`policy agreement on ${records.length} records (parameterized=false, requires_context=false) of ${corpus}`);
console.log("check".padEnd(28) + "records  implemented  agree   agreement  majority-baseline");
let total = 0, covered = 0, agree = 0, majorityCovered = 0;
for (const [check, row] of [...rows].sort((a, b) => b[1].n - a[1].n)) {
  const l = labels.get(check)!;
  const majority = Math.max(l.pass, l.fail);
  total += row.n;
  covered += row.covered;
  agree += row.agree;
  if (row.covered) majorityCovered += majority;
  console.log(
    check.padEnd(28) + String(row.n).padStart(7) + (row.covered ? "  yes" : "  no ").padEnd(13) +
      (row.covered ? String(row.agree).padStart(5) : "    -") + "   " + pct(row.agree, row.covered) + "     " + pct(majority, row.n),
  );
}
const checks = [...rows.values()];
console.log("");
console.log(`coverage: ${checks.filter((r) => r.covered).length}/${checks.length} check ids, ${covered}/${total} records`);
console.log(`agreement on implemented checks: ${agree}/${covered} = ${pct(agree, covered).trim()}`);
console.log(`majority-label baseline on the same records: ${majorityCovered}/${covered} = ${pct(majorityCovered, covered).trim()}; ratio ${(agree / Math.max(1, majorityCovered)).toFixed(2)}x`);
console.log(`time: ${elapsed.toFixed(0)} ms for ${covered} rule runs`);
if (showDisagreements) {
  console.log("\ndisagreements:");
  for (const [check, row] of rows) for (const d of row.disagreements) console.log(`  ${check}: ${d}`);
}
