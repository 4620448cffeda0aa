/**
 * How long the policy check takes at scale: the three stacks offline (synthesized by the engine, then checked)
 * plus 1,000 plain manifests (the prod stack's objects, replicated under new names and namespaces). The
 * baselines, measured in the same run, are what the check cannot avoid: synthesizing each stack, and parsing the
 * manifests' YAML.
 *
 *   node --import tsx bench/policy-scale/run.ts [COUNT]
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { checkSynth, evaluate } from "../../policies/check.ts";
import { parseManifests } from "../../policies/manifests.ts";
import { rules } from "../../policies/registry.ts";
import type { KubeObject } from "../../policies/rule.ts";
import { manifestOf, isKubernetesObject, synthesizeStack } from "../../platform/engine/index.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const count = Number(process.argv[2] ?? 1000);
const ms = (t: number) => `${t.toFixed(0).padStart(6)} ms`;
const wall = performance.now();

let synthTotal = 0;
let checkTotal = 0;
let prodObjects: KubeObject[] = [];
for (const env of ["dev", "staging", "prod"]) {
  const t0 = performance.now();
  const synth = await synthesizeStack(env, { cwd: root, preview: false });
  const t1 = performance.now();
  const report = checkSynth(synth);
  const t2 = performance.now();
  synthTotal += t1 - t0;
  checkTotal += t2 - t1;
  console.log(`stack ${env.padEnd(8)} synth ${ms(t1 - t0)}  check ${ms(t2 - t1)}  (${synth.resources.length} resources, ${report.results.length} results)`);
  if (env === "prod") prodObjects = synth.resources.filter(isKubernetesObject).map((r) => manifestOf(r, false) as KubeObject);
}

/** The prod objects again and again, each copy in its own namespace with its own names, so selectors still pair up. */
function replicate(base: readonly KubeObject[], n: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let copy = 0; out.length < n; copy++) {
    for (const o of base) {
      if (out.length >= n) break;
      const c = structuredClone(o);
      c.metadata = { ...(c.metadata ?? {}), name: `${c.metadata?.name ?? "x"}-${copy}`, namespace: `team-${copy}` };
      out.push(c);
    }
  }
  return out;
}

const objects = replicate(prodObjects, count);
const yaml = objects.map((o) => stringify(o)).join("---\n");
const p0 = performance.now();
const parsed = parseManifests(yaml, "bench.yaml").map((m) => m.object);
const p1 = performance.now();
const report = evaluate(parsed, { environment: "prod" });
const p2 = performance.now();
console.log(`manifests ${String(parsed.length).padStart(5)}  parse ${ms(p1 - p0)}  check ${ms(p2 - p1)}  (${rules.length} rules, ${report.results.length} results)`);
console.log("");
console.log(`check / synth (3 stacks):     ${(checkTotal / synthTotal).toFixed(2)}x  (${ms(checkTotal).trim()} vs ${ms(synthTotal).trim()})`);
console.log(`check / parse (${parsed.length} manifests): ${((p2 - p1) / (p1 - p0)).toFixed(2)}x`);
console.log(`total: 3 stacks + ${parsed.length} manifests in ${((performance.now() - wall) / 1000).toFixed(2)} s`);
