/** The whole stack stays within its GPU budget. */
import { NOT_APPLICABLE, type KubeObject, type Rule } from "../../rule.ts";
import { get, podSpecOf, workloadKinds } from "../../kube.ts";
import { maxReplicas } from "../k8s/support.ts";
import { podGpus } from "./support.ts";

/** GPUs a workload can hold at its largest: max replicas (autoscaler max, else spec.replicas) × GPUs per pod. */
export function workloadGpus(obj: KubeObject, inventory: readonly KubeObject[]): number {
  // A Pod or ReplicaSet a controller owns (a `kubectl get -o yaml` dump has both) is counted through its owner.
  const owners = get(obj, ["metadata", "ownerReferences"]);
  if (Array.isArray(owners) && owners.length > 0) return 0;
  const pod = podSpecOf(obj);
  if (!pod) return 0;
  const perPod = podGpus(pod);
  return perPod === 0 ? 0 : perPod * maxReplicas(obj, inventory);
}

export const gpuBudget: Rule = {
  id: "gpu-budget",
  group: "cost",
  severity: "high",
  description:
    "The sum over GPU workloads of max replicas × GPUs per pod stays within the environment's GPU budget " +
    "(gpu.budget in the stack; 0 = no limit).",
  rationale:
    "GPUs are the platform's dominant cost and a hard capacity limit: an autoscaler allowed more GPUs than the " +
    "cluster or the budget has leaves pods Pending at peak or produces a surprise bill.",
  remediation: "Lower autoscaling.maxReplicas or resources.gpu of some models, use GPU sharing (time-slicing, MIG), or raise gpu.budget.",
  kinds: workloadKinds,
  needsInventory: true,
  configSchema: {
    gpuBudget: { type: "number", minimum: 0, default: 0, description: "Most GPUs the stack may ask for; 0: no limit." },
  },
  validate(obj, ctx) {
    const budget = typeof ctx.config.gpuBudget === "number" ? ctx.config.gpuBudget : 0;
    const mine = workloadGpus(obj, ctx.inventory);
    if (budget <= 0 || mine === 0) return NOT_APPLICABLE;
    const total = ctx.inventory.reduce((n, o) => n + workloadGpus(o, ctx.inventory), 0);
    if (total <= budget) return [];
    return [`the stack can ask for ${total} GPUs (this workload up to ${mine}), over the budget of ${budget}`];
  },
};
