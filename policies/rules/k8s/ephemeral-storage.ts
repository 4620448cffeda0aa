/**
 * Disk-backed emptyDir volumes are bounded: a sizeLimit on the volume, or ephemeral-storage requests and limits on
 * every container that mounts it. Memory-backed emptyDirs (/dev/shm) count against the memory limit instead.
 */
import type { Rule } from "../../rule.ts";
import { containersOf, get, objectsIn, type Container } from "../../kube.ts";
import { asRecord, podRule, volumesOf } from "./support.ts";

export const ephemeralStorage: Rule = podRule(
  {
    id: "ephemeral-storage",
    group: "reliability",
    severity: "medium",
    description: "Disk-backed emptyDir volumes need a sizeLimit, or ephemeral-storage requests and limits on the containers mounting them.",
    rationale:
      "An unbounded emptyDir fills the node's disk (a model download into a cache does it in minutes), and the " +
      "kubelet then evicts every pod on the node, not just the culprit.",
    remediation: "Set emptyDir.sizeLimit (e.g. 20Gi for a model cache), or resources.requests/limits.ephemeral-storage.",
  },
  (pod) => {
    const out: string[] = [];
    for (const v of volumesOf(pod)) {
      const ed = asRecord(v.emptyDir);
      if (!ed && !("emptyDir" in v)) continue;
      if (ed?.medium === "Memory" || ed?.sizeLimit !== undefined) continue;
      const mounters = containersOf(pod).filter(({ container }) => objectsIn<NonNullable<Container["volumeMounts"]>[number]>(container.volumeMounts).some((m) => m.name === v.name));
      const unbounded = mounters.filter(
        ({ container }) =>
          get(container, ["resources", "requests", "ephemeral-storage"]) === undefined ||
          get(container, ["resources", "limits", "ephemeral-storage"]) === undefined,
      );
      if (unbounded.length > 0) {
        out.push(`emptyDir "${String(v.name)}" has no sizeLimit and ${unbounded.map(({ container }) => `"${container.name ?? ""}"`).join(", ")} set no ephemeral-storage request and limit`);
      }
    }
    return out;
  },
);
