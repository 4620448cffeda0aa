/** Read-only accessors for the parts of Kubernetes objects most rules look at. */
import type { KubeObject } from "./rule.ts";

export type Json = Record<string, unknown>;

export interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  env?: Array<{ name?: string; value?: string; valueFrom?: Json }>;
  resources?: { limits?: Record<string, string | number>; requests?: Record<string, string | number> };
  securityContext?: Json;
  ports?: Array<{ containerPort?: number; hostPort?: number; name?: string; protocol?: string }>;
  volumeMounts?: Array<{ name?: string; mountPath?: string; readOnly?: boolean }>;
  livenessProbe?: Json;
  readinessProbe?: Json;
  startupProbe?: Json;
  [key: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Json[];
  securityContext?: Json;
  tolerations?: Json[];
  nodeSelector?: Record<string, string>;
  affinity?: Json;
  [key: string]: unknown;
}

/** Workload kinds and where their pod template sits. */
const templatePaths: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  PodTemplate: ["template", "spec"],
};

export const workloadKinds: readonly string[] = Object.keys(templatePaths);

export function get(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

/** The pod spec of a workload, or undefined when the object carries none. */
export function podSpecOf(obj: KubeObject): PodSpec | undefined {
  const path = templatePaths[obj.kind];
  if (!path) return undefined;
  const spec = get(obj, path);
  return spec && typeof spec === "object" ? (spec as PodSpec) : undefined;
}

/** The pod template's metadata (labels select the pods); for a Pod, its own metadata. */
export function podMetaOf(obj: KubeObject): { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined {
  const path = templatePaths[obj.kind];
  if (!path) return undefined;
  const meta = obj.kind === "Pod" ? obj.metadata : get(obj, [...path.slice(0, -1), "metadata"]);
  return meta && typeof meta === "object" ? (meta as { labels?: Record<string, string> }) : undefined;
}

export type ContainerKind = "container" | "initContainer" | "ephemeralContainer";

/** Every container of a pod spec with its kind, so messages can say which one. */
export function containersOf(pod: PodSpec): Array<{ container: Container; kind: ContainerKind }> {
  const out: Array<{ container: Container; kind: ContainerKind }> = [];
  for (const c of pod.containers ?? []) out.push({ container: c, kind: "container" });
  for (const c of pod.initContainers ?? []) out.push({ container: c, kind: "initContainer" });
  for (const c of pod.ephemeralContainers ?? []) out.push({ container: c, kind: "ephemeralContainer" });
  return out;
}

export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? "<unnamed>";
}

export function namespaceOf(obj: KubeObject): string | undefined {
  return obj.metadata?.namespace;
}

/** `Kind/namespace/name` (namespace omitted when unset): how reports and exemption targets name objects. */
export function refOf(obj: KubeObject): string {
  const ns = namespaceOf(obj);
  return ns ? `${obj.kind}/${ns}/${nameOf(obj)}` : `${obj.kind}/${nameOf(obj)}`;
}
