/**
 * Shared plumbing for the Kubernetes rules: building a rule that judges pod specs, naming containers in messages,
 * reading effective security settings, and finding the autoscalers and pod-selecting objects that relate workloads.
 */
import { NOT_APPLICABLE, type KubeObject, type NotApplicable, type Rule, type RuleContext } from "../../rule.ts";
import {
  containersOf,
  get,
  labelSelectorMatches,
  namespaceOf,
  objectsIn,
  podMetaOf,
  podSpecOf,
  sameNamespace,
  workloadKinds,
  type Container,
  type ContainerKind,
  type Json,
  type PodSpec,
} from "../../kube.ts";

export type RuleInfo = Omit<Rule, "validate" | "kinds" | "needsInventory"> & {
  kinds?: readonly string[];
  needsInventory?: boolean;
};

/** A rule over the pod template of every workload kind; other kinds are not applicable. */
export function podRule(
  info: RuleInfo,
  check: (pod: PodSpec, obj: KubeObject, ctx: RuleContext) => string[] | NotApplicable,
): Rule {
  const kinds = info.kinds ?? workloadKinds;
  return {
    ...info,
    kinds,
    needsInventory: info.needsInventory ?? false,
    validate(obj, ctx) {
      const pod = kinds.includes(obj.kind) ? podSpecOf(obj) : undefined;
      if (!pod) return NOT_APPLICABLE;
      return check(pod, obj, ctx);
    },
  };
}

/** A rule judging each container on its own; `check` returns the problems of one container. */
export function containerRule(
  info: RuleInfo,
  check: (c: Container, pod: PodSpec, kind: ContainerKind, ctx: RuleContext) => string[],
  kinds: readonly ContainerKind[] = ["container", "initContainer", "ephemeralContainer"],
): Rule {
  return podRule(info, (pod, _obj, ctx) =>
    containersOf(pod)
      .filter((x) => kinds.includes(x.kind))
      .flatMap(({ container, kind }) => check(container, pod, kind, ctx).map((m) => `${label(container, kind)}: ${m}`)),
  );
}

export function label(c: Container, kind: ContainerKind): string {
  return `${kind} "${c.name ?? "<unnamed>"}"`;
}

/** A container's securityContext field, falling back to the pod's (for fields both levels have). */
export function effective(c: Container, pod: PodSpec, field: string): unknown {
  const own = get(c.securityContext, [field]);
  return own !== undefined ? own : get(pod.securityContext, [field]);
}

/**
 * Capability names exactly as written. Runtimes would accept `CAP_SETPCAP` or `all`, but Pod Security Admission
 * compares exact names, so a spelling it does not know is judged the way the cluster will judge it.
 */
/** A capability name the way container runtimes resolve it (case-insensitive, optional `CAP_` prefix). */
export function runtimeCapName(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, "");
}

export function capsOf(c: Container, which: "add" | "drop"): string[] {
  const list = get(c.securityContext, ["capabilities", which]);
  return Array.isArray(list) ? list.map(String) : [];
}

export function asRecord(v: unknown): Json | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function volumesOf(pod: PodSpec): Json[] {
  return objectsIn(pod.volumes);
}

/** Kinds an autoscaler (HPA or KEDA ScaledObject) can scale and that keep a `spec.replicas`. */
export const scalableKinds: readonly string[] = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"];

export interface Autoscaler {
  obj: KubeObject;
  min: number | undefined;
  max: number | undefined;
}

/** The HorizontalPodAutoscalers and KEDA ScaledObjects in the inventory that target `workload`. */
export function autoscalersOf(workload: KubeObject, inventory: readonly KubeObject[]): Autoscaler[] {
  const name = workload.metadata?.name;
  const out: Autoscaler[] = [];
  const peers = sameNamespace(inventory, workload);
  for (const o of peers) {
    const target = targetOf(o);
    if (!target || target.name !== name || target.kind !== workload.kind) continue;
    if (o.kind === "HorizontalPodAutoscaler" && isKedaManaged(o, peers)) continue;
    out.push(autoscalerBounds(o));
  }
  return out;
}

/** KEDA runs each ScaledObject through an HPA of its own (`keda-hpa-<name>`, owned by it): not a second autoscaler. */
function isKedaManaged(hpa: KubeObject, peers: readonly KubeObject[]): boolean {
  const owners = asArray(get(hpa, ["metadata", "ownerReferences"])).map(asRecord);
  if (owners.some((o) => o?.kind === "ScaledObject")) return true;
  const name = hpa.metadata?.name ?? "";
  return name.startsWith("keda-hpa-") && peers.some((p) => p.kind === "ScaledObject" && p.metadata?.name === name.slice("keda-hpa-".length));
}

