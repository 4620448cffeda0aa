/**
 * Deployments roll out replica by replica; Recreate stops every replica before the new ones load their model.
 * A Deployment on a ReadWriteOnce volume is the exception: two pods cannot attach it, so it must Recreate.
 */
import { NOT_APPLICABLE, type Rule } from "../../rule.ts";
import { get } from "../../kube.ts";
import { singleWriter } from "./support.ts";

export const rollingUpdate: Rule = {
  id: "rolling-update",
  group: "reliability",
  severity: "low",
  description: "Deployments must use the RollingUpdate strategy (not Recreate), unless they mount a ReadWriteOnce volume.",
  rationale:
    "Recreate kills every replica before starting the new ones: each rollout is an outage lasting the whole model " +
    "load time. Without spare GPUs use RollingUpdate with maxSurge: 0 and maxUnavailable: 1 instead.",
  remediation: "Set spec.strategy.type: RollingUpdate (with maxSurge: 0, maxUnavailable: 1 if no spare GPU exists).",
  kinds: ["Deployment"],
  needsInventory: true,
  validate(obj, ctx) {
    if (singleWriter(obj, ctx.inventory)) return NOT_APPLICABLE;
    const type = get(obj, ["spec", "strategy", "type"]);
    return type === "Recreate" ? ["uses the Recreate strategy"] : [];
  },
};
