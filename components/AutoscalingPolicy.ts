/**
 * Scales a model server on pending (queued + in-flight) requests per pod, the signal that tracks GPU
 * saturation for batched inference better than CPU: a KEDA ScaledObject (Prometheus trigger, scale to zero
 * allowed) or an HPA v2 on a Pods metric served by prometheus-adapter.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { standardLabels } from "./labels.ts";
import { k8sName } from "./naming.ts";
import { METRIC_PENDING, TRACK_METRIC_LABEL } from "./server-contract.ts";
import { ArgumentError } from "./errors.ts";

export const AUTOSCALING_ENGINES = ["keda", "hpa"] as const;
/** autoscaling/v2 validation: behavior.*.stabilizationWindowSeconds must be within [0, 3600]. */
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

export interface AutoscalingPolicyArgs {
  namespace: pulumi.Input<string>;
  /** Model name (labels, metric selection). */
  modelName: string;
  /** Name of the Deployment to scale. */
  targetName: pulumi.Input<string>;
  /** `keda` or `hpa`. Plain: it decides which resource exists. */
  engine: string;
  minReplicas: number;
  maxReplicas: number;
  /** Pending requests per pod to aim for. */
  targetPendingRequests: number;
  /** KEDA only: allow 0 replicas when idle (minReplicas must be 0). */
  scaleToZero?: boolean;
  cooldownSeconds?: number;
  /** Prometheus the KEDA trigger queries. */
  prometheusAddress?: pulumi.Input<string>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class AutoscalingPolicy extends pulumi.ComponentResource {
  /** `keda.sh/v1alpha1/ScaledObject` or `autoscaling/v2/HorizontalPodAutoscaler`. */
  readonly kind: string;
  readonly resourceName: pulumi.Output<string>;

  constructor(name: string, args: AutoscalingPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    validate(args);
    super("modelplane:index:AutoscalingPolicy", name, {}, opts);
    const child = { parent: this };
    const objectName = k8sName(args.modelName);
    const labels = standardLabels({ name: "modelplane-autoscaler", instance: args.modelName, component: "autoscaling", extra: args.labels });
    const cooldown = args.cooldownSeconds ?? 300;
    const behavior = {
      // Scale up at once on a burst; scale down slowly so a model is not unloaded between bursts. The API
      // server rejects a stabilization window over an hour; a longer cooldown still holds KEDA's scale to zero.
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: Math.min(cooldown, MAX_STABILIZATION_WINDOW_SECONDS), policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
    };

    if (args.engine === "keda") {
      const query = pulumi
        .output(args.namespace)
        // The canary Deployment is sized apart; its pending requests must not scale the stable one.
        .apply((ns) => `sum(${METRIC_PENDING}{namespace="${ns}",model="${args.modelName}",${TRACK_METRIC_LABEL}!="canary"})`);
      const so = new k8s.apiextensions.CustomResource(`${name}-scaledobject`, {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: objectName, namespace: args.namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.targetName },
          minReplicaCount: args.scaleToZero ? 0 : args.minReplicas,
          maxReplicaCount: args.maxReplicas,
          pollingInterval: 15,
          cooldownPeriod: cooldown,
          advanced: { horizontalPodAutoscalerConfig: { behavior } },
          triggers: [{
            type: "prometheus",
            metricType: "AverageValue",
            metadata: {
              serverAddress: args.prometheusAddress ?? "http://prometheus-operated.monitoring.svc:9090",
              query,
              threshold: String(args.targetPendingRequests),
              // Any pending request wakes a scaled-to-zero model.
              activationThreshold: "0",
              ignoreNullValues: "true",
            },
          }],
        },
      }, child);
      this.kind = "ScaledObject";
      this.resourceName = so.metadata.name;
    } else {
      const hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
        metadata: { name: objectName, namespace: args.namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.targetName },
          minReplicas: args.minReplicas,
          maxReplicas: args.maxReplicas,
          behavior,
          metrics: [{
            type: "Pods",
            pods: {
              metric: { name: METRIC_PENDING },
              target: { type: "AverageValue", averageValue: String(args.targetPendingRequests) },
            },
          }],
        },
      }, child);
      this.kind = "HorizontalPodAutoscaler";
      this.resourceName = hpa.metadata.name;
    }
    this.registerOutputs({ kind: this.kind, resourceName: this.resourceName });
  }
}

function validate(a: AutoscalingPolicyArgs): void {
  if (!(AUTOSCALING_ENGINES as readonly string[]).includes(a.engine)) {
    throw new ArgumentError(`autoscaling.engine: must be one of ${AUTOSCALING_ENGINES.join(", ")}, got '${a.engine}'`);
  }
  if (!Number.isInteger(a.minReplicas) || a.minReplicas < 0) throw new ArgumentError(`autoscaling.minReplicas: must be a whole number >= 0`);
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < 1) throw new ArgumentError(`autoscaling.maxReplicas: must be a whole number >= 1`);
  if (a.maxReplicas < a.minReplicas) throw new ArgumentError(`autoscaling.maxReplicas: must be >= minReplicas (${a.minReplicas})`);
  if (!(a.targetPendingRequests > 0)) throw new ArgumentError(`autoscaling.targetPendingRequests: must be > 0`);
  if (a.scaleToZero && a.engine !== "keda") throw new ArgumentError(`autoscaling.scaleToZero: needs engine 'keda' (an HPA cannot scale to zero)`);
  if (a.scaleToZero && a.minReplicas !== 0) throw new ArgumentError(`autoscaling.minReplicas: must be 0 with scaleToZero`);
  if (a.engine === "hpa" && a.minReplicas < 1) throw new ArgumentError(`autoscaling.minReplicas: an HPA needs minReplicas >= 1`);
}
