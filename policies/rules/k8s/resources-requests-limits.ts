/**
 * Every container declares what it needs: CPU and memory requests (scheduling) and a memory limit (the kernel
 * kills on memory, not on CPU). A CPU limit is not required: it throttles tokenizer and batching threads.
 */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";

export const resourcesRequestsLimits: Rule = containerRule(
  {
    id: "resources-requests-limits",
    group: "reliability",
    severity: "medium",
    description: "Containers must set CPU and memory requests and a memory limit.",
    rationale:
      "Without requests the scheduler packs pods blindly and they are evicted first; without a memory limit one " +
      "leaking container can push a whole GPU node into memory pressure.",
    remediation: "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
  },
  (c) => {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const missing = [
      ...(req.cpu === undefined ? ["requests.cpu"] : []),
      ...(req.memory === undefined ? ["requests.memory"] : []),
      ...(lim.memory === undefined ? ["limits.memory"] : []),
    ];
    return missing.length ? [`missing ${missing.join(", ")}`] : [];
  },
  ["container", "initContainer"],
);
