import type { ModelInput, PlatformInput } from "./input.ts";
import type {
  AutoscalingSpec,
  BatchingSpec,
  Enforcement,
  Environment,
  GpuSpec,
  ModelSpec,
  MonitoringSpec,
  PlatformSpec,
  PolicySpec,
  RegistrySpec,
  ResourcesSpec,
  RuleGroup,
  ServerSpec,
  SloSpec,
} from "./types.ts";

/**
 * Per-environment defaults. dev is cheap and forgiving (advisory policy, small CPU replicas, scale to zero,
 * time-sliced GPUs); staging looks like prod at a smaller size; prod is strict (mandatory security and
 * supply-chain, at least two replicas, whole GPUs).
 */

/** Pinned chart versions; bump them here, never float them. */
export const GPU_OPERATOR_CHART_VERSION = "v25.3.0";
export const KUBE_PROMETHEUS_STACK_CHART_VERSION = "75.15.0";

export const RULE_GROUPS: readonly RuleGroup[] = ["security", "gpu", "reliability", "supply-chain", "observability", "cost"];

interface ModelDefaults {
  resources: ResourcesSpec;
  batching: BatchingSpec;
  /** scaleToZero is derived (see autoscalingFor); minReplicas here applies when it is off. */
  autoscaling: Omit<AutoscalingSpec, "scaleToZero">;
  slo: SloSpec;
  startupSeconds: number;
}

export interface EnvironmentDefaults {
  namespace: string;
  gpu: GpuSpec;
  registry: RegistrySpec;
  monitoring: MonitoringSpec;
  server: ServerSpec;
  model: ModelDefaults;
  /** dev only: KEDA models scale to zero unless minReplicas says otherwise. */
  scaleToZero: boolean;
  policy: PolicySpec;
}

function enforcement(mandatory: RuleGroup[]): Record<RuleGroup, Enforcement> {
  const out = {} as Record<RuleGroup, Enforcement>;
  for (const group of RULE_GROUPS) out[group] = mandatory.includes(group) ? "mandatory" : "advisory";
  return out;
}

