/** Pods without a GPU must not reach GPUs through NVIDIA_VISIBLE_DEVICES. */
import type { Rule } from "../../rule.ts";
import { NOT_APPLICABLE } from "../../rule.ts";
import { containersOf, objectsIn, type Container } from "../../kube.ts";
import { podRule } from "../k8s/support.ts";
import { containerLabel, isGpuPod } from "./support.ts";

export const gpuVisibleDevices: Rule = podRule(
  {
    id: "gpu-visible-devices",
    group: "gpu",
    severity: "high",
    description: "Pods that request no GPU do not set NVIDIA_VISIBLE_DEVICES (except to \"void\").",
    rationale:
      "With the NVIDIA container runtime, NVIDIA_VISIBLE_DEVICES=all in a pod without a GPU request exposes every " +
      "GPU of the node behind the scheduler's back: the pod competes with the pods the GPUs were allocated to. " +
      "(Kyverno's check-nvidia-gpu asks the opposite, that GPU images set it; with the device plugin that is its job.)",
    remediation:
      "Request the GPU through resources.limits[\"nvidia.com/gpu\"] and remove NVIDIA_VISIBLE_DEVICES; set it to " +
      "\"void\" to opt a CPU pod out of GPU access explicitly.",
  },
  (pod) => {
    if (isGpuPod(pod)) return NOT_APPLICABLE;
    const problems: string[] = [];
    for (const { container } of containersOf(pod)) {
      for (const e of objectsIn<NonNullable<Container["env"]>[number]>(container.env)) {
        if (e.name !== "NVIDIA_VISIBLE_DEVICES") continue;
        if (e.value === "void") continue;
        const value = e.value !== undefined ? `"${e.value}"` : "from a reference";
        problems.push(`${containerLabel(container)} sets NVIDIA_VISIBLE_DEVICES ${value} without requesting a GPU`);
      }
    }
    return problems;
  },
);
