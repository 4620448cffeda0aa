/** KEDA ScaledObjects have sane bounds, a target that exists and no competing HPA. */
import type { KubeObject, Rule } from "../../rule.ts";
import { get, nameOf, sameNamespace } from "../../kube.ts";
import { targetOf } from "../k8s/support.ts";

function isKedaOwned(hpa: KubeObject, scaledObject: string): boolean {
  // KEDA itself creates `keda-hpa-<name>` owned by the ScaledObject; that one is not a competitor.
  if (nameOf(hpa) === `keda-hpa-${scaledObject}`) return true;
  const owners = get(hpa, ["metadata", "ownerReferences"]);
  return Array.isArray(owners) && owners.some((o) => get(o, ["kind"]) === "ScaledObject" && get(o, ["name"]) === scaledObject);
}

export const kedaScaledObjectSane: Rule = {
  id: "keda-scaledobject-sane",
  group: "reliability",
  severity: "medium",
  description:
    "A KEDA ScaledObject has minReplicaCount ≤ maxReplicaCount, targets a workload that exists, and is the only " +
    "autoscaler (HPA or ScaledObject) of that workload.",
  rationale:
    "KEDA rejects inverted bounds at runtime, scales nothing when the target is missing, and fights any other " +
    "autoscaler of the same workload: replicas flap and GPU pods restart while models reload.",
  remediation:
    "Fix minReplicaCount/maxReplicaCount, point scaleTargetRef at the model's Deployment, and delete the extra " +
    "HorizontalPodAutoscaler (autoscaling.engine chooses one of keda or hpa per model).",
  kinds: ["ScaledObject"],
  needsInventory: true,
  validate(obj, ctx) {
    const problems: string[] = [];
    const min = get(obj, ["spec", "minReplicaCount"]);
    const max = get(obj, ["spec", "maxReplicaCount"]);
    const lo = typeof min === "number" ? min : 0; // KEDA's defaults
    const hi = typeof max === "number" ? max : 100;
    if (lo < 0) problems.push(`minReplicaCount ${lo} is negative`);
    if (hi < 1) problems.push(`maxReplicaCount ${hi} must be at least 1`);
    if (lo > hi) problems.push(`minReplicaCount ${lo} is greater than maxReplicaCount ${hi}`);
    const target = targetOf(obj);
    if (!target?.name) return [...problems, "spec.scaleTargetRef.name is missing"];
    const peers = sameNamespace(ctx.inventory, obj);
    if (!peers.some((o) => o.kind === target.kind && nameOf(o) === target.name)) {
      problems.push(`scaleTargetRef ${target.kind}/${target.name} does not exist`);
    }
    const self = nameOf(obj);
    for (const other of peers) {
      if (other === obj || (other.kind !== "HorizontalPodAutoscaler" && other.kind !== "ScaledObject")) continue;
      if (other.kind === "ScaledObject" && nameOf(other) === self) continue;
      const t = targetOf(other);
      if (!t || t.kind !== target.kind || t.name !== target.name) continue;
      if (other.kind === "HorizontalPodAutoscaler" && isKedaOwned(other, self)) continue;
      problems.push(`${other.kind} ${nameOf(other)} also scales ${target.kind}/${target.name}`);
    }
    return problems;
  },
};
