/**
 * Every workload's pods are isolated by a NetworkPolicy in their namespace for the directions in `policyTypes`
 * (default Ingress: who may call the model server is the point; egress isolation can be added by config).
 */
import type { KubeObject, Rule } from "../../rule.ts";
import { get, labelSelectorMatches, sameNamespace } from "../../kube.ts";
import { asArray, isOwnedPod, podLabelsOf, podRule } from "./support.ts";

/** The directions a NetworkPolicy isolates, with the API default (Ingress, plus Egress when egress rules exist). */
export function policyTypesOf(np: KubeObject): string[] {
  const declared = asArray(get(np, ["spec", "policyTypes"])).map(String);
  if (declared.length > 0) return declared;
  return get(np, ["spec", "egress"]) !== undefined ? ["Ingress", "Egress"] : ["Ingress"];
}

export const networkpolicyRequired: Rule = podRule(
  {
    id: "networkpolicy-required",
    group: "security",
    severity: "medium",
    description: "Every workload's pods must be selected by a NetworkPolicy isolating ingress (and egress when configured).",
    rationale:
      "Kubernetes lets every pod reach every other pod by default: without ingress isolation any compromised pod " +
      "in the cluster can call the model server, its metrics and its admin endpoints.",
    remediation: "Add a NetworkPolicy in the namespace whose podSelector matches the pods, with policyTypes [Ingress] (and Egress).",
    needsInventory: true,
    configSchema: {
      policyTypes: {
        type: "array",
        items: { type: "string", enum: ["Ingress", "Egress"] },
        default: ["Ingress"],
        description: "Directions every pod must be isolated in.",
      },
    },
  },
  (_pod, obj, ctx) => {
    if (isOwnedPod(obj)) return [];
    const wanted = (ctx.config.policyTypes as string[] | undefined) ?? ["Ingress"];
    const labels = podLabelsOf(obj);
    const selecting = sameNamespace(ctx.inventory, obj).filter(
      (o) => o.kind === "NetworkPolicy" && labelSelectorMatches(get(o, ["spec", "podSelector"]), labels),
    );
    if (selecting.length === 0) return ["no NetworkPolicy selects its pods"];
    const covered = new Set(selecting.flatMap(policyTypesOf));
    return wanted.filter((t) => !covered.has(t)).map((t) => `no NetworkPolicy isolates its pods for ${t}`);
  },
);
