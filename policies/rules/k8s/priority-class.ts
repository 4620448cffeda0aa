/** Pods name a PriorityClass, so serving is not preempted by batch work (and the other way round). */
import type { Rule } from "../../rule.ts";
import { podRule } from "./support.ts";

export const priorityClass: Rule = podRule(
  {
    id: "priority-class",
    group: "reliability",
    severity: "low",
    description: "Pods must set priorityClassName.",
    rationale:
      "Without a priority every pod ties at 0: a burst of batch or training jobs can preempt or starve the GPU " +
      "serving replicas that answer live traffic.",
    remediation: "Set spec.priorityClassName to a PriorityClass for the workload's tier (e.g. serving above batch).",
  },
  (pod) => (typeof pod.priorityClassName === "string" && pod.priorityClassName !== "" ? [] : ["priorityClassName is not set"]),
);
