/** PSS restricted "Volume Types". */
import type { Rule } from "../../rule.ts";
import { podRule, volumesOf } from "./support.ts";

/** The volume sources PSS restricted allows: none of them reaches outside the pod's own storage. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
];

export const volumeTypes: Rule = podRule(
  {
    id: "volume-types",
    group: "security",
    severity: "medium",
    description: "Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.",
    rationale:
      "Other volume types (hostPath, nfs, iscsi, ...) reach storage directly with the node's credentials, outside " +
      "the access control of PersistentVolumeClaims.",
    remediation: "Use a PersistentVolumeClaim (bound to a PersistentVolume of that type) or an emptyDir instead.",
  },
  (pod) =>
    volumesOf(pod).flatMap((v) =>
      Object.keys(v)
        .filter((k) => k !== "name" && v[k] !== undefined && !RESTRICTED_VOLUME_TYPES.includes(k))
        .map((k) => `volume "${String(v.name)}" is of type ${k}`),
    ),
);
