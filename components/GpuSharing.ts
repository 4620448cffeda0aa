/**
 * GPUs for the cluster: the NVIDIA GPU Operator (driver, device plugin, GPU Feature Discovery, DCGM exporter)
 * configured to share GPUs by time-slicing (N pods per GPU, no isolation) or to partition them with MIG
 * (hardware isolation, `single` or `mixed` strategy), or to hand out whole GPUs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { GPU_OPERATOR, helmRelease } from "./charts.ts";
import { GPU_RESOURCE, gpuToleration } from "./gpu.ts";
import { standardLabels } from "./labels.ts";
import { ArgumentError } from "./errors.ts";

export const GPU_SHARING_MODES = ["none", "time-slicing", "mig"] as const;
const MIG_STRATEGIES = ["single", "mixed"];
/** Name of the device-plugin configuration the operator is pointed at. */
export const SHARING_CONFIG_KEY = "modelplane";

export interface GpuSharingArgs {
  namespace: pulumi.Input<string>;
  /** `none`, `time-slicing` or `mig`. Plain: it decides the configuration emitted. */
  mode: string;
  /** Pods per physical GPU with time-slicing. */
  timeSlicingReplicas?: number;
  /** `single` or `mixed`. */
  migStrategy?: string;
  chartVersion?: pulumi.Input<string>;
  /** The taint on the GPU nodes (default key `nvidia.com/gpu`, any value, NoSchedule): the operator's node agents tolerate it. */
  taintKey?: string;
  taintValue?: string;
  taintEffect?: string;
  /** Let the operator's DCGM exporter publish a ServiceMonitor with these labels (Prometheus selection). */
  serviceMonitorLabels?: pulumi.Input<Record<string, string>>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The device plugin's sharing configuration (the `config.yaml` format of k8s-device-plugin). */
export function timeSlicingConfig(replicas: number): string {
  return stringify({
    version: "v1",
    flags: { migStrategy: "none" },
    sharing: { timeSlicing: { renameByDefault: false, failRequestsGreaterThanOne: true, resources: [{ name: GPU_RESOURCE, replicas }] } },
  });
}

export class GpuSharing extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** How many pods one physical GPU can serve (1 unless time-sliced). */
  readonly podsPerGpu: number;

  constructor(name: string, args: GpuSharingArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!(GPU_SHARING_MODES as readonly string[]).includes(args.mode)) {
      throw new ArgumentError(`gpu.sharing: must be one of ${GPU_SHARING_MODES.join(", ")}, got '${args.mode}'`);
    }
    const replicas = args.timeSlicingReplicas ?? 4;
    if (args.mode === "time-slicing" && (!Number.isInteger(replicas) || replicas < 2)) {
      throw new ArgumentError(`gpu.timeSlicingReplicas: must be a whole number >= 2, got ${replicas}`);
    }
    const migStrategy = args.migStrategy ?? "single";
    if (args.mode === "mig" && !MIG_STRATEGIES.includes(migStrategy)) {
      throw new ArgumentError(`gpu.migStrategy: must be single or mixed, got '${migStrategy}'`);
    }
    super("modelplane:index:GpuSharing", name, {}, opts);
    const child = { parent: this };
    const labels = standardLabels({ name: "gpu-operator", instance: name, component: "gpu", extra: args.labels });
    // The operator's driver and toolkit containers are privileged by necessity; they get their own namespace.
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: args.namespace, labels: labels.apply((l) => ({ ...l, "pod-security.kubernetes.io/enforce": "privileged" })) },
    }, child);

    const devicePlugin: Record<string, unknown> = {};
    if (args.mode === "time-slicing") {
      const config = new k8s.core.v1.ConfigMap(`${name}-time-slicing`, {
        metadata: { name: "modelplane-device-plugin-config", namespace: ns.metadata.name, labels },
        data: { [SHARING_CONFIG_KEY]: timeSlicingConfig(replicas) },
      }, child);
      devicePlugin["config"] = { name: config.metadata.name, default: SHARING_CONFIG_KEY };
    }

    // The chart's agents (driver, device plugin, GFD, DCGM) and its NFD workers tolerate only `nvidia.com/gpu`
    // by default: with any other taint they never reach the GPU nodes and no GPU is ever advertised. The
    // NFD list replaces the chart's, so it keeps the control-plane tolerations the chart ships.
    const toleration = gpuToleration(args);
    const controlPlane = ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"]
      .map((key) => ({ key, operator: "Equal", value: "", effect: "NoSchedule" }));
    helmRelease(`${name}-gpu-operator`, GPU_OPERATOR, {
      release: "gpu-operator",
      namespace: ns.metadata.name,
      version: args.chartVersion,
      values: {
        daemonsets: { tolerations: [toleration] },
        "node-feature-discovery": { worker: { tolerations: [...controlPlane, toleration] } },
        devicePlugin,
        mig: { strategy: args.mode === "mig" ? migStrategy : "single" },
        migManager: { enabled: args.mode === "mig" },
        dcgmExporter: {
          enabled: true,
          serviceMonitor: { enabled: true, additionalLabels: args.serviceMonitorLabels ?? {} },
        },
      },
    }, { parent: this, dependsOn: [ns] });

    this.namespace = ns.metadata.name;
    this.podsPerGpu = args.mode === "time-slicing" ? replicas : 1;
    this.registerOutputs({ namespace: this.namespace });
  }
}
