/** Counts every report format shows. */
import type { CheckResult } from "../check.ts";

export interface Summary {
  mandatory: number;
  advisory: number;
  exempt: number;
  passed: number;
  notApplicable: number;
  resources: number;
}

export function summarize(results: readonly CheckResult[]): Summary {
  const s: Summary = { mandatory: 0, advisory: 0, exempt: 0, passed: 0, notApplicable: 0, resources: 0 };
  const resources = new Set<string>();
  for (const r of results) {
    resources.add(`${r.resource.kind}/${r.resource.namespace ?? ""}/${r.resource.name}`);
    if (r.verdict === "fail") r.enforcement === "mandatory" ? s.mandatory++ : s.advisory++;
    else if (r.verdict === "exempt") s.exempt++;
    else if (r.verdict === "pass") s.passed++;
    else s.notApplicable++;
  }
  s.resources = resources.size;
  return s;
}
