/** PSS baseline "Privileged Containers": a privileged container is root on the node. */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";

export const privileged: Rule = containerRule(
  {
    id: "privileged",
    group: "security",
    severity: "high",
    description: "Containers must not run privileged (securityContext.privileged unset or false).",
    rationale:
      "A privileged container sees every host device and can load kernel modules: escaping to the node is trivial. " +
      "GPU containers do not need it; the NVIDIA device plugin injects only the allocated devices.",
    remediation: "Remove securityContext.privileged (or set it to false); grant a specific capability if one is truly needed.",
  },
  (c) => (c.securityContext?.privileged === true ? ["runs privileged"] : []),
);
