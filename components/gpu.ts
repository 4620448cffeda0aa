/**
 * How a pod asks for GPUs: the extended resource, the toleration for the GPU nodes' taint and the node
 * selection on the GPU product label. Shared by InferenceService and the policy expectations it must meet.
 */
import type * as k8s from "@pulumi/kubernetes";

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
    throw new Error(`resources.gpu: must be a whole number of GPUs >= 0, got ${gpu.count}`);
  }
  if (gpu.count === 0) return { resources: {}, tolerations: [], nodeSelector: {} };
  const resourceName = gpu.migProfile && gpu.migStrategy === "mixed" ? `nvidia.com/mig-${gpu.migProfile}` : GPU_RESOURCE;
  const taintKey = gpu.taintKey ?? DEFAULT_GPU_TAINT_KEY;
  const toleration: k8s.types.input.core.v1.Toleration = gpu.taintValue
    ? { key: taintKey, operator: "Equal", value: gpu.taintValue, effect: gpu.taintEffect ?? "NoSchedule" }
    : { key: taintKey, operator: "Exists", effect: gpu.taintEffect ?? "NoSchedule" };
  const nodeSelector: Record<string, string> = {};
  const productLabel = gpu.productLabel ?? DEFAULT_PRODUCT_LABEL;
  if (gpu.product) nodeSelector[productLabel] = gpu.product;
  // With the `single` MIG strategy GPU Feature Discovery rewrites the product label to include the profile.
  if (gpu.migProfile && gpu.migStrategy !== "mixed" && !gpu.product) nodeSelector["nvidia.com/mig.strategy"] = "single";
  return { resources: { [resourceName]: String(gpu.count) }, tolerations: [toleration], nodeSelector };
}
