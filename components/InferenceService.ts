/**
 * A GPU-scheduled model server for one model: Deployment, Service, PodDisruptionBudget, NetworkPolicy,
 * ServiceMonitor, PrometheusRule (SLO burn-rate alerts) and, with a canary, a second Deployment and Service
 * with a Gateway API HTTPRoute splitting traffic by weight. Autoscaling is a separate component
 * (AutoscalingPolicy) so teams can swap the engine without touching the server.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { networkPolicy, podDisruptionBudget } from "./disruption.ts";
import { COMPONENT_INFERENCE, selectorLabels, standardLabels } from "./labels.ts";
import { modelServerPodTemplate } from "./model-server-pod.ts";
import { assertDnsLabel, k8sName } from "./naming.ts";
import { METRICS_PATH, SERVER_PORT, SERVER_PORT_NAME, TRACK_LABEL, durationBuckets } from "./server-contract.ts";
import { sloRuleGroups } from "./slo-rules.ts";
import { ArgumentError } from "./errors.ts";

export const INFERENCE_SERVER_NAME = "modelplane-inference";

export interface InferenceServiceResourcesArgs {
  cpu?: pulumi.Input<string>;
  memory?: pulumi.Input<string>;
  /** Whole GPUs (or MIG slices) per replica; 0 = CPU only. Plain: it decides tolerations and node selection. */
  gpu?: number;
  gpuProduct?: string;
  migProfile?: string;
  shmSize?: pulumi.Input<string>;
  cacheSize?: pulumi.Input<string>;
  ephemeralStorage?: pulumi.Input<string>;
}

export interface GpuNodeArgs {
  productLabel?: string;
  taintKey?: string;
  taintValue?: string;
  taintEffect?: string;
  migStrategy?: string;
}

export interface BatchingArgs {
  maxBatchSize?: number;
  maxQueueDelayMs?: number;
  maxQueueSize?: number;
  timeoutMs?: number;
}

export interface SloArgs {
  /** Percent of requests that succeed, e.g. 99.9. */
  availability: number;
  latencyThresholdMs: number;
  /** Percent of requests within the threshold. */
  latencyTarget: number;
}

export interface CanaryArgs {
  artifact: pulumi.Input<string>;
  /** Percent of traffic (0-100) the canary receives. */
  weight: number;
  /** The Gateway the HTTPRoute attaches to. */
  gatewayName: pulumi.Input<string>;
  gatewayNamespace: pulumi.Input<string>;
}

export interface InferenceServiceArgs {
  namespace: pulumi.Input<string>;
  /** Model name: names the Kubernetes objects and the served model. Plain: Pulumi needs names up front. */
  modelName: string;
  /** OCI reference of the model artifact (pinned by digest outside dev). */
  artifact: pulumi.Input<string>;
  version?: pulumi.Input<string>;
  /** Model server image, ideally `repo@sha256:...`. */
  image: pulumi.Input<string>;
  /** Fixed replica count; leave unset when an AutoscalingPolicy scales the Deployment. */
  replicas?: number;
  resources?: InferenceServiceResourcesArgs;
  gpuNode?: GpuNodeArgs;
  batching?: BatchingArgs;
  /** Without an SLO no PrometheusRule is emitted. */
  slo?: SloArgs;
  canary?: CanaryArgs;
  /** Seconds the server may take to pull, load and warm its model before the startup probe gives up. */
  startupSeconds?: number;
  drainSeconds?: number;
  imagePullSecrets?: pulumi.Input<string>[];
  /** `kubernetes.io/dockerconfigjson` Secret the server pulls model artifacts with (the registry's pull Secret). */
  registryCredentialsSecret?: pulumi.Input<string>;
  /** Registries (host[:port], as artifact references name them) served over plain HTTP, e.g. an in-cluster one. */
  insecureRegistries?: pulumi.Input<string>[];
  priorityClassName?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Emit ServiceMonitor and PrometheusRule (needs the prometheus-operator CRDs). Default true. */
  monitoring?: boolean;
  /** How often Prometheus scrapes the server. Default 15s. */
  scrapeInterval?: pulumi.Input<string>;
  /** Labels the Prometheus instance selects ServiceMonitors/PrometheusRules by (kube-prometheus-stack: `release`). */
  monitoringSelector?: pulumi.Input<Record<string, string>>;
  /** Namespaces (by name) allowed to reach the server besides its own: gateway, monitoring. */
  allowedNamespaces?: pulumi.Input<string>[];
}

export class InferenceService extends pulumi.ComponentResource {
  readonly deploymentName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  /** In-cluster base URL of the Open Inference Protocol API. */
  readonly endpoint: pulumi.Output<string>;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  readonly canaryDeployment?: k8s.apps.v1.Deployment;

