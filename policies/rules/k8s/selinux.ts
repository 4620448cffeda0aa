/** PSS baseline "SELinux": no custom user or role, only the container types. */
import type { Rule } from "../../rule.ts";
import { containersOf, get, type Json } from "../../kube.ts";
import { asRecord, label, podRule } from "./support.ts";

const ALLOWED_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

function problems(opts: Json | undefined): string[] {
  if (!opts) return [];
  const out: string[] = [];
  const type = opts.type;
  if (type !== undefined && !ALLOWED_TYPES.includes(String(type))) out.push(`seLinuxOptions.type ${String(type)} is not a container type`);
  if (opts.user !== undefined && opts.user !== "") out.push("seLinuxOptions.user is set");
  if (opts.role !== undefined && opts.role !== "") out.push("seLinuxOptions.role is set");
  return out;
}

export const selinux: Rule = podRule(
  {
    id: "selinux",
    group: "security",
    severity: "medium",
    description: "SELinux options may only pick a container type (container_t, container_init_t, container_kvm_t, container_engine_t); user and role stay unset.",
    rationale: "A custom SELinux user, role or type can lift the mandatory access control that confines containers.",
    remediation: "Remove seLinuxOptions.user/role and use one of the container types, or leave seLinuxOptions unset.",
  },
  (pod) => [
    ...problems(asRecord(get(pod.securityContext, ["seLinuxOptions"]))).map((m) => `pod: ${m}`),
    ...containersOf(pod).flatMap(({ container, kind }) =>
      problems(asRecord(get(container.securityContext, ["seLinuxOptions"]))).map((m) => `${label(container, kind)}: ${m}`),
    ),
  ],
);
