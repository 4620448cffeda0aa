/**
 * Where a container sets both a request and a limit for a resource they must be equal (memory, GPUs, ...), so
 * the pod cannot be squeezed below what it was admitted with. CPU requests without a CPU limit are fine.
 */
import type { Rule } from "../../rule.ts";
import { parseQuantity } from "../../kube.ts";
import { containerRule } from "./support.ts";

export const requestsEqualLimits: Rule = containerRule(
  {
    id: "requests-equal-limits",
    group: "reliability",
    severity: "low",
    description: "For every resource a container both requests and limits, the request must equal the limit.",
    rationale:
      "A memory request below the limit lets the node overcommit and OOM-kill or evict the pod under pressure; for " +
      "expensive GPU replicas Guaranteed QoS keeps them the last to be evicted.",
    remediation: "Set each resource's request equal to its limit (or drop the limit for CPU).",
  },
  (c) => {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const out: string[] = [];
    for (const [name, limit] of Object.entries(lim)) {
      const request = req[name];
      if (request === undefined) continue; // the API defaults an unset request to the limit
      const a = parseQuantity(request);
      const b = parseQuantity(limit);
      if (a === undefined || b === undefined ? String(request) !== String(limit) : Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b))) {
        out.push(`${name} request ${String(request)} differs from limit ${String(limit)}`);
      }
    }
    return out;
  },
  ["container", "initContainer"],
);
