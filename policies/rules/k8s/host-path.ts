/** PSS baseline "HostPath Volumes", with an optional read-only allow-list for node-local caches. */
import type { Rule } from "../../rule.ts";
import { containersOf, get, objectsIn, type Container } from "../../kube.ts";
import { podRule, volumesOf } from "./support.ts";

export const hostPath: Rule = podRule(
  {
    id: "host-path",
    group: "security",
    severity: "high",
    description: "Pods must not mount hostPath volumes (except read-only mounts of allow-listed paths).",
    rationale:
      "A hostPath volume reads or writes the node's filesystem: credentials, other pods' data, the runtime socket. " +
      "Model caches are often put on hostPath; a PVC or an emptyDir keeps them inside the pod's boundary.",
    remediation: "Use a PersistentVolumeClaim or an emptyDir (with sizeLimit) instead of hostPath.",
    configSchema: {
      allowedReadOnlyPaths: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Host path prefixes a pod may mount when every mount of the volume is readOnly.",
      },
    },
  },
  (pod, _obj, ctx) => {
    const allowed = (ctx.config.allowedReadOnlyPaths as string[] | undefined) ?? [];
    const out: string[] = [];
    for (const v of volumesOf(pod)) {
      const path = get(v, ["hostPath", "path"]);
      if (path === undefined && !("hostPath" in v)) continue;
      const p = String(path ?? "");
      const mounts = containersOf(pod).flatMap(({ container }) => objectsIn<NonNullable<Container["volumeMounts"]>[number]>(container.volumeMounts).filter((m) => m.name === v.name));
      const underAllowed = allowed.some((a) => p === a || p.startsWith(a.endsWith("/") ? a : `${a}/`));
      if (underAllowed && mounts.every((m) => m.readOnly === true)) continue;
      out.push(`volume "${String(v.name)}" mounts host path ${p || "<unset>"}`);
    }
    return out;
  },
);