  constructor(name: string, args: InferenceServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Invalid arguments fail before anything is registered, so a failed construction leaves nothing behind.
    validateArgs(args);
    super("modelplane:index:InferenceService", name, {}, opts);
    const r = args.resources ?? {};
    const gpuCount = r.gpu ?? 0;

    const child = { parent: this };
    const ns = args.namespace;
    const objectName = k8sName(args.modelName);
    const instance = args.modelName;
    const selector = selectorLabels({ name: INFERENCE_SERVER_NAME, instance });
    const labels = standardLabels({ name: INFERENCE_SERVER_NAME, instance, component: COMPONENT_INFERENCE, version: args.version, extra: args.labels });
    const drainSeconds = args.drainSeconds ?? 30;
    const startupSeconds = args.startupSeconds ?? 300;
    const b = args.batching ?? {};
    const buckets = durationBuckets(args.slo ? [args.slo.latencyThresholdMs / 1000] : []);
    const serverFlags = (artifact: pulumi.Input<string>) =>
      pulumi.output(artifact).apply((a) => ({
        model: args.modelName,
        artifact: a,
        port: SERVER_PORT,
        maxBatchSize: b.maxBatchSize ?? 8,
        maxQueueDelayMs: b.maxQueueDelayMs ?? 2,
        maxQueueSize: b.maxQueueSize ?? 256,
        timeoutMs: b.timeoutMs ?? 30_000,
        durationBuckets: buckets,
        drainSeconds,
        executionProvider: gpuCount > 0 ? ("cuda" as const) : ("cpu" as const),
      }));
    const podFor = (track: string, artifact: pulumi.Input<string>) =>
      modelServerPodTemplate({
        labels: pulumi.all([labels]).apply(([l]) => ({ ...l, [TRACK_LABEL]: track })),
        image: args.image,
        server: serverFlags(artifact),
        cpu: r.cpu ?? "1",
        memory: r.memory ?? "2Gi",
        shmSize: r.shmSize ?? "1Gi",
        cacheSize: r.cacheSize ?? "10Gi",
        ephemeralStorage: r.ephemeralStorage ?? "12Gi",
        gpu: {
          count: gpuCount,
          product: r.gpuProduct,
          migProfile: r.migProfile,
          migStrategy: args.gpuNode?.migStrategy,
          productLabel: args.gpuNode?.productLabel,
          taintKey: args.gpuNode?.taintKey,
          taintValue: args.gpuNode?.taintValue,
          taintEffect: args.gpuNode?.taintEffect,
        },
        startupSeconds,
        drainSeconds,
        imagePullSecrets: args.imagePullSecrets ?? [],
        priorityClassName: args.priorityClassName,
        spreadSelector: selector,
        registryCredentialsSecret: args.registryCredentialsSecret,
        insecureRegistries: args.insecureRegistries,
      });
    const trackSelector = (track: string) => selector.apply((s) => ({ ...s, [TRACK_LABEL]: track }));

    this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: objectName, namespace: ns, labels },
      spec: {
        // Left unset when an autoscaler owns the count: a fixed value would fight it on every update.
        ...(args.replicas === undefined ? {} : { replicas: args.replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: trackSelector("stable") },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: podFor("stable", args.artifact),
      },
    }, child);

    const service = (svcName: string, logical: string, track?: string) =>
      new k8s.core.v1.Service(logical, {
        metadata: { name: svcName, namespace: ns, labels },
        spec: {
          type: "ClusterIP",
          selector: track ? trackSelector(track) : selector,
          ports: [{ name: SERVER_PORT_NAME, port: 80, targetPort: SERVER_PORT_NAME, protocol: "TCP" }],
        },
      }, child);
    // Without a canary the Service selects every replica; with one, stable and canary each get their own
    // Service and the HTTPRoute does the weighting, so the split is exact rather than proportional to pods.
    this.service = service(objectName, `${name}-service`, args.canary ? "stable" : undefined);

    const guard = { objectName, namespace: ns, labels, selector };
    podDisruptionBudget(`${name}-pdb`, guard, child);
    networkPolicy(`${name}-netpol`, {
      ...guard,
      ingress: [{
        from: pulumi.output(args.allowedNamespaces ?? []).apply((names) => [
          { podSelector: {} },
          ...names.map((n) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": n } } })),
        ]),
        ports: [{ port: SERVER_PORT, protocol: "TCP" }],
      }],
      // DNS, then the registries the model artifacts come from: HTTPS, the distribution registry's plain port,
      // and whatever port an artifact reference names (`oci://registry.example.com:8443/...`).
      egress: pulumi.all([args.artifact, ...(args.canary ? [args.canary.artifact] : [])]).apply((refs) => [
        { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
        { ports: registryPorts(refs).map((port) => ({ port, protocol: "TCP" })) },
      ]),
    }, child);

    let canary: k8s.apps.v1.Deployment | undefined;
    if (args.canary) {
      const canaryName = k8sName(args.modelName, "canary");
      canary = new k8s.apps.v1.Deployment(`${name}-canary`, {
        metadata: { name: canaryName, namespace: ns, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: trackSelector("canary") },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: podFor("canary", args.canary.artifact),
        },
      }, child);
      const canaryService = service(canaryName, `${name}-canary-service`, "canary");
      const weight = args.canary.weight;
      new k8s.apiextensions.CustomResource(`${name}-route`, {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: objectName, namespace: ns, labels },
        spec: {
          parentRefs: [{ name: args.canary.gatewayName, namespace: args.canary.gatewayNamespace }],
          rules: [{
            matches: [{ path: { type: "PathPrefix", value: `/v2/models/${args.modelName}` } }],
            backendRefs: [
              { name: this.service.metadata.name, port: 80, weight: 100 - weight },
              { name: canaryService.metadata.name, port: 80, weight },
            ],
          }],
        },
      }, child);
    }
    this.canaryDeployment = canary;

    if (args.monitoring ?? true) {
      const monLabels = pulumi.all([labels, pulumi.output(args.monitoringSelector ?? {})]).apply(([l, m]) => ({ ...l, ...m }));
      new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: objectName, namespace: ns, labels: monLabels },
        spec: {
          selector: { matchLabels: selector },
          namespaceSelector: { matchNames: [ns] },
          // No scrapeTimeout: Prometheus defaults it to the smaller of its global timeout and the interval,
          // where a fixed value would be rejected by any interval shorter than it.
          endpoints: [{ port: SERVER_PORT_NAME, path: METRICS_PATH, interval: args.scrapeInterval ?? "15s" }],
          // Series carry the track, so the autoscaler can leave the canary's queue out of the stable count.
          podTargetLabels: [TRACK_LABEL],
        },
      }, child);
      if (args.slo) {
        const slo = args.slo;
        new k8s.apiextensions.CustomResource(`${name}-slo-rules`, {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PrometheusRule",
          metadata: { name: k8sName(args.modelName, "slo"), namespace: ns, labels: monLabels },
          spec: {
            groups: pulumi.output(ns).apply((namespace) =>
              sloRuleGroups({
                namespace,
                model: args.modelName,
                availability: slo.availability,
                latencyThresholdSeconds: slo.latencyThresholdMs / 1000,
                latencyTarget: slo.latencyTarget,
              })),
          },
        }, child);
      }
    }

    this.deploymentName = this.deployment.metadata.name;
    this.serviceName = this.service.metadata.name;
    this.endpoint = pulumi.interpolate`http://${this.service.metadata.name}.${ns}.svc.cluster.local`;
    this.registerOutputs({ deploymentName: this.deploymentName, serviceName: this.serviceName, endpoint: this.endpoint });
  }
}

