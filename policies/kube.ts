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

/**
 * The mapping entries of a list field. Hand-written YAML can hold anything (`containers:` with an empty item is
 * `[null]`, a scalar where a list belongs); the API server would reject it, so rules judge such entries as absent
 * instead of crashing on them (under the Pulumi CLI a throwing policy aborts the whole preview).
 */
export function objectsIn<T = Json>(list: unknown): T[] {
  if (!Array.isArray(list)) return [];
  return list.filter((v) => v !== null && typeof v === "object" && !Array.isArray(v)) as T[];
}

/** Every container of a pod spec with its kind, so messages can say which one. */
export function containersOf(pod: PodSpec): Array<{ container: Container; kind: ContainerKind }> {
  const out: Array<{ container: Container; kind: ContainerKind }> = [];
  for (const c of objectsIn<Container>(pod.containers)) out.push({ container: c, kind: "container" });
  for (const c of objectsIn<Container>(pod.initContainers)) out.push({ container: c, kind: "initContainer" });
  for (const c of objectsIn<Container>(pod.ephemeralContainers)) out.push({ container: c, kind: "ephemeralContainer" });
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

// ---- Cross-object helpers (selectors, quantities, scopes), shared by rules that relate objects. ----

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }>;
}

/**
 * Whether a metav1.LabelSelector selects these labels. An empty selector selects everything (the API's own
 * semantics for NetworkPolicy/PDB); an absent one (undefined) selects nothing.
 */
export function labelSelectorMatches(selector: LabelSelector | unknown, labels: Record<string, string> | undefined): boolean {
  if (!selector || typeof selector !== "object" || Array.isArray(selector)) return false;
  const sel = selector as LabelSelector;
  const have = plainLabels(labels);
  const matchLabels: unknown = sel.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null && (typeof matchLabels !== "object" || Array.isArray(matchLabels))) return false;
  for (const [k, v] of Object.entries(matchLabels ?? {})) if (have[k] !== v) return false;
  const expressions: unknown = sel.matchExpressions;
  if (expressions !== undefined && expressions !== null && !Array.isArray(expressions)) return false;
  for (const e of (expressions ?? []) as unknown[]) {
    // A malformed requirement is one the API would reject: it selects nothing (never a crash).
    if (e === null || typeof e !== "object") return false;
    const { key: rawKey, operator, values: rawValues } = e as { key?: unknown; operator?: unknown; values?: unknown };
    const key = typeof rawKey === "string" ? rawKey : "";
    const present = Object.prototype.hasOwnProperty.call(have, key);
    const values: unknown[] = Array.isArray(rawValues) ? rawValues : [];
    switch (operator) {
      case "In": if (!present || !values.includes(have[key] as string)) return false; break;
      case "NotIn": if (present && values.includes(have[key] as string)) return false; break;
      case "Exists": if (!present) return false; break;
      case "DoesNotExist": if (present) return false; break;
      default: return false; // an operator the API would reject selects nothing
    }
  }
  return true;
}

/** Labels as a map; anything else (a scalar or list where labels belong) is no labels. */
function plainLabels(labels: unknown): Record<string, unknown> {
  return labels && typeof labels === "object" && !Array.isArray(labels) ? (labels as Record<string, unknown>) : {};
}

/** Whether a plain map selector (Service `spec.selector`, ReplicationController) selects these labels. */
export function mapSelectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || typeof selector !== "object" || Array.isArray(selector)) return false;
  const have = plainLabels(labels);
  return Object.entries(selector).every(([k, v]) => have[k] === v);
}

const binarySuffixes: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffixes: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes resource quantity (`500m`, `2Gi`, `1e3`, 4) as a number in base units; undefined if malformed. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === "number") return Number.isFinite(q) ? q : undefined;
  if (typeof q !== "string") return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? "";
  return base * (binarySuffixes[suffix] ?? decimalSuffixes[suffix] ?? 1);
}

/** Kinds that live outside namespaces (the ones a platform or Helm chart commonly emits). */
const clusterScopedKinds = new Set([
  "Namespace", "Node", "PersistentVolume", "StorageClass", "PriorityClass", "RuntimeClass", "IngressClass",
  "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "APIService", "CSIDriver", "CSINode",
  "VolumeAttachment", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PodSecurityPolicy", "CertificateSigningRequest",
  "FlowSchema", "PriorityLevelConfiguration", "ClusterIssuer", "GatewayClass", "ClusterPolicy", "ComponentStatus",
]);

export function isNamespaced(kind: string): boolean {
  return !clusterScopedKinds.has(kind);
}

/** Objects of the inventory in the same namespace as `obj` (unset namespaces compare equal). */
export function sameNamespace(inventory: readonly KubeObject[], obj: KubeObject): KubeObject[] {
  const ns = namespaceOf(obj) ?? "";
  return inventory.filter((o) => (namespaceOf(o) ?? "") === ns);
}
