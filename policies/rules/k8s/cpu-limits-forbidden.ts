/**
 * No CPU limits, except in Guaranteed-QoS pods (every container's CPU and memory requests equal their limits),
 * where the static CPU manager turns the limit into exclusive cores instead of CFS throttling.
 */
import type { Rule } from "../../rule.ts";
import { containersOf, parseQuantity, type Container } from "../../kube.ts";
import { label, podRule } from "./support.ts";

function equalQuantities(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
}

/** Requests equal limits for CPU and memory (an unset request defaults to the limit). */
function guaranteed(c: Container): boolean {
  const lim = c.resources?.limits ?? {};
  const req = c.resources?.requests ?? {};
  return ["cpu", "memory"].every((r) => lim[r] !== undefined && (req[r] === undefined || equalQuantities(req[r], lim[r])));
}

export const cpuLimitsForbidden: Rule = podRule(
  {
    id: "cpu-limits-forbidden",
    group: "reliability",
    severity: "low",
    description: "Containers must not set a CPU limit unless the pod is in Guaranteed QoS (CPU and memory requests = limits everywhere).",
    rationale:
      "A CPU limit is enforced by CFS throttling: tokenizer and batching threads stall for the rest of each 100 ms " +
      "period, adding tail latency while the node has idle cores. Guaranteed pods get whole cores instead.",
    remediation: "Remove resources.limits.cpu (keep the request), or make the pod Guaranteed by setting every request equal to its limit.",
  },
  (pod) => {
    const all = containersOf(pod).filter((x) => x.kind !== "ephemeralContainer");
    if (all.every(({ container }) => guaranteed(container))) return [];
    return all
      .filter(({ container }) => container.resources?.limits?.cpu !== undefined)
      .map(({ container, kind }) => `${label(container, kind)}: sets a CPU limit (${String(container.resources?.limits?.cpu)}) in a pod that is not Guaranteed QoS`);
  },
);
