/**
 * What the AI-platform rules share: recognising GPU resources and GPU pods, the model a workload serves, and
 * the model artifact references a model server is started with.
 */
import { containersOf, get, objectsIn, parseQuantity, podMetaOf, type Container, type PodSpec } from "../../kube.ts";
import type { KubeObject } from "../../rule.ts";

/** Extended resources that are GPUs (or MIG slices of one). */
export function isGpuResource(name: string): boolean {
  return name === "nvidia.com/gpu" || name.startsWith("nvidia.com/mig-") || name === "amd.com/gpu";
}

export function gpuResourceNames(c: Container): string[] {
  const names = new Set<string>();
  for (const k of Object.keys(c.resources?.limits ?? {})) if (isGpuResource(k)) names.add(k);
  for (const k of Object.keys(c.resources?.requests ?? {})) if (isGpuResource(k)) names.add(k);
  return [...names];
}

/** A container holding a GPU: some GPU resource asked for with a count other than 0 (`nvidia.com/gpu: 0` is none). */
export function isGpuContainer(c: Container): boolean {
  return gpuResourceNames(c).some((name) => {
    const v = c.resources?.limits?.[name] ?? c.resources?.requests?.[name];
    return parseQuantity(v) !== 0;
  });
}

export function isGpuPod(pod: PodSpec): boolean {
  return containersOf(pod).some(({ container }) => isGpuContainer(container));
}

/** GPUs one container holds (limits, else requests; a malformed quantity counts as 0). */
export function containerGpus(c: Container): number {
  let n = 0;
  for (const name of gpuResourceNames(c)) n += parseQuantity(c.resources?.limits?.[name] ?? c.resources?.requests?.[name]) ?? 0;
  return n;
}

/**
 * GPUs one pod holds: the app containers together, or the largest init container if that is more
 * (init containers run one at a time, before the app containers, the way the scheduler sums them).
 */
export function podGpus(pod: PodSpec): number {
  const app = objectsIn<Container>(pod.containers).reduce((n, c) => n + containerGpus(c), 0);
  const init = Math.max(0, ...objectsIn<Container>(pod.initContainers).map(containerGpus));
  return Math.max(app, init);
}

export const COMPONENT_LABEL = "app.kubernetes.io/component";
export const INFERENCE_COMPONENT = "inference";
/** The label naming the model (InferenceService puts the model name in the instance label). */
export const MODEL_LABEL = "app.kubernetes.io/instance";
/** Annotation InferenceService sets on the pod template: seconds the model may take to pull, load and warm. */
export const STARTUP_BUDGET_ANNOTATION = "modelplane.dev/startup-budget-seconds";

export function isInferenceObject(obj: KubeObject): boolean {
  return obj.metadata?.labels?.[COMPONENT_LABEL] === INFERENCE_COMPONENT;
}

/** The model a workload serves: its model label, else the models named in its server's `--model` flags. */
export function modelNamesOf(obj: KubeObject, pod: PodSpec | undefined): string[] {
  const label = obj.metadata?.labels?.[MODEL_LABEL] ?? podMetaOf(obj)?.labels?.[MODEL_LABEL];
  if (label) return [label];
  if (!pod) return [];
  return [...new Set(modelRefsOf(pod).flatMap((r) => (r.model ? [r.model] : [])))];
}

export interface ModelRef {
  container: string;
  /** Model name when the flag names one (`--model NAME=REF`). */
  model: string | undefined;
  /** The artifact reference without an `oci://` scheme. */
  reference: string;
  /** Where it was found, for messages. */
  where: string;
}

const MODEL_FLAG = /^--model(?:=(.*))?$/;
const MODEL_ENV = /^MODELPLANE_MODEL_/;

function splitModelArg(value: string): { model: string | undefined; reference: string } {
  const v = value.trim();
  // NAME=REF, where REF itself may hold '=' only after '@' or ':'; NAME never holds '/', ':' or '@'.
  const eq = v.indexOf("=");
  if (eq > 0 && !/[/:@]/.test(v.slice(0, eq))) return { model: v.slice(0, eq), reference: v.slice(eq + 1) };
  return { model: undefined, reference: v };
}

export function stripScheme(ref: string): string {
  return ref.replace(/^oci:\/\//, "");
}

/**
 * Model artifacts a pod's containers are started with: `--model=NAME=REF` / `--model NAME=REF` in command or
 * args (the modelplane server's flag), and `MODELPLANE_MODEL_*` environment variables holding a reference.
 */
export function modelRefsOf(pod: PodSpec): ModelRef[] {
  const out: ModelRef[] = [];
  for (const { container } of containersOf(pod)) {
    const name = container.name ?? "<unnamed>";
    const argv = [...asStrings(container.command), ...asStrings(container.args)];
    argv.forEach((arg, i) => {
      const m = MODEL_FLAG.exec(arg);
      if (!m) return;
      const value = m[1] ?? argv[i + 1];
      if (value === undefined || value.startsWith("--")) return;
      const { model, reference } = splitModelArg(value);
      out.push({ container: name, model, reference: stripScheme(reference), where: `--model ${value}` });
    });
    for (const e of objectsIn<NonNullable<Container["env"]>[number]>(container.env)) {
      if (!e.name || !MODEL_ENV.test(e.name) || typeof e.value !== "string" || !e.value) continue;
      const { model, reference } = splitModelArg(e.value);
      out.push({ container: name, model, reference: stripScheme(reference), where: `env ${e.name}` });
    }
  }
  return out;
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** A local path rather than a registry reference. */
export function isLocalPath(ref: string): boolean {
  return ref.startsWith("/") || ref.startsWith("./") || ref.startsWith("../") || ref.startsWith("file:");
}

export function annotationOf(obj: KubeObject, key: string): string | undefined {
  const own = obj.metadata?.annotations?.[key];
  if (typeof own === "string") return own;
  const tpl = get(podMetaOf(obj), ["annotations", key]);
  return typeof tpl === "string" ? tpl : undefined;
}

export function containerLabel(c: Container): string {
  return `container "${c.name ?? "<unnamed>"}"`;
}
