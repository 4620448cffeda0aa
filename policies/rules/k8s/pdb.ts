/**
 * PodDisruptionBudgets:
 * - pdb-required: a workload that can run two or more replicas has a PDB selecting its pods, so drains and
 *   upgrades keep part of it serving;
 * - pdb-sane: a PDB must still let a drain proceed: a policy is set, maxUnavailable above zero, minAvailable below
 *   100% and at most 50% (a larger share blocks any 2-replica workload), and an integer minAvailable below the
 *   replicas (or the autoscaler's minimum) of every workload it selects. Judged on the PDB and on the workloads.
 */
import { NOT_APPLICABLE, type KubeObject, type Rule } from "../../rule.ts";
import { get, labelSelectorMatches, sameNamespace } from "../../kube.ts";
import { autoscalersOf, declaredReplicas, maxReplicas, nsName, podLabelsOf, workloadsSelectedBy } from "./support.ts";

const PDB_WORKLOADS = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"];

function pdbsSelecting(obj: KubeObject, inventory: readonly KubeObject[]): KubeObject[] {
  const labels = podLabelsOf(obj);
  return sameNamespace(inventory, obj).filter(
    (o) => o.kind === "PodDisruptionBudget" && labelSelectorMatches(get(o, ["spec", "selector"]), labels),
  );
}

export const pdbRequired: Rule = {
  id: "pdb-required",
  group: "reliability",
  severity: "medium",
  description: "Deployments and StatefulSets that can run two or more replicas need a PodDisruptionBudget selecting their pods.",
  rationale:
    "Without a PDB a node drain (GPU driver upgrade, autoscaler scale-down) may evict every replica of a model at " +
    "once; multi-replica GPU serving then drops to zero while pods wait for scarce GPU nodes.",
  remediation: "Add a PodDisruptionBudget in the same namespace with the workload's selector and maxUnavailable: 1.",
  kinds: ["Deployment", "StatefulSet"],
  needsInventory: true,
  validate(obj, ctx) {
    if (maxReplicas(obj, ctx.inventory) < 2) return NOT_APPLICABLE;
    return pdbsSelecting(obj, ctx.inventory).length > 0 ? [] : ["no PodDisruptionBudget selects its pods"];
  },
};

function percent(v: unknown): number | undefined {
  return typeof v === "string" && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** Problems of one PDB's own policy, without looking at the workloads. */
function policyProblems(pdb: KubeObject, maxMinPercent: number): string[] {
  const min = get(pdb, ["spec", "minAvailable"]);
  const max = get(pdb, ["spec", "maxUnavailable"]);
  if (min === undefined && max === undefined) return ["sets neither minAvailable nor maxUnavailable"];
  const out: string[] = [];
  if (max !== undefined && (max === 0 || percent(max) === 0 || max === "0")) out.push("maxUnavailable is 0: no pod may ever be evicted");
  const minPct = percent(min);
  if (minPct !== undefined && minPct > maxMinPercent) {
    out.push(`minAvailable ${String(min)} exceeds ${maxMinPercent}%: a 2-replica workload could never be drained`);
  }
  return out;
}

/** The fewest replicas a workload may be running: the autoscalers' minimum, else spec.replicas (1 when unset). */
function fewestReplicas(obj: KubeObject, inventory: readonly KubeObject[]): number {
  const scalers = autoscalersOf(obj, inventory);
  if (scalers.length > 0) return Math.min(...scalers.map((s) => s.min ?? 1));
  return declaredReplicas(obj) ?? 1;
}

function blocking(pdb: KubeObject, workload: KubeObject, inventory: readonly KubeObject[]): string | undefined {
  const min = get(pdb, ["spec", "minAvailable"]);
  if (typeof min !== "number" || min <= 0) return undefined;
  const replicas = fewestReplicas(workload, inventory);
  return min >= replicas
    ? `minAvailable ${min} of PodDisruptionBudget ${nsName(pdb)} is not below the ${replicas} replica${replicas === 1 ? "" : "s"} of ${workload.kind} ${nsName(workload)}: its pods can never be evicted`
    : undefined;
}

export const pdbSane: Rule = {
  id: "pdb-sane",
  group: "reliability",
  severity: "medium",
  description: "PodDisruptionBudgets must allow at least one voluntary eviction (maxUnavailable > 0, minAvailable ≤ 50% and below the replicas).",
  rationale:
    "A PDB that allows no disruption blocks node drains forever: GPU driver upgrades and cluster-autoscaler " +
    "scale-downs stall, and expensive GPU nodes cannot be reclaimed.",
  remediation: "Use maxUnavailable: 1 (or a percentage), or a minAvailable lower than the workload's replicas.",
  kinds: ["PodDisruptionBudget", ...PDB_WORKLOADS],
  needsInventory: true,
  configSchema: {
    maxMinAvailablePercent: {
      type: "integer",
      minimum: 0,
      maximum: 100,
      default: 50,
      description: "Highest percentage minAvailable may be.",
    },
  },
  validate(obj, ctx) {
    const maxMin = typeof ctx.config.maxMinAvailablePercent === "number" ? ctx.config.maxMinAvailablePercent : 50;
    if (obj.kind === "PodDisruptionBudget") {
      const workloads = workloadsSelectedBy(get(obj, ["spec", "selector"]), obj, ctx.inventory).filter((w) => PDB_WORKLOADS.includes(w.kind));
      return [
        ...policyProblems(obj, maxMin),
        ...workloads.map((w) => blocking(obj, w, ctx.inventory)).filter((m): m is string => m !== undefined),
      ];
    }
    const pdbs = pdbsSelecting(obj, ctx.inventory);
    if (pdbs.length === 0) return NOT_APPLICABLE;
    return pdbs.map((p) => blocking(p, obj, ctx.inventory)).filter((m): m is string => m !== undefined);
  },
};
