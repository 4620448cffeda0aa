/** PSS restricted "Privilege Escalation": allowPrivilegeEscalation must be explicitly false. */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";

export const privilegeEscalation: Rule = containerRule(
  {
    id: "privilege-escalation",
    group: "security",
    severity: "high",
    description: "Containers must set securityContext.allowPrivilegeEscalation: false.",
    rationale:
      "Unset, the kernel lets setuid binaries and file capabilities raise a process's privileges (no_new_privs is off); " +
      "it defaults to true, so it has to be set explicitly.",
    remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
  },
  (c) =>
    c.securityContext?.allowPrivilegeEscalation === false
      ? []
      : [c.securityContext?.allowPrivilegeEscalation === true ? "allowPrivilegeEscalation is true" : "allowPrivilegeEscalation is not set to false"],
);
