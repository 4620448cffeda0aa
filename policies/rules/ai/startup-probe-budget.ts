/** Model servers have a startup probe that waits long enough for the model to pull, load and warm. */
import type { Rule } from "../../rule.ts";
import { NOT_APPLICABLE } from "../../rule.ts";
import { get, objectsIn, type Container } from "../../kube.ts";
import { podRule } from "../k8s/support.ts";
import { annotationOf, containerLabel, isGpuContainer, isGpuPod, isInferenceObject, STARTUP_BUDGET_ANNOTATION } from "./support.ts";

const num = (v: unknown, d: number): number => (typeof v === "number" && Number.isFinite(v) ? v : d);

/** Seconds a startup probe allows before the kubelet restarts the container (API defaults: period 10, threshold 3). */
export function startupBudgetSeconds(probe: unknown): number {
  return num(get(probe, ["initialDelaySeconds"]), 0) + num(get(probe, ["failureThreshold"]), 3) * num(get(probe, ["periodSeconds"]), 10);
}

export const startupProbeBudget: Rule = podRule(
  {
    id: "startup-probe-budget",
    group: "reliability",
    severity: "medium",
    description:
      "Model-serving containers (GPU or inference-labelled) have a startup probe whose budget " +
      "(initialDelaySeconds + failureThreshold × periodSeconds) covers model loading.",
    rationale:
      "Loading a model takes minutes (pull gigabytes, load weights, warm up). Without a long enough startup probe " +
      "the liveness probe kills the server mid-load and the replica crash-loops forever.",
    remediation:
      "Add a startupProbe on the server's live endpoint with failureThreshold × periodSeconds at least the load time " +
      `(startupSeconds in the stack; the ${STARTUP_BUDGET_ANNOTATION} annotation records it).`,
    kinds: ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Pod"],
    configSchema: {
      minStartupSeconds: {
        type: "integer",
        minimum: 0,
        default: 120,
        description: `Seconds to allow when the workload has no ${STARTUP_BUDGET_ANNOTATION} annotation.`,
      },
    },
  },
  (pod, obj, ctx) => {
    const gpu = isGpuPod(pod);
    const annotated = annotationOf(obj, STARTUP_BUDGET_ANNOTATION);
    if (!gpu && !isInferenceObject(obj) && annotated === undefined) return NOT_APPLICABLE;
    const declared = annotated !== undefined ? Number(annotated) : Number.NaN;
    const problems: string[] = [];
    if (annotated !== undefined && !(declared >= 0)) problems.push(`annotation ${STARTUP_BUDGET_ANNOTATION}="${annotated}" is not a number of seconds`);
    const required = declared >= 0 ? declared : num(ctx.config.minStartupSeconds, 120);
    // The model server is the GPU container; in a CPU inference pod every app container serves.
    const servers = objectsIn<Container>(pod.containers).filter((c) => !gpu || isGpuContainer(c));
    for (const c of servers) {
      if (!c.startupProbe) {
        problems.push(`${containerLabel(c)} has no startupProbe (model loading needs ${required}s)`);
        continue;
      }
      const budget = startupBudgetSeconds(c.startupProbe);
      if (budget < required) problems.push(`${containerLabel(c)} startupProbe allows ${budget}s, model loading needs ${required}s`);
    }
    return problems;
  },
);