/** The scale target of an HPA or a ScaledObject (KEDA defaults the kind to Deployment). */
export function targetOf(o: KubeObject): { kind: string; name: string | undefined } | undefined {
  if (o.kind === "HorizontalPodAutoscaler") {
    const ref = asRecord(get(o, ["spec", "scaleTargetRef"]));
    if (!ref) return undefined;
    return { kind: String(ref.kind ?? ""), name: typeof ref.name === "string" ? ref.name : undefined };
  }
  if (o.kind === "ScaledObject") {
    const ref = asRecord(get(o, ["spec", "scaleTargetRef"]));
    if (!ref) return undefined;
    return { kind: typeof ref.kind === "string" ? ref.kind : "Deployment", name: typeof ref.name === "string" ? ref.name : undefined };
  }
  return undefined;
}

/** Replica bounds of an autoscaler with the API defaults (HPA min 1; KEDA min 0, max 100). */
export function autoscalerBounds(o: KubeObject): Autoscaler {
  const num = (v: unknown, d: number | undefined) => (typeof v === "number" ? v : d);
  if (o.kind === "ScaledObject") {
    return { obj: o, min: num(get(o, ["spec", "minReplicaCount"]), 0), max: num(get(o, ["spec", "maxReplicaCount"]), 100) };
  }
  return { obj: o, min: num(get(o, ["spec", "minReplicas"]), 1), max: num(get(o, ["spec", "maxReplicas"]), undefined) };
}

/** `spec.replicas` as written; undefined when unset (the API defaults it to 1). */
export function declaredReplicas(obj: KubeObject): number | undefined {
  const r = get(obj, ["spec", "replicas"]);
  return typeof r === "number" ? r : undefined;
}

/**
 * How many replicas a workload can run at most: the autoscalers' max when scaled, else `spec.replicas` (1 when
 * unset). DaemonSets count as many (one per node).
 */
export function maxReplicas(obj: KubeObject, inventory: readonly KubeObject[]): number {
  if (obj.kind === "DaemonSet") return Number.POSITIVE_INFINITY;
  const scalers = autoscalersOf(obj, inventory);
  if (scalers.length > 0) return Math.max(...scalers.map((s) => s.max ?? 1), declaredReplicas(obj) ?? 1);
  return declaredReplicas(obj) ?? 1;
}

/** Pod-template labels of a workload. */
export function podLabelsOf(obj: KubeObject): Record<string, string> {
  return podMetaOf(obj)?.labels ?? {};
}

/** Workloads in `obj`'s namespace whose pods a metav1.LabelSelector selects. */
export function workloadsSelectedBy(selector: unknown, obj: KubeObject, inventory: readonly KubeObject[]): KubeObject[] {
  const sel = asRecord(selector);
  return sameNamespace(inventory, obj).filter((o) => {
    if (!podSpecOf(o) || isOwnedPod(o)) return false;
    return labelSelectorMatches(sel, podLabelsOf(o));
  });
}

/** A Pod created by a controller (judged through its owner, not on its own). */
export function isOwnedPod(o: KubeObject): boolean {
  return o.kind === "Pod" && asArray(get(o, ["metadata", "ownerReferences"])).length > 0;
}

export function nsName(o: KubeObject): string {
  const ns = namespaceOf(o);
  return ns ? `${ns}/${o.metadata?.name ?? "<unnamed>"}` : (o.metadata?.name ?? "<unnamed>");
}

/** Kinds whose pods are long-running servers (probes, PDBs, spread apply); Jobs and CronJobs run to completion. */
export const servingKinds: readonly string[] = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"];

/**
 * Whether a workload's pods mount a volume only one node can attach (a PVC that is ReadWriteOnce or
 * ReadWriteOncePod, or whose claim is not in the input, since RWO is the common default). Such a workload cannot
 * scale out and must be replaced with Recreate: rules about replicas and rollouts do not apply to it.
 */
export function singleWriter(obj: KubeObject, inventory: readonly KubeObject[]): boolean {
  const pod = podSpecOf(obj);
  if (!pod) return false;
  const claims = sameNamespace(inventory, obj).filter((o) => o.kind === "PersistentVolumeClaim");
  const templates = asArray(get(obj, ["spec", "volumeClaimTemplates"])).map((t) => asRecord(t) ?? {});
  if (templates.length > 0) return false; // a StatefulSet gives each replica its own claim
  return volumesOf(pod).some((v) => {
    const claimName = get(v, ["persistentVolumeClaim", "claimName"]);
    if (typeof claimName !== "string") return false;
    const claim = claims.find((c) => c.metadata?.name === claimName);
    if (!claim) return true;
    const modes = asArray(get(claim, ["spec", "accessModes"])).map(String);
    return modes.length === 0 || modes.every((m) => m === "ReadWriteOnce" || m === "ReadWriteOncePod");
  });
}
