/** PSS baseline "/proc Mount Type". */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";

export const procMount: Rule = containerRule(
  {
    id: "proc-mount",
    group: "security",
    severity: "medium",
    description: "Containers must use the default /proc mount (securityContext.procMount unset or Default).",
    rationale: "An Unmasked /proc exposes kernel interfaces the runtime normally hides, weakening container isolation.",
    remediation: "Remove securityContext.procMount or set it to Default.",
  },
  (c) => {
    const v = c.securityContext?.procMount;
    return v === undefined || v === null || v === "Default" ? [] : [`procMount is ${String(v)}`];
  },
);
