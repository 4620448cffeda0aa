/** Human report: findings grouped by resource, colour only on a terminal (and never with NO_COLOR). */
import type { CheckReport, CheckResult } from "../check.ts";
import { summarize } from "./summary.ts";

export interface TextOptions {
  color?: boolean;
  /** List passing and not-applicable results too. */
  verbose?: boolean;
}

const codes = { red: 31, yellow: 33, cyan: 36, green: 32, dim: 2, bold: 1 } as const;

export function renderText(report: CheckReport, opts: TextOptions = {}): string {
  const paint = (c: keyof typeof codes, s: string) => (opts.color ? `\u001b[${codes[c]}m${s}\u001b[0m` : s);
  const groups = new Map<string, CheckResult[]>();
  for (const r of report.results) {
    const ns = r.resource.namespace ? `${r.resource.namespace}/` : "";
    const key = `${r.resource.kind} ${ns}${r.resource.name}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(r);
  }
  const lines: string[] = [];
  for (const [key, results] of groups) {
    const shown = results.filter((r) => opts.verbose || r.verdict === "fail" || r.verdict === "exempt");
    if (shown.length === 0) continue;
    const src = results[0]?.source;
    lines.push(paint("bold", key) + (src ? paint("dim", `  (${src.file}${src.line > 0 ? `:${src.line}` : ""})`) : ""));
    for (const r of shown) lines.push(`  ${tag(r, paint)} ${r.rule}${r.message ? `: ${r.message}` : ""}`);
    const passed = results.filter((r) => r.verdict === "pass").length;
    if (!opts.verbose && passed > 0) lines.push(paint("dim", `  ${passed} passed`));
  }
  const s = summarize(report.results);
  const head = report.environment ? `environment ${report.environment}: ` : "";
  lines.push(
    `${head}${s.resources} resources, ` +
      [
        paint(s.mandatory > 0 ? "red" : "green", `${s.mandatory} mandatory violations`),
        paint(s.advisory > 0 ? "yellow" : "green", `${s.advisory} advisory`),
        `${s.exempt} exempt`,
        `${s.passed} passed`,
        `${s.notApplicable} not applicable`,
      ].join(", "),
  );
  return lines.join("\n") + "\n";
}

function tag(r: CheckResult, paint: (c: keyof typeof codes, s: string) => string): string {
  if (r.verdict === "fail") return r.enforcement === "mandatory" ? paint("red", "FAIL  ") : paint("yellow", "WARN  ");
  if (r.verdict === "exempt") return paint("cyan", "EXEMPT");
  if (r.verdict === "pass") return paint("green", "PASS  ");
  return paint("dim", "N/A   ");
}
