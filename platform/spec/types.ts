/**
 * The typed platform spec: what `modelplane:platform` holds once the loader has validated it against
 * platform.schema.json and applied the per-environment defaults. Every field is resolved (no optionals
 * except where absence means something). The JSON Schema is the contract; these types mirror it.
 */

export type Environment = "dev" | "staging" | "prod";

/** Policy rule groups; enforcement is set per group, per environment. */
export type RuleGroup = "security" | "gpu" | "reliability" | "supply-chain" | "observability" | "cost";
export type Enforcement = "mandatory" | "advisory" | "disabled";

export interface PlatformSpec {
  environment: Environment;
  /** Kubernetes namespace every model and the registry live in. */
  namespace: string;
  /** Extra labels put on every resource (team, cost centre...). */
  labels: Record<string, string>;
  gpu: GpuSpec;
  registry: RegistrySpec;
  monitoring: MonitoringSpec;
  server: ServerSpec;
  models: ModelSpec[];
  policy: PolicySpec;
}

export interface GpuSpec {
  /** Install the NVIDIA GPU Operator (with the sharing configuration below). */
  operator: boolean;
  /** Pinned GPU Operator Helm chart version. */
  operatorVersion: string;
  operatorNamespace: string;
  /** none: whole GPUs; time-slicing: `timeSlicingReplicas` pods share one GPU; mig: partitions. */
  sharing: "none" | "time-slicing" | "mig";
  timeSlicingReplicas: number;
  migStrategy: "single" | "mixed";
  /** Node label holding the GPU product name (GPU Feature Discovery's). */
  productLabel: string;
  /** The taint GPU nodes carry; GPU pods tolerate it. */
  taint: { key: string; value: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" };
  /** Most GPUs the environment may ask for: sum over models of maxReplicas × gpu (0 = no limit). */
  budget: number;
}

export interface RegistrySpec {
  /** in-cluster: a distribution registry deployed here; external: one the team already runs. */
  mode: "in-cluster" | "external";
  /** Host[:port] of the registry (external), or the in-cluster Service's address once deployed. */
  server: string;
  /** Credentials (external pull Secret, or in-cluster htpasswd user). Password is a Pulumi secret. */
  username: string;
  password: string;
  storageSize: string;
  storageClass: string;
  /** Registries images and model artifacts may come from (policy: allowed-registries). */
  allowed: string[];
}

export interface AlertReceiver {
  name: string;
  type: "slack" | "pagerduty" | "webhook" | "email";
  /** URL (slack, webhook), routing key (pagerduty) or address (email). Secret where it is a credential. */
  target: string;
  /** Minimum severity routed to this receiver. */
  severity: "critical" | "warning" | "info";
}

export interface MonitoringSpec {
  enabled: boolean;
  /** Pinned kube-prometheus-stack chart version. */
  chartVersion: string;
  retention: string;
  storageSize: string;
  storageClass: string;
  /** DCGM exporter for GPU metrics. */
  gpuMetrics: boolean;
  alertReceivers: AlertReceiver[];
  /** Seconds between scrapes of the model servers. */
  scrapeInterval: string;
}

export interface ServerSpec {
  /** Image of services/inference. Empty: built from services/inference with @pulumi/docker and pushed to the registry. */
  image: string;
  port: number;
}

export interface BatchingSpec {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
  timeoutMs: number;
}

export interface AutoscalingSpec {
  engine: "keda" | "hpa";
  minReplicas: number;
  maxReplicas: number;
  /** Pending (queued + in-flight) requests per pod the autoscaler aims for. */
  targetPendingRequests: number;
  /** KEDA only: scale to zero replicas when idle (minReplicas must then be 0). */
  scaleToZero: boolean;
  cooldownSeconds: number;
}

export interface SloSpec {
  /** Availability target in percent, e.g. 99.9. */
  availability: number;
  /** `target` percent of requests finish within `thresholdMs`. */
  latency: { thresholdMs: number; target: number };
}

export interface ResourcesSpec {
  cpu: string;
  memory: string;
  /** Whole GPUs per replica (0 = CPU only). With MIG, the count of `migProfile` slices. */
  gpu: number;
  /** GPU product (value of gpu.productLabel), e.g. NVIDIA-H100-80GB-HBM3. Required in prod when gpu > 0. */
  gpuProduct: string;
  /** MIG profile, e.g. 1g.10gb; only with gpu.sharing = mig. */
  migProfile: string;
  /** Size limit of the memory-backed /dev/shm. */
  shmSize: string;
}

export interface CanarySpec {
  artifact: string;
  /** Percent of traffic sent to the canary, 0-100. */
  weight: number;
}

export interface ModelSpec {
  name: string;
  /** OCI reference of the model artifact; pinned by digest (`@sha256:`) outside dev. */
  artifact: string;
  version: string;
  /** Overrides server.image for this model. */
  serverImage: string;
  resources: ResourcesSpec;
  batching: BatchingSpec;
  autoscaling: AutoscalingSpec;
  slo: SloSpec;
  /** Absent: no canary. */
  canary?: CanarySpec;
  /** Seconds the model may take to pull, load and warm (startup probe budget). */
  startupSeconds: number;
}

export interface Exemption {
  rule: string;
  /** Selector `Kind/name`, `Kind/namespace/name` or `model:NAME`; `*` matches any run of characters. */
  target: string;
  reason: string;
  owner: string;
  /** YYYY-MM-DD; on or after this day the exemption is itself a violation. */
  expires: string;
}

export interface PolicySpec {
  enforcement: Record<RuleGroup, Enforcement>;
  /** Per-rule overrides of the group level, by rule id. */
  rules: Record<string, Enforcement>;
  exemptions: Exemption[];
}