/** A fresh object each call: callers may mutate what they get. */
export function environmentDefaults(env: Environment): EnvironmentDefaults {
  const prod = env === "prod";
  const dev = env === "dev";
  const size = <T>(d: T, s: T, p: T): T => (dev ? d : prod ? p : s);
  return {
    namespace: `modelplane-${env}`,
    gpu: {
      operator: true,
      operatorVersion: GPU_OPERATOR_CHART_VERSION,
      operatorNamespace: "gpu-operator",
      sharing: dev ? "time-slicing" : "none",
      timeSlicingReplicas: 4,
      migStrategy: "single",
      productLabel: "nvidia.com/gpu.product",
      taint: { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" },
      budget: 0,
    },
    registry: {
      mode: "in-cluster",
      server: "",
      username: "modelplane",
      password: "",
      storageSize: size("10Gi", "50Gi", "200Gi"),
      storageClass: "",
      allowed: [],
    },
    monitoring: {
      enabled: true,
      chartVersion: KUBE_PROMETHEUS_STACK_CHART_VERSION,
      retention: size("3d", "7d", "15d"),
      storageSize: size("10Gi", "50Gi", "100Gi"),
      storageClass: "",
      gpuMetrics: !dev,
      alertReceivers: [],
      scrapeInterval: dev ? "30s" : "15s",
    },
    server: { image: "", port: 8080 },
    model: {
      resources: {
        cpu: size("500m", "2", "4"),
        memory: size("1Gi", "8Gi", "16Gi"),
        gpu: dev ? 0 : 1,
        gpuProduct: "",
        migProfile: "",
        shmSize: size("256Mi", "1Gi", "2Gi"),
      },
      batching: { maxBatchSize: size(4, 16, 32), maxQueueDelayMs: 5, maxQueueSize: size(64, 256, 1024), timeoutMs: 10000 },
      autoscaling: {
        engine: "keda",
        minReplicas: size(1, 1, 2),
        maxReplicas: size(2, 4, 8),
        targetPendingRequests: size(4, 8, 8),
        cooldownSeconds: size(300, 300, 600),
      },
      slo: size(
        { availability: 99, latency: { thresholdMs: 1000, target: 95 } },
        { availability: 99.5, latency: { thresholdMs: 500, target: 99 } },
        { availability: 99.9, latency: { thresholdMs: 250, target: 99 } },
      ),
      startupSeconds: 300,
    },
    scaleToZero: dev,
    policy: {
      enforcement: size(
        enforcement([]),
        enforcement(["security"]),
        enforcement(["security", "supply-chain", "gpu", "reliability"]),
      ),
      rules: {},
      exemptions: [],
    },
  };
}

/** Groups prod never runs below mandatory: exceptions go through exemptions, with an owner and an expiry. */
export const PROD_MANDATORY_GROUPS: readonly RuleGroup[] = ["security", "supply-chain"];

/** The resolved spec. `input` has passed the schema (fields that did not are removed before this runs). */
export function applyDefaults(input: PlatformInput, env: Environment): PlatformSpec {
  const d = environmentDefaults(env);
  const gpu: GpuSpec = { ...d.gpu, ...defined(input.gpu), taint: { ...d.gpu.taint, ...defined(input.gpu?.taint) } };
  return {
    environment: env,
    namespace: input.namespace ?? d.namespace,
    labels: { ...(input.labels as Record<string, string> | undefined) },
    gpu,
    registry: { ...d.registry, ...defined(input.registry), allowed: (input.registry?.allowed ?? []).filter((h): h is string => typeof h === "string") },
    monitoring: {
      ...d.monitoring,
      ...defined(input.monitoring),
      alertReceivers: (input.monitoring?.alertReceivers ?? []).map((r = {}) => ({
        name: r.name ?? "",
        type: r.type ?? "webhook",
        target: r.target ?? "",
        severity: r.severity ?? "warning",
      })),
    },
    server: { ...d.server, ...defined(input.server) },
    models: (input.models ?? []).map((m = {}) => modelFor(m, d)),
    policy: {
      enforcement: { ...d.policy.enforcement, ...defined(input.policy?.enforcement) },
      rules: { ...(input.policy?.rules as Record<string, Enforcement> | undefined) },
      exemptions: (input.policy?.exemptions ?? []).map((e = {}) => ({
        rule: e.rule ?? "",
        target: e.target ?? "",
        reason: e.reason ?? "",
        owner: e.owner ?? "",
        expires: e.expires ?? "",
      })),
    },
  };
}

function modelFor(m: ModelInput, d: EnvironmentDefaults): ModelSpec {
  const artifact = m.artifact ?? "";
  const r = m.resources;
  const model: ModelSpec = {
    name: m.name ?? "",
    artifact,
    version: m.version ?? versionOf(artifact),
    serverImage: m.serverImage ?? "",
    resources: { ...d.model.resources, ...defined(r), cpu: r?.cpu === undefined ? d.model.resources.cpu : String(r.cpu) },
    batching: { ...d.model.batching, ...defined(m.batching) },
    autoscaling: autoscalingFor(m.autoscaling ?? {}, d),
    slo: {
      availability: m.slo?.availability ?? d.model.slo.availability,
      latency: { ...d.model.slo.latency, ...defined(m.slo?.latency) },
    },
    startupSeconds: m.startupSeconds ?? d.model.startupSeconds,
  };
  if (m.canary) model.canary = { artifact: m.canary.artifact ?? "", weight: m.canary.weight ?? 0 };
  return model;
}

/**
 * scaleToZero and minReplicas default from each other, so that writing either one alone is consistent:
 * dev KEDA models scale to zero unless minReplicas > 0 is given; `scaleToZero: true` alone means minReplicas 0.
 */
function autoscalingFor(a: NonNullable<ModelInput["autoscaling"]>, d: EnvironmentDefaults): AutoscalingSpec {
  const engine = a.engine ?? d.model.autoscaling.engine;
  const scaleToZero = a.scaleToZero ?? (d.scaleToZero && engine === "keda" && (a.minReplicas ?? 0) === 0);
  const minReplicas = a.minReplicas ?? (scaleToZero ? 0 : d.model.autoscaling.minReplicas);
  return {
    engine,
    minReplicas,
    // Only grow the default ceiling to an explicit floor; an explicit ceiling is checked, not adjusted.
    maxReplicas: a.maxReplicas ?? Math.max(d.model.autoscaling.maxReplicas, minReplicas, 1),
    targetPendingRequests: a.targetPendingRequests ?? d.model.autoscaling.targetPendingRequests,
    scaleToZero,
    cooldownSeconds: a.cooldownSeconds ?? d.model.autoscaling.cooldownSeconds,
  };
}

/** Version label from the artifact: its tag, else the start of its digest. */
export function versionOf(artifact: string): string {
  const at = artifact.indexOf("@sha256:");
  const name = at < 0 ? artifact : artifact.slice(0, at);
  const tag = /:([A-Za-z0-9_][A-Za-z0-9_.-]{0,62})$/.exec(name.slice(name.lastIndexOf("/") + 1));
  if (tag?.[1]) return tag[1];
  if (at >= 0) return artifact.slice(at + 8, at + 20);
  return "latest";
}

/** Drops undefined members so spreading input over defaults never erases a default. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!value) return out;
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
