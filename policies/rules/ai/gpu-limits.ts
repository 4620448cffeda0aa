/** GPU requests must be whole devices and equal to the limits. */
import type { Rule } from "../../rule.ts";
import { NOT_APPLICABLE } from "../../rule.ts";
import { containersOf, parseQuantity } from "../../kube.ts";
import { podRule } from "../k8s/support.ts";
import { containerLabel, gpuResourceNames } from "./support.ts";

export const gpuLimits: Rule = podRule(
  {
    id: "gpu-limits",
    group: "gpu",
    severity: "high",
    description: "Containers asking for GPUs set a whole-number limit, and any request equals it.",
    rationale:
      "GPUs are extended resources: Kubernetes cannot overcommit or split them, rejects pods whose GPU request " +
      "differs from the limit, and a fractional count never schedules. Fail here, not at admission or in Pending.",
    remediation:
      "Set resources.limits[\"nvidia.com/gpu\"] to a whole number (e.g. \"1\") and either omit the request or set " +
      "it to the same value; share GPUs with time-slicing or MIG instead of fractions.",
  },
  (pod) => {
    const problems: string[] = [];
    let gpuContainers = 0;
    for (const { container } of containersOf(pod)) {
      const names = gpuResourceNames(container);
      if (names.length === 0) continue;
      gpuContainers++;
      for (const name of names) {
        const limit = container.resources?.limits?.[name];
        const request = container.resources?.requests?.[name];
        const who = `${containerLabel(container)} ${name}`;
        if (limit === undefined) {
          problems.push(`${who}: requested without a limit`);
          continue;
        }
        const l = parseQuantity(limit);
        if (l === undefined || !Number.isInteger(l) || l < 0) problems.push(`${who}: limit ${String(limit)} is not a whole number of devices`);
        if (request !== undefined && parseQuantity(request) !== l) {
          problems.push(`${who}: request ${String(request)} differs from limit ${String(limit)}`);
        }
      }
    }
    return gpuContainers === 0 ? NOT_APPLICABLE : problems;
  },
);
