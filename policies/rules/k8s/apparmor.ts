/** PSS baseline "AppArmor": the profile may be the runtime default or a localhost one, never unconfined. */
import type { Rule } from "../../rule.ts";
import { containersOf, get, podMetaOf } from "../../kube.ts";
import { label, podRule } from "./support.ts";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const okType = (t: unknown) => t === undefined || t === "RuntimeDefault" || t === "Localhost";
const okAnnotation = (v: string) => v === "runtime/default" || v.startsWith("localhost/");

export const apparmor: Rule = podRule(
  {
    id: "apparmor",
    group: "security",
    severity: "medium",
    description: "AppArmor profiles must be RuntimeDefault or Localhost (field or annotation); Unconfined is not allowed.",
    rationale: "An unconfined container loses the AppArmor profile that blocks many kernel-level escape paths.",
    remediation: "Remove the Unconfined AppArmor profile (field appArmorProfile or the beta annotation); use RuntimeDefault.",
  },
  (pod, obj) => {
    const out: string[] = [];
    const podType = get(pod.securityContext, ["appArmorProfile", "type"]);
    if (!okType(podType)) out.push(`pod appArmorProfile is ${String(podType)}`);
    for (const { container, kind } of containersOf(pod)) {
      const t = get(container.securityContext, ["appArmorProfile", "type"]);
      if (!okType(t)) out.push(`${label(container, kind)}: appArmorProfile is ${String(t)}`);
    }
    for (const [k, v] of Object.entries(podMetaOf(obj)?.annotations ?? {})) {
      if (k.startsWith(ANNOTATION_PREFIX) && !okAnnotation(String(v))) out.push(`annotation ${k} is ${String(v)}`);
    }
    return out;
  },
);
