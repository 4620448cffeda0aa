/**
 * How a pod asks for GPUs: the extended resource, the toleration for the GPU nodes' taint and the node
 * selection on the GPU product label. Shared by InferenceService and the policy expectations it must meet.
 */
import type * as k8s from "@pulumi/kubernetes";
import { ArgumentError } from "./errors.ts";

export const GPU_RESOURCE = "nvidia.com/gpu";
export const DEFAULT_PRODUCT_LABEL = "nvidia.com/gpu.product";
export const DEFAULT_GPU_TAINT_KEY = "nvidia.com/gpu";

export interface GpuRequest {
  /** Whole GPUs, or MIG slices when `migProfile` is set. 0 means a CPU-only pod. */
  count: number;
  /** Value of `productLabel` the node must carry; empty: any GPU node. */
  product?: string;
  /** MIG profile (e.g. `1g.10gb`); with the `mixed` MIG strategy it becomes its own resource name. */
  migProfile?: string;
  migStrategy?: string;
  productLabel?: string;
  taintKey?: string;
  taintValue?: string;
  taintEffect?: string;
}

export interface GpuPodFields {
  /** Extended resources to put in BOTH requests and limits (the device plugin requires them equal). */
  resources: Record<string, string>;
  tolerations: k8s.types.input.core.v1.Toleration[];
  nodeSelector: Record<string, string>;
}

export function gpuPodFields(gpu: GpuRequest): GpuPodFields {
  if (!Number.isInteger(gpu.count) || gpu.count < 0) {
    throw new ArgumentError(`resources.gpu: must be a whole number of GPUs >= 0, got ${gpu.count}`);
  }
  if (gpu.count === 0) return { resources: {}, tolerations: [], nodeSelector: {} };
  const resourceName = gpu.migProfile && gpu.migStrategy === "mixed" ? `nvidia.com/mig-${gpu.migProfile}` : GPU_RESOURCE;
  const toleration = gpuToleration(gpu);
  const nodeSelector: Record<string, string> = {};
  const productLabel = gpu.productLabel ?? DEFAULT_PRODUCT_LABEL;
  if (gpu.product) nodeSelector[productLabel] = gpu.product;
  // With the `single` MIG strategy GPU Feature Discovery rewrites the product label to include the profile.
  if (gpu.migProfile && gpu.migStrategy !== "mixed" && !gpu.product) nodeSelector["nvidia.com/mig.strategy"] = "single";
  return { resources: { [resourceName]: String(gpu.count) }, tolerations: [toleration], nodeSelector };
}

export interface GpuTaint {
  taintKey?: string;
  taintValue?: string;
  taintEffect?: string;
}

/** Tolerates the GPU nodes' taint: model servers, and the node agents (device plugin, DCGM) that must run there. */
export function gpuToleration(t: GpuTaint): k8s.types.input.core.v1.Toleration {
  const key = t.taintKey ?? DEFAULT_GPU_TAINT_KEY;
  const effect = t.taintEffect ?? "NoSchedule";
  return t.taintValue ? { key, operator: "Equal", value: t.taintValue, effect } : { key, operator: "Exists", effect };
}
