/** Replicas spread across nodes: topologySpreadConstraints or pod anti-affinity on a node or zone key. */
import { NOT_APPLICABLE, type Rule } from "../../rule.ts";
import { get } from "../../kube.ts";
import { asArray, asRecord, maxReplicas, podRule } from "./support.ts";

const SPREAD_KEYS = ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/region"];

export const topologySpread: Rule = podRule(
  {
    id: "topology-spread",
    group: "reliability",
    severity: "low",
    description: "Workloads that can run two or more replicas must spread them (topologySpreadConstraints or pod anti-affinity on hostname/zone).",
    rationale: "Without spreading, the scheduler may pack every replica onto one GPU node, and one node failure takes the model down.",
    remediation: "Add topologySpreadConstraints on kubernetes.io/hostname (and topology.kubernetes.io/zone) with the pods' labels.",
    kinds: ["Deployment", "StatefulSet", "ReplicaSet"],
    needsInventory: true,
  },
  (pod, obj, ctx) => {
    if (maxReplicas(obj, ctx.inventory) < 2) return NOT_APPLICABLE;
    if (asArray(pod.topologySpreadConstraints).length > 0) return [];
    const anti = asRecord(get(pod.affinity, ["podAntiAffinity"]));
    const terms = [
      ...asArray(anti?.requiredDuringSchedulingIgnoredDuringExecution),
      ...asArray(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((t) => asRecord(t)?.podAffinityTerm),
    ];
    const spreads = terms.some((t) => SPREAD_KEYS.includes(String(asRecord(t)?.topologyKey ?? "")));
    return spreads ? [] : ["replicas are not spread (no topologySpreadConstraints or anti-affinity on hostname/zone)"];
  },
);
