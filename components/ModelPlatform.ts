/**
 * An environment's whole model platform from one PlatformSpec: the models' namespace, GPU sharing, the model
 * registry (and the server image built into it), monitoring, and per model an InferenceService with its
 * AutoscalingPolicy. Everything it does is through the other components, which teams can also use alone.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ModelSpec, PlatformSpec } from "../platform/spec/types.ts";
import { AutoscalingPolicy } from "./AutoscalingPolicy.ts";
import { ArgumentError } from "./errors.ts";
import { GpuSharing } from "./GpuSharing.ts";
import { InferenceService } from "./InferenceService.ts";
import { kedaOperator } from "./keda.ts";
import { standardLabels } from "./labels.ts";
import { ModelRegistry } from "./ModelRegistry.ts";
import { MonitoringStack } from "./MonitoringStack.ts";
import { restrictedNamespaceLabels } from "./security.ts";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ENVIRONMENT_LABEL = "modelplane.dev/environment";
export const INFERENCE_PRIORITY_CLASS = "modelplane-inference";

export interface ModelPlatformArgs {
  spec: PlatformSpec;
  /** Where services/inference's Docker build context is (the repository root). */
  serverBuildContext?: string;
  /** GatewayClass of the Gateway canary HTTPRoutes attach to. */
  gatewayClassName?: string;
  monitoringNamespace?: string;
  /** Install the KEDA operator when a model scales with KEDA (false when the cluster already runs it). */
  installKeda?: boolean;
}

