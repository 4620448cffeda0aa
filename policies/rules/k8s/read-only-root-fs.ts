/** Read-only root filesystem for every container that serves (init containers included; debug containers not). */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";

export const readOnlyRootFs: Rule = containerRule(
  {
    id: "read-only-root-fs",
    group: "security",
    severity: "medium",
    description: "Containers must set securityContext.readOnlyRootFilesystem: true.",
    rationale:
      "A writable root lets an intruder drop tools or alter the server's code; inference servers that write caches " +
      "(HF_HOME, Triton, /tmp) get emptyDir mounts for exactly those paths instead.",
    remediation: "Set readOnlyRootFilesystem: true and mount emptyDir volumes (with sizeLimit) at the paths the server writes.",
  },
  (c) => (c.securityContext?.readOnlyRootFilesystem === true ? [] : ["root filesystem is writable"]),
  ["container", "initContainer"],
);
