/**
 * Autoscalers (HPA v2; a KEDA ScaledObject counts as the workload's autoscaler wherever one is looked for):
 * - hpa-sane: HPA bounds that make sense (min ≤ max, max ≥ 2, min ≥ 1); ScaledObject bounds are judged by
 *   keda-scaledobject-sane, so a bad ScaledObject is reported once;
 * - hpa-required: every Deployment is scaled by an HPA or a ScaledObject;
 * - hpa-replicas-conflict: an autoscaled workload leaves spec.replicas unset, or every apply resets the scale.
 */
import { NOT_APPLICABLE, type Rule } from "../../rule.ts";
import { autoscalerBounds, autoscalersOf, declaredReplicas, nsName, singleWriter } from "./support.ts";

export const hpaSane: Rule = {
  id: "hpa-sane",
  group: "reliability",
  severity: "medium",
  description: "HorizontalPodAutoscalers need minReplicas ≤ maxReplicas, maxReplicas ≥ 2 and minReplicas ≥ 1.",
  rationale:
    "An autoscaler whose bounds are inverted or pinned to one replica cannot scale at all, and an HPA with min 0 " +
    "is rejected unless an alpha feature gate is on (use a KEDA ScaledObject to scale to zero).",
  remediation: "Set minReplicas ≤ maxReplicas and maxReplicas of at least 2.",
  kinds: ["HorizontalPodAutoscaler"],
  needsInventory: false,
  configSchema: {
    minReplicas: { type: "integer", minimum: 0, default: 1, description: "Lowest minimum an HPA may set." },
  },
  validate(obj, ctx) {
    const { min, max } = autoscalerBounds(obj);
    const floor = typeof ctx.config.minReplicas === "number" ? ctx.config.minReplicas : 1;
    const out: string[] = [];
    const [minName, maxName] = ["minReplicas", "maxReplicas"];
    if (max === undefined) out.push(`${maxName} is not set`);
    if (min !== undefined && max !== undefined && min > max) out.push(`${minName} ${min} is greater than ${maxName} ${max}`);
    if (max !== undefined && max < 2) out.push(`${maxName} ${max} leaves nothing to scale`);
    if (min !== undefined && min < Math.max(1, floor)) {
      out.push(`${minName} ${min} is below ${Math.max(1, floor)}`);
    }
    return out;
  },
};

export const hpaRequired: Rule = {
  id: "hpa-required",
  group: "reliability",
  severity: "low",
  description: "Deployments must be scaled by a HorizontalPodAutoscaler or a KEDA ScaledObject (unless a ReadWriteOnce volume pins them to one pod).",
  rationale: "Fixed replica counts either waste GPUs at night or drop requests at peak; inference load is rarely flat.",
  remediation: "Add an HPA (autoscaling/v2) or a KEDA ScaledObject whose scaleTargetRef names the Deployment.",
  kinds: ["Deployment"],
  needsInventory: true,
  validate(obj, ctx) {
    if (autoscalersOf(obj, ctx.inventory).length > 0) return [];
    // One pod on a ReadWriteOnce volume (a registry, a database) cannot scale out: nothing to autoscale.
    if (singleWriter(obj, ctx.inventory)) return NOT_APPLICABLE;
    return ["no HorizontalPodAutoscaler or ScaledObject targets it"];
  },
};

export const hpaReplicasConflict: Rule = {
  id: "hpa-replicas-conflict",
  group: "reliability",
  severity: "medium",
  description: "A workload targeted by an HPA or a KEDA ScaledObject must not set spec.replicas.",
  rationale:
    "With spec.replicas in the manifest every deploy resets the scale the autoscaler chose, briefly shrinking a " +
    "loaded model service to the written count.",
  remediation: "Remove spec.replicas from the workload; the autoscaler's minimum takes its place.",
  kinds: ["Deployment", "StatefulSet", "ReplicaSet"],
  needsInventory: true,
  validate(obj, ctx) {
    const scalers = autoscalersOf(obj, ctx.inventory);
    if (scalers.length === 0) return NOT_APPLICABLE;
    const out: string[] = [];
    const replicas = declaredReplicas(obj);
    const names = scalers.map((s) => `${s.obj.kind} ${nsName(s.obj)}`).join(", ");
    if (replicas !== undefined) out.push(`sets spec.replicas ${replicas} but is scaled by ${names}`);
    // Two HPAs fight; a ScaledObject with a competitor is reported by keda-scaledobject-sane.
    if (scalers.length > 1 && scalers.every((s) => s.obj.kind === "HorizontalPodAutoscaler")) out.push(`is scaled by more than one autoscaler (${names}); they fight over the replica count`);
    return out;
  },
};
