/**
 * Synthesis cost as platforms grow: generated platforms of 10, 100 and 1,000 models, each in its own process.
 * Prints time and peak memory per resource, and the ratio of per-resource time at each size to the smallest
 * (linear growth keeps it near 1; the target is ≤ 1.5 at 1,000 against 100).
 *   node --import tsx bench/synth-scale/run.ts [sizes...]
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows: Array<{ models: number; resources: number; totalMs: number; maxRssKb: number }> = [];
for (const n of sizes.length ? sizes : [10, 100, 1000]) {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(here, "one.ts"), String(n)], { encoding: "utf8", maxBuffer: 1 << 26 });
  rows.push(JSON.parse(out.trim().split("\n").pop()!));
}
const base = rows[0]!;
const perRes = (r: (typeof rows)[number]) => r.totalMs / r.resources;
console.log("models  resources   total ms   ms/resource   peak RSS MiB   KiB/resource   per-resource time vs smallest");
for (const r of rows) {
  console.log(
    `${String(r.models).padStart(6)}  ${String(r.resources).padStart(9)}  ${r.totalMs.toFixed(0).padStart(9)}  ${perRes(r).toFixed(3).padStart(12)}` +
    `  ${(r.maxRssKb / 1024).toFixed(0).padStart(13)}  ${(r.maxRssKb / r.resources).toFixed(1).padStart(13)}  ${(perRes(r) / perRes(base)).toFixed(2).padStart(10)}x`,
  );
}
const r100 = rows.find((r) => r.models === 100);
const r1000 = rows.find((r) => r.models === 1000);
if (r100 && r1000) console.log(`\nper-resource time, 1,000 vs 100 models: ${(perRes(r1000) / perRes(r100)).toFixed(2)}x (target ≤ 1.5x)`);
