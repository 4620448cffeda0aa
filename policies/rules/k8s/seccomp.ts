/**
 * PSS restricted "Seccomp": every container runs under RuntimeDefault or a Localhost profile, set on the pod or on
 * the container (the field, or the pre-1.19 annotations, which older clusters still honour).
 */
import type { Rule } from "../../rule.ts";
import { containersOf, get, podMetaOf } from "../../kube.ts";
import { label, podRule } from "./support.ts";

const POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";
const confined = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
const confinedAnnotation = (v: unknown) =>
  v === "runtime/default" || v === "docker/default" || (typeof v === "string" && v.startsWith("localhost/"));

export const seccomp: Rule = podRule(
  {
    id: "seccomp",
    group: "security",
    severity: "medium",
    description: "Every container must run with a seccomp profile of type RuntimeDefault or Localhost (pod or container level).",
    rationale:
      "Without seccomp a container may call every syscall the kernel offers, which turns kernel bugs into node " +
      "compromises; RuntimeDefault blocks the rarely needed, dangerous ones and does not affect CUDA workloads.",
    remediation: "Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod.",
  },
  (pod, obj) => {
    const annotations = podMetaOf(obj)?.annotations ?? {};
    const podType = get(pod.securityContext, ["seccompProfile", "type"]);
    const podConfined = confined(podType) || (podType === undefined && confinedAnnotation(annotations[POD_ANNOTATION]));
    const out: string[] = [];
    if (podType !== undefined && !confined(podType)) out.push(`pod seccompProfile is ${String(podType)}`);
    for (const { container, kind } of containersOf(pod)) {
      const t = get(container.securityContext, ["seccompProfile", "type"]);
      const ann = annotations[`${CONTAINER_ANNOTATION}${container.name ?? ""}`];
      if (t !== undefined) {
        if (!confined(t)) out.push(`${label(container, kind)}: seccompProfile is ${String(t)}`);
      } else if (ann !== undefined) {
        if (!confinedAnnotation(ann)) out.push(`${label(container, kind)}: seccomp annotation is ${String(ann)}`);
      } else if (!podConfined) {
        out.push(`${label(container, kind)}: no seccomp profile (set RuntimeDefault)`);
      }
    }
    return out;
  },
);
