/** GPU containers get a memory-backed, size-limited /dev/shm. */
import type { Rule } from "../../rule.ts";
import { NOT_APPLICABLE } from "../../rule.ts";
import { containersOf, get, objectsIn, parseQuantity, type Container } from "../../kube.ts";
import { podRule } from "../k8s/support.ts";
import { containerLabel, isGpuContainer } from "./support.ts";

export const gpuShm: Rule = podRule(
  {
    id: "gpu-shm",
    group: "gpu",
    severity: "medium",
    description: "Every GPU container mounts a memory-backed emptyDir (medium: Memory) with a sizeLimit at /dev/shm.",
    rationale:
      "The runtime's default /dev/shm is 64 MiB; NCCL, PyTorch data loaders and ONNX Runtime's CUDA provider need " +
      "more and crash with bus errors. An unbounded memory emptyDir counts against the pod's memory and can get a " +
      "GPU replica OOM-killed, so it needs a sizeLimit.",
    remediation:
      "Add a volume { name: dshm, emptyDir: { medium: Memory, sizeLimit: 2Gi } } and mount it at /dev/shm in the " +
      "GPU container (resources.shmSize in the stack).",
  },
  (pod) => {
    const gpu = containersOf(pod).filter(({ container }) => isGpuContainer(container));
    if (gpu.length === 0) return NOT_APPLICABLE;
    const volumes = new Map<string, unknown>();
    for (const v of objectsIn(pod.volumes)) if (typeof v.name === "string") volumes.set(v.name, v);
    const problems: string[] = [];
    for (const { container } of gpu) {
      const mount = objectsIn<NonNullable<Container["volumeMounts"]>[number]>(container.volumeMounts).find((m) => String(m.mountPath ?? "").replace(/\/+$/, "") === "/dev/shm");
      if (!mount) {
        problems.push(`${containerLabel(container)} has no volume mounted at /dev/shm`);
        continue;
      }
      const volume = volumes.get(mount.name ?? "");
      const emptyDir = get(volume, ["emptyDir"]);
      if (!emptyDir || get(emptyDir, ["medium"]) !== "Memory") {
        problems.push(`${containerLabel(container)}: /dev/shm volume "${mount.name ?? ""}" is not an emptyDir with medium Memory`);
        continue;
      }
      const size = parseQuantity(get(emptyDir, ["sizeLimit"]));
      if (size === undefined || size <= 0) problems.push(`${containerLabel(container)}: /dev/shm volume "${mount.name ?? ""}" has no sizeLimit`);
    }
    return problems;
  },
);