/** Ports the server pulls artifacts on: 443 and 5000 always, plus any port an `oci://host:port/` reference names. */
export function registryPorts(artifacts: string[]): number[] {
  const ports = new Set([443, 5000]);
  for (const ref of artifacts) {
    const port = /^oci:\/\/[^/@]+:(\d+)\//.exec(ref)?.[1];
    if (port) ports.add(Number(port));
  }
  return [...ports];
}

function validateArgs(args: InferenceServiceArgs): void {
  assertDnsLabel("modelName", args.modelName);
  // It also names the Service, whose name must be an RFC 1035 label: a leading digit is rejected at apply.
  if (!/^[a-z]/.test(args.modelName)) throw new ArgumentError(`modelName: '${args.modelName}' must start with a letter (it names a Service)`);
  const r = args.resources ?? {};
  const gpu = r.gpu ?? 0;
  if (!Number.isInteger(gpu) || gpu < 0) throw new ArgumentError(`resources.gpu: must be a whole number of GPUs >= 0, got ${gpu}`);
  if (r.migProfile && gpu === 0) throw new ArgumentError("resources.migProfile: needs resources.gpu >= 1");
  if (args.canary && !(args.canary.weight >= 0 && args.canary.weight <= 100)) {
    throw new ArgumentError(`canary.weight: must be between 0 and 100, got ${args.canary.weight}`);
  }
  const replicas = args.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) throw new ArgumentError(`replicas: must be a whole number >= 0, got ${replicas}`);
}
