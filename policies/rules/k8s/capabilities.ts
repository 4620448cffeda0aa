/**
 * The capability rules share one reading of securityContext.capabilities (exact names, as Pod Security Admission):
 * - capabilities-add-restricted: PSS baseline, add only from the default Docker set;
 * - capabilities-restricted: PSS restricted, drop ALL and add at most NET_BIND_SERVICE;
 * - capabilities-drop-all: drop ALL (independent of what is added);
 * - capabilities-drop-net-raw: drop NET_RAW (or ALL), read as the runtime reads it (`CAP_NET_RAW` counts): no
 *   admission standard checks this one, so what matters is what the runtime does.
 */
import type { Rule } from "../../rule.ts";
import { capsOf, containerRule, runtimeCapName } from "./support.ts";

/** The capabilities PSS baseline lets a container add (the container runtime's default set). */
export const BASELINE_CAPABILITIES: readonly string[] = [
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];

export const capabilitiesAddRestricted: Rule = containerRule(
  {
    id: "capabilities-add-restricted",
    group: "security",
    severity: "high",
    description: "Containers may add only the baseline capabilities (the runtime's default set); never SYS_ADMIN, NET_ADMIN, ALL, ...",
    rationale:
      "Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE are root powers over the node's kernel; GPU containers " +
      "do not need any of them (the device plugin handles device access).",
    remediation: "Remove the capability from securityContext.capabilities.add.",
  },
  (c) => capsOf(c, "add").filter((cap) => !BASELINE_CAPABILITIES.includes(cap)).map((cap) => `adds capability ${cap}`),
);

export const capabilitiesRestricted: Rule = containerRule(
  {
    id: "capabilities-restricted",
    group: "security",
    severity: "medium",
    description: "Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE (PSS restricted).",
    rationale: "A process with no capabilities cannot use the kernel's privileged interfaces even if the code is compromised.",
    remediation: 'Set securityContext.capabilities: { drop: ["ALL"] } and add only NET_BIND_SERVICE if a port below 1024 is needed.',
  },
  (c) => [
    ...(capsOf(c, "drop").includes("ALL") ? [] : ["does not drop ALL capabilities"]),
    ...capsOf(c, "add").filter((cap) => cap !== "NET_BIND_SERVICE").map((cap) => `adds capability ${cap}`),
  ],
  ["container", "initContainer", "ephemeralContainer"],
);

export const capabilitiesDropAll: Rule = containerRule(
  {
    id: "capabilities-drop-all",
    group: "security",
    severity: "medium",
    description: "Containers must drop ALL capabilities.",
    rationale: "Dropping ALL removes the default set (NET_RAW, CHOWN, ...) a compromised process could otherwise use; drop ALL works with the GPU device plugin.",
    remediation: 'Set securityContext.capabilities.drop: ["ALL"].',
  },
  (c) => (capsOf(c, "drop").includes("ALL") ? [] : ["does not drop ALL capabilities"]),
);

export const capabilitiesDropNetRaw: Rule = containerRule(
  {
    id: "capabilities-drop-net-raw",
    group: "security",
    severity: "low",
    description: "Containers must drop NET_RAW (or ALL).",
    rationale: "NET_RAW allows forging packets on the pod network (ARP/DNS spoofing of neighbours).",
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] (or at least NET_RAW).',
  },
  (c) => {
    const drop = capsOf(c, "drop").map(runtimeCapName);
    return drop.includes("ALL") || drop.includes("NET_RAW") ? [] : ["does not drop NET_RAW"];
  },
);
