/**
 * Serving workloads run more than one replica. Autoscaled workloads are judged through their autoscaler
 * (hpa-sane), workloads on a ReadWriteOnce volume cannot scale out, and the dev tier may run one replica to save
 * GPUs (config `skipEnvironments`).
 */
import { NOT_APPLICABLE, type Rule } from "../../rule.ts";
import { autoscalersOf, declaredReplicas, singleWriter } from "./support.ts";

export const replicasMin: Rule = {
  id: "replicas-min",
  group: "reliability",
  severity: "medium",
  description: "Deployments and StatefulSets must run at least `minReplicas` replicas (default 2) unless an autoscaler manages them or a ReadWriteOnce volume pins them to one.",
  rationale: "A single replica makes every node drain, rollout or crash an outage of the model it serves.",
  remediation: "Set spec.replicas to 2 or more, or let an HPA / KEDA ScaledObject manage the replica count.",
  kinds: ["Deployment", "StatefulSet"],
  needsInventory: true,
  configSchema: {
    minReplicas: { type: "integer", minimum: 1, default: 2, description: "Fewest replicas a workload may run." },
    skipEnvironments: {
      type: "array",
      items: { type: "string", enum: ["dev", "staging", "prod"] },
      default: ["dev"],
      description: "Environments where one replica is acceptable (cost trade-off).",
    },
  },
  validate(obj, ctx) {
    const skip = (ctx.config.skipEnvironments as string[] | undefined) ?? [];
    if (ctx.environment && skip.includes(ctx.environment)) return NOT_APPLICABLE;
    if (autoscalersOf(obj, ctx.inventory).length > 0 || singleWriter(obj, ctx.inventory)) return NOT_APPLICABLE;
    const min = typeof ctx.config.minReplicas === "number" ? ctx.config.minReplicas : 2;
    const replicas = declaredReplicas(obj) ?? 1;
    return replicas >= min ? [] : [`runs ${replicas} replica${replicas === 1 ? "" : "s"}${declaredReplicas(obj) === undefined ? " (spec.replicas unset)" : ""}, fewer than ${min}`];
  },
};
