/** GPU pods tolerate the GPU nodes' taint and pin the GPU product they were sized for. */
import type { Rule } from "../../rule.ts";
import { NOT_APPLICABLE } from "../../rule.ts";
import { get, objectsIn } from "../../kube.ts";
import { podRule } from "../k8s/support.ts";
import { isGpuPod } from "./support.ts";

export const DEFAULT_PRODUCT_LABEL = "nvidia.com/gpu.product";
export const DEFAULT_GPU_TAINT_KEY = "nvidia.com/gpu";

function tolerates(tolerations: unknown, key: string): boolean {
  return objectsIn(tolerations).some((t) => {
    // An `Exists` toleration without a key tolerates every taint.
    if (t.operator === "Exists" && (t.key === undefined || t.key === "")) return true;
    return t.key === key && (t.operator === "Exists" || t.operator === "Equal" || t.operator === undefined);
  });
}

/** Every required node-affinity term constrains the product label (terms are ORed, so one loose term is enough to land anywhere). */
function affinitySelectsProduct(affinity: unknown, label: string): boolean {
  const terms = get(affinity, ["nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]);
  if (!Array.isArray(terms) || terms.length === 0) return false;
  return terms.every((term) => {
    const exprs = get(term, ["matchExpressions"]);
    return Array.isArray(exprs) && exprs.some((e) => get(e, ["key"]) === label && (get(e, ["operator"]) === "In" || get(e, ["operator"]) === "Exists"));
  });
}

export const gpuScheduling: Rule = podRule(
  {
    id: "gpu-scheduling",
    group: "gpu",
    severity: "medium",
    description: "GPU pods tolerate the GPU node taint and select a GPU product (node selector or required node affinity).",
    rationale:
      "GPU nodes are tainted so CPU pods stay off them; a GPU pod without the toleration stays Pending. Without a " +
      "product selector a model sized for one GPU (memory, compute capability) can land on another and fail to load " +
      "or miss its latency SLO.",
    remediation:
      "Add a toleration for the GPU taint key (operator Exists) and a nodeSelector on the GPU product label, e.g. " +
      "nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3 (set resources.gpuProduct in the stack).",
    configSchema: {
      gpuProductLabel: { type: "string", default: DEFAULT_PRODUCT_LABEL, description: "Node label holding the GPU product." },
      gpuTaintKey: { type: "string", default: DEFAULT_GPU_TAINT_KEY, description: "Key of the taint GPU nodes carry." },
    },
  },
  (pod, _obj, ctx) => {
    if (!isGpuPod(pod)) return NOT_APPLICABLE;
    const label = String(ctx.config.gpuProductLabel ?? DEFAULT_PRODUCT_LABEL);
    const taint = String(ctx.config.gpuTaintKey ?? DEFAULT_GPU_TAINT_KEY);
    const problems: string[] = [];
    if (!tolerates(pod.tolerations, taint)) problems.push(`no toleration for the GPU taint ${taint}`);
    const selector = get(pod, ["nodeSelector", label]);
    const selected = typeof selector === "string" && selector !== "";
    if (!selected && !affinitySelectsProduct(pod.affinity, label)) problems.push(`does not select a GPU product (${label})`);
    return problems;
  },
);
