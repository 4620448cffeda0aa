/** PSS baseline "Sysctls": only the namespaced, isolated sysctls Kubernetes calls safe. */
import type { Rule } from "../../rule.ts";
import { get } from "../../kube.ts";
import { asArray, asRecord, podRule } from "./support.ts";

/** The safe set of the Pod Security Standards (through Kubernetes 1.29). */
export const SAFE_SYSCTLS: readonly string[] = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];

export const sysctls: Rule = podRule(
  {
    id: "sysctls",
    group: "security",
    severity: "medium",
    description: "Pods may set only the safe sysctls of the Pod Security Standards.",
    rationale: "Other sysctls are not namespaced or not isolated: setting them changes the node for every pod on it.",
    remediation: "Remove securityContext.sysctls entries outside the safe set; tune the node itself if it is really needed.",
  },
  (pod) =>
    asArray(get(pod.securityContext, ["sysctls"]))
      .map((s) => String(asRecord(s)?.name ?? ""))
      .filter((name) => !SAFE_SYSCTLS.includes(name))
      .map((name) => `sysctl ${name || "<unnamed>"} is not in the safe set`),
);
