/** PSS baseline "HostProcess": Windows host-process containers run as the node. */
import type { Rule } from "../../rule.ts";
import { containersOf, get } from "../../kube.ts";
import { label, podRule } from "./support.ts";

export const hostProcess: Rule = podRule(
  {
    id: "host-process",
    group: "security",
    severity: "high",
    description: "Pods must not run Windows HostProcess containers (windowsOptions.hostProcess unset or false).",
    rationale: "A HostProcess container runs directly on the Windows node with its privileges: no isolation at all.",
    remediation: "Remove securityContext.windowsOptions.hostProcess at pod and container level.",
  },
  (pod) => {
    const out: string[] = [];
    if (get(pod.securityContext, ["windowsOptions", "hostProcess"]) === true) out.push("pod securityContext sets hostProcess");
    for (const { container, kind } of containersOf(pod)) {
      if (get(container.securityContext, ["windowsOptions", "hostProcess"]) === true) out.push(`${label(container, kind)}: sets hostProcess`);
    }
    return out;
  },
);
