/**
 * References between objects of the same input resolve: a Service or NetworkPolicy selects some pods, an Ingress
 * backend names a Service, an HPA / PDB targets something that exists (ScaledObject targets: keda-scaledobject-sane). A reference to something
 * outside the input (another stack, a Helm release) shows up here too: exempt it with a reason.
 */
import { NOT_APPLICABLE, type KubeObject, type Rule } from "../../rule.ts";
import { get, labelSelectorMatches, mapSelectorMatches, podSpecOf, sameNamespace } from "../../kube.ts";
import { asArray, asRecord, isOwnedPod, podLabelsOf, targetOf } from "./support.ts";

function podWorkloads(obj: KubeObject, inventory: readonly KubeObject[]): KubeObject[] {
  return sameNamespace(inventory, obj).filter((o) => podSpecOf(o) !== undefined && !isOwnedPod(o));
}

/** Service names an Ingress points at (networking.k8s.io/v1 and the older serviceName form). */
function ingressServices(obj: KubeObject): string[] {
  const backends: unknown[] = [get(obj, ["spec", "defaultBackend"]), get(obj, ["spec", "backend"])];
  for (const rule of asArray(get(obj, ["spec", "rules"]))) {
    for (const path of asArray(get(rule, ["http", "paths"]))) backends.push(asRecord(path)?.backend);
  }
  return backends
    .map((b) => asRecord(b))
    .filter((b): b is Record<string, unknown> => !!b)
    .map((b) => (get(b, ["service", "name"]) ?? b.serviceName) as unknown)
    .filter((n): n is string => typeof n === "string");
}

export const danglingReference: Rule = {
  id: "dangling-reference",
  group: "reliability",
  severity: "medium",
  description: "Services and NetworkPolicies must select existing pods; Ingress backends and HPA targets must exist.",
  rationale:
    "A selector that matches nothing fails silently: a Service with no endpoints returns connection errors, an " +
    "autoscaler with no target never scales, a PDB that selects nothing protects nothing.",
  remediation: "Fix the selector or name so it matches the intended workload (labels of its pod template).",
  kinds: ["Service", "NetworkPolicy", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"],
  needsInventory: true,
  validate(obj, ctx) {
    const inv = ctx.inventory;
    switch (obj.kind) {
      case "Service": {
        const sel = asRecord(get(obj, ["spec", "selector"])) as Record<string, string> | undefined;
        if (!sel || Object.keys(sel).length === 0 || get(obj, ["spec", "type"]) === "ExternalName") return NOT_APPLICABLE;
        return podWorkloads(obj, inv).some((w) => mapSelectorMatches(sel, podLabelsOf(w))) ? [] : ["selector matches no pods in the input"];
      }
      case "NetworkPolicy":
      case "PodDisruptionBudget": {
        const sel = asRecord(get(obj, ["spec", obj.kind === "NetworkPolicy" ? "podSelector" : "selector"]));
        if (!sel) return obj.kind === "PodDisruptionBudget" ? ["has no selector"] : NOT_APPLICABLE;
        if (Object.keys(sel).length === 0 || (Object.keys(asRecord(sel.matchLabels) ?? {}).length === 0 && asArray(sel.matchExpressions).length === 0)) {
          return NOT_APPLICABLE; // an empty selector means "every pod in the namespace"
        }
        return podWorkloads(obj, inv).some((w) => labelSelectorMatches(sel, podLabelsOf(w))) ? [] : ["selector matches no pods in the input"];
      }
      case "Ingress": {
        const names = ingressServices(obj);
        if (names.length === 0) return NOT_APPLICABLE;
        const services = new Set(sameNamespace(inv, obj).filter((o) => o.kind === "Service").map((o) => o.metadata?.name));
        return [...new Set(names)].filter((n) => !services.has(n)).map((n) => `backend Service ${n} is not in the input`);
      }
      default: {
        const target = targetOf(obj);
        if (!target?.name) return [`has no scaleTargetRef name`];
        const found = sameNamespace(inv, obj).some((o) => o.kind === target.kind && o.metadata?.name === target.name);
        return found ? [] : [`target ${target.kind}/${target.name} is not in the input`];
      }
    }
  },
};
