/** Namespaced objects name their namespace, and it is not `default`. */
import { NOT_APPLICABLE, type Rule } from "../../rule.ts";
import { isNamespaced } from "../../kube.ts";

export const defaultNamespace: Rule = {
  id: "default-namespace",
  group: "reliability",
  severity: "low",
  description: "Namespaced objects must set metadata.namespace to a namespace other than `default`.",
  rationale:
    "The default namespace carries no Pod Security labels, quotas or NetworkPolicies of the platform, and an " +
    "unset namespace lands wherever the applying client happens to point.",
  remediation: "Set metadata.namespace to the platform's namespace (spec.namespace in the stack).",
  kinds: "*",
  needsInventory: false,
  validate(obj) {
    if (!isNamespaced(obj.kind) || obj.kind === "List") return NOT_APPLICABLE;
    const ns = obj.metadata?.namespace;
    if (ns === undefined || ns === "") return ["metadata.namespace is not set (it would land in whatever namespace the client uses)"];
    return ns === "default" ? ["is in the default namespace"] : [];
  },
};
