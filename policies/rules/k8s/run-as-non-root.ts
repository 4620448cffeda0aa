/**
 * PSS restricted "Running as Non-root" and "Running as Non-root user", read per container with pod fallback:
 * a container passes when runAsNonRoot is true (the kubelet refuses to start it as UID 0) or when it runs with an
 * explicit non-zero runAsUser; UID 0 anywhere fails. See policies/SEMANTICS.md for why an explicit UID suffices.
 */
import type { Rule } from "../../rule.ts";
import { containerRule, effective } from "./support.ts";

export const runAsNonRoot: Rule = containerRule(
  {
    id: "run-as-non-root",
    group: "security",
    severity: "high",
    description: "Containers must not run as root: runAsNonRoot true or a non-zero runAsUser (pod or container level), never UID 0.",
    rationale:
      "Many CUDA, vLLM and Triton images default to root; root in a container is one kernel bug away from root on " +
      "a node with expensive GPUs and other tenants' models.",
    remediation: "Set spec.securityContext.runAsNonRoot: true and runAsUser to a non-zero UID the image supports.",
  },
  (c, pod) => {
    const uid = effective(c, pod, "runAsUser");
    const nonRoot = effective(c, pod, "runAsNonRoot");
    if (uid === 0) return ["runs as UID 0 (runAsUser: 0)"];
    if (nonRoot === true) return [];
    if (typeof uid === "number" && uid > 0) return [];
    return [nonRoot === false ? "runAsNonRoot is false and no non-zero runAsUser is set" : "may run as root (set runAsNonRoot: true)"];
  },
);
