/** Pods come from a controller; a bare Pod is not recreated when its node goes away. */
import { NOT_APPLICABLE, type Rule } from "../../rule.ts";
import { isOwnedPod } from "./support.ts";

export const barePod: Rule = {
  id: "bare-pod",
  group: "reliability",
  severity: "medium",
  description: "Pods must be owned by a controller (Deployment, StatefulSet, Job, ...), not created bare.",
  rationale: "A bare Pod dies with its node and is never rescheduled; nothing rolls it out or keeps its replica count.",
  remediation: "Wrap the pod spec in a Deployment (serving) or a Job (one-off work).",
  kinds: ["Pod"],
  needsInventory: false,
  validate(obj) {
    if (obj.kind !== "Pod") return NOT_APPLICABLE;
    return isOwnedPod(obj) ? [] : ["is a bare Pod (no ownerReferences)"];
  },
};
