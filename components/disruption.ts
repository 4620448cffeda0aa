/**
 * The two guards every modelplane workload gets: a PodDisruptionBudget that lets drains proceed one pod at a
 * time, and a default-deny NetworkPolicy that opens only what the workload serves and needs.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

export interface GuardArgs {
  objectName: string;
  namespace: pulumi.Input<string>;
  labels: pulumi.Input<Record<string, string>>;
  selector: pulumi.Input<Record<string, string>>;
}

export function podDisruptionBudget(logicalName: string, a: GuardArgs, opts: pulumi.CustomResourceOptions): k8s.policy.v1.PodDisruptionBudget {
  return new k8s.policy.v1.PodDisruptionBudget(logicalName, {
    metadata: { name: a.objectName, namespace: a.namespace, labels: a.labels },
    spec: {
      // maxUnavailable (not minAvailable) so a drain never deadlocks at 1 replica or after scale-to-zero.
      maxUnavailable: 1,
      // A crash-looping pod must not hold a node drain hostage.
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels: a.selector },
    },
  }, opts);
}

export function networkPolicy(
  logicalName: string,
  a: GuardArgs & {
    ingress: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyIngressRule[]>;
    egress: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyEgressRule[]>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(logicalName, {
    metadata: { name: a.objectName, namespace: a.namespace, labels: a.labels },
    spec: {
      podSelector: { matchLabels: a.selector },
      // Both types listed: whatever the rules do not allow is denied, in and out.
      policyTypes: ["Ingress", "Egress"],
      ingress: a.ingress,
      egress: a.egress,
    },
  }, opts);
}
