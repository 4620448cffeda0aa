/**
 * No API credentials in pods that do not ask for them: automountServiceAccountToken false on the pod, or left
 * unset with the pod's ServiceAccount (found in the same input) setting it false.
 */
import type { Rule } from "../../rule.ts";
import { get, sameNamespace } from "../../kube.ts";
import { podRule } from "./support.ts";

export const automountSaToken: Rule = podRule(
  {
    id: "automount-sa-token",
    group: "security",
    severity: "medium",
    description: "Pods must not automount a ServiceAccount token unless they opt in (automountServiceAccountToken: false on the pod or its ServiceAccount).",
    rationale:
      "A mounted token lets anyone who gets code execution in the pod talk to the Kubernetes API with the pod's " +
      "identity; model servers never need it.",
    remediation: "Set spec.automountServiceAccountToken: false on the pod template (or on its ServiceAccount).",
    needsInventory: true,
  },
  (pod, obj, ctx) => {
    const own = pod.automountServiceAccountToken;
    if (own === false) return [];
    if (own === true) return ["automountServiceAccountToken is true"];
    const saName = String(pod.serviceAccountName ?? pod.serviceAccount ?? "default");
    const sa = sameNamespace(ctx.inventory, obj).find((o) => o.kind === "ServiceAccount" && o.metadata?.name === saName);
    if (sa && get(sa, ["automountServiceAccountToken"]) === false) return [];
    return [`automountServiceAccountToken is not false (ServiceAccount ${saName}${sa ? " mounts it" : " not in the input"})`];
  },
);