export class ModelPlatform extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly registryAddress: pulumi.Output<string>;
  readonly serverImage: pulumi.Output<string>;
  /** Model name → in-cluster inference URL. */
  readonly endpoints: pulumi.Output<Record<string, string>>;
  readonly services: Record<string, InferenceService> = {};

  constructor(name: string, args: ModelPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("modelplane:index:ModelPlatform", name, {}, opts);
    const spec = args.spec;
    const child = { parent: this };
    const extra = { ...spec.labels, [ENVIRONMENT_LABEL]: spec.environment };
    const monitoringNamespace = args.monitoringNamespace ?? "monitoring";

    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: spec.namespace,
        labels: standardLabels({ name: "modelplane", instance: spec.namespace, component: "namespace", extra })
          .apply((l) => ({ ...l, ...restrictedNamespaceLabels() })),
      },
    }, child);
    const nsName = ns.metadata.name;
    const inNs = { parent: this, dependsOn: [ns] };

    let monitoring: MonitoringStack | undefined;
    if (spec.monitoring.enabled) {
      monitoring = new MonitoringStack(`${name}-monitoring`, {
        namespace: monitoringNamespace,
        chartVersion: spec.monitoring.chartVersion,
        retention: spec.monitoring.retention,
        storageSize: spec.monitoring.storageSize,
        storageClass: spec.monitoring.storageClass || undefined,
        // The GPU Operator runs its own DCGM exporter; a second one would double-count.
        dcgmExporter: spec.monitoring.gpuMetrics && !spec.gpu.operator,
        gpuDashboards: spec.monitoring.gpuMetrics,
        gpuTaintKey: spec.gpu.taint.key,
        gpuTaintValue: spec.gpu.taint.value || undefined,
        gpuTaintEffect: spec.gpu.taint.effect,
        gpuNodeLabel: spec.gpu.productLabel,
        alertReceivers: spec.monitoring.alertReceivers,
        labels: extra,
      }, child);
    }

    if (spec.gpu.operator) {
      new GpuSharing(`${name}-gpu`, {
        namespace: spec.gpu.operatorNamespace,
        mode: spec.gpu.sharing,
        timeSlicingReplicas: spec.gpu.timeSlicingReplicas,
        migStrategy: spec.gpu.migStrategy,
        chartVersion: spec.gpu.operatorVersion,
        taintKey: spec.gpu.taint.key,
        taintValue: spec.gpu.taint.value || undefined,
        taintEffect: spec.gpu.taint.effect,
        serviceMonitorLabels: monitoring?.ruleSelector,
        labels: extra,
      }, child);
    }

    const needsBuild = spec.models.some((m) => !m.serverImage) && !spec.server.image;
    if (needsBuild && spec.registry.mode === "in-cluster") {
      // Caught here rather than at `pulumi up`, where the push would fail after half the stack was applied.
      throw new ArgumentError(
        "server.image: required with an in-cluster registry: Pulumi builds the server image outside the cluster and " +
          "cannot push it to the registry's in-cluster address; give the digest-pinned image CI published",
      );
    }
    const registry = new ModelRegistry(`${name}-registry`, {
      namespace: nsName,
      mode: spec.registry.mode,
      server: spec.registry.server || undefined,
      username: spec.registry.username,
      password: pulumi.secret(spec.registry.password),
      storageSize: spec.registry.storageSize,
      storageClass: spec.registry.storageClass || undefined,
      serverImage: needsBuild
        ? {
            context: args.serverBuildContext ?? REPO_ROOT,
            dockerfile: path.join(args.serverBuildContext ?? REPO_ROOT, "services/inference/Dockerfile"),
            repository: "modelplane/inference",
            tag: spec.environment,
            // One image for every model: the CUDA variant as soon as one model asks for a GPU (it serves CPU models too).
            args: { EXECUTION_PROVIDER: spec.models.some((m) => m.resources.gpu > 0) ? "cuda" : "cpu" },
          }
        : undefined,
      labels: extra,
    }, inNs);
    // Without a built or given default image, every model names its own (the spec's semantic checks ensure it).
    const defaultImage = spec.server.image ? pulumi.output(spec.server.image) : (registry.serverImage ?? pulumi.output(""));

    // CRDs and operators the model resources need (ServiceMonitor/PrometheusRule, the metrics adapter, KEDA)
    // go first, so a fresh cluster converges in one `pulumi up`.
    const prerequisites: pulumi.Resource[] = [ns];
    if (monitoring) prerequisites.push(monitoring);
    if ((args.installKeda ?? true) && spec.models.some((m) => m.autoscaling.engine === "keda")) {
      prerequisites.push(...kedaOperator(name, standardLabels({ name: "keda", instance: "keda", component: "autoscaling", extra }), child));
    }
    const modelOpts = { parent: this, dependsOn: prerequisites };

    new k8s.scheduling.v1.PriorityClass(`${name}-priority`, {
      metadata: { name: INFERENCE_PRIORITY_CLASS, labels: standardLabels({ name: "modelplane", instance: spec.namespace, component: "scheduling", extra }) },
      value: 100_000,
      globalDefault: false,
      preemptionPolicy: "PreemptLowerPriority",
      description: "modelplane model servers: above batch work, below system components",
    }, child);

    const gateway = spec.models.some((m) => m.canary)
      ? new k8s.apiextensions.CustomResource(`${name}-gateway`, {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "Gateway",
          metadata: { name: "inference", namespace: nsName, labels: standardLabels({ name: "modelplane", instance: "inference", component: "gateway", extra }) },
          spec: {
            gatewayClassName: args.gatewayClassName ?? "istio",
            listeners: [{ name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } }],
          },
        }, inNs)
      : undefined;

    const endpoints: Record<string, pulumi.Output<string>> = {};
    for (const model of spec.models) {
      const svc = this.model(name, model, spec, {
        nsName,
        image: model.serverImage ? pulumi.output(model.serverImage) : defaultImage,
        pullSecret: registry.pullSecretName,
        insecureRegistries: registry.plainHttpAddress ? [registry.plainHttpAddress] : undefined,
        monitoring,
        gatewayName: gateway?.metadata.name,
        extra,
        opts: modelOpts,
      });
      this.services[model.name] = svc;
      endpoints[model.name] = svc.endpoint;
    }

    this.namespace = nsName;
    this.registryAddress = registry.address;
    this.serverImage = defaultImage;
    this.endpoints = pulumi.output(endpoints);
    this.registerOutputs({ namespace: this.namespace, registryAddress: this.registryAddress, endpoints: this.endpoints });
  }

  private model(
    name: string,
    model: ModelSpec,
    spec: PlatformSpec,
    ctx: {
      nsName: pulumi.Output<string>;
      image: pulumi.Output<string>;
      pullSecret: pulumi.Output<string>;
      insecureRegistries?: pulumi.Output<string>[];
      monitoring?: MonitoringStack;
      gatewayName?: pulumi.Output<string>;
      extra: Record<string, string>;
      opts: pulumi.ComponentResourceOptions;
    },
  ): InferenceService {
    const a = model.autoscaling;
    const svc = new InferenceService(`${name}-${model.name}`, {
      namespace: ctx.nsName,
      modelName: model.name,
      artifact: model.artifact,
      version: model.version || undefined,
      image: ctx.image,
      resources: {
        cpu: model.resources.cpu,
        memory: model.resources.memory,
        gpu: model.resources.gpu,
        gpuProduct: model.resources.gpuProduct || undefined,
        migProfile: model.resources.migProfile || undefined,
        shmSize: model.resources.shmSize,
      },
      gpuNode: {
        productLabel: spec.gpu.productLabel,
        taintKey: spec.gpu.taint.key,
        taintValue: spec.gpu.taint.value || undefined,
        taintEffect: spec.gpu.taint.effect,
        migStrategy: spec.gpu.sharing === "mig" ? spec.gpu.migStrategy : undefined,
      },
      batching: model.batching,
      slo: { availability: model.slo.availability, latencyThresholdMs: model.slo.latency.thresholdMs, latencyTarget: model.slo.latency.target },
      canary: model.canary && ctx.gatewayName
        ? { artifact: model.canary.artifact, weight: model.canary.weight, gatewayName: ctx.gatewayName, gatewayNamespace: ctx.nsName }
        : undefined,
      startupSeconds: model.startupSeconds,
      imagePullSecrets: [ctx.pullSecret],
      // The same credentials pull the model artifacts (the server, not the kubelet, fetches those).
      registryCredentialsSecret: ctx.pullSecret,
      insecureRegistries: ctx.insecureRegistries,
      priorityClassName: INFERENCE_PRIORITY_CLASS,
      labels: ctx.extra,
      monitoring: ctx.monitoring !== undefined,
      monitoringSelector: ctx.monitoring?.ruleSelector,
      scrapeInterval: spec.monitoring.scrapeInterval,
      allowedNamespaces: ctx.monitoring ? [ctx.monitoring.namespace] : [],
    }, ctx.opts);
    new AutoscalingPolicy(`${name}-${model.name}-autoscaling`, {
      namespace: ctx.nsName,
      modelName: model.name,
      targetName: svc.deploymentName,
      engine: a.engine,
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      targetPendingRequests: a.targetPendingRequests,
      scaleToZero: a.scaleToZero,
      cooldownSeconds: a.cooldownSeconds,
      prometheusAddress: ctx.monitoring?.prometheusUrl,
      labels: ctx.extra,
    }, ctx.opts);
    return svc;
  }
}
