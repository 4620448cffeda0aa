/** PSS baseline "Host Namespaces": hostNetwork, hostPID and hostIPC share the node's namespaces. */
import type { Rule } from "../../rule.ts";
import { podRule } from "./support.ts";

const fields = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const hostNamespaces: Rule = podRule(
  {
    id: "host-namespaces",
    group: "security",
    severity: "high",
    description: "Pods must not share the node's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC).",
    rationale:
      "Host namespaces let a pod sniff node traffic, signal node processes or read other pods' shared memory. " +
      "hostIPC is sometimes used for NCCL shared memory; a memory-backed emptyDir at /dev/shm does that safely.",
    remediation: "Remove hostNetwork/hostPID/hostIPC; for shared memory mount an emptyDir with medium: Memory at /dev/shm.",
  },
  (pod) => fields.filter((f) => pod[f] === true).map((f) => `${f} is true`),
);
