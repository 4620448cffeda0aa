/** Machine report: the programmatic API's shape (`{ results: [...] }`, plus the environment and stack when known). */
import type { CheckReport } from "../check.ts";

export function renderJson(report: CheckReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
