/**
 * No apiVersion the target Kubernetes version has deprecated or removed: such manifests fail to apply after the
 * next cluster upgrade (GPU clusters upgrade for drivers often).
 */
import type { Rule } from "../../rule.ts";

interface Deprecation {
  apiVersion: string;
  /** Kinds affected; "*" for every kind of that apiVersion. */
  kinds: readonly string[] | "*";
  deprecatedIn: string;
  removedIn: string;
  replacement: string;
}

const WORKLOADS = ["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "ControllerRevision"];

/** From the Kubernetes deprecated API migration guide. */
export const DEPRECATIONS: readonly Deprecation[] = [
  { apiVersion: "extensions/v1beta1", kinds: WORKLOADS, deprecatedIn: "1.8", removedIn: "1.16", replacement: "apps/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], deprecatedIn: "1.9", removedIn: "1.16", replacement: "networking.k8s.io/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["PodSecurityPolicy"], deprecatedIn: "1.10", removedIn: "1.16", replacement: "policy/v1beta1 (itself removed; use Pod Security Admission)" },
  { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], deprecatedIn: "1.14", removedIn: "1.22", replacement: "networking.k8s.io/v1" },
  { apiVersion: "apps/v1beta1", kinds: "*", deprecatedIn: "1.9", removedIn: "1.16", replacement: "apps/v1" },
  { apiVersion: "apps/v1beta2", kinds: "*", deprecatedIn: "1.9", removedIn: "1.16", replacement: "apps/v1" },
  { apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress", "IngressClass"], deprecatedIn: "1.19", removedIn: "1.22", replacement: "networking.k8s.io/v1" },
  { apiVersion: "admissionregistration.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.16", removedIn: "1.22", replacement: "admissionregistration.k8s.io/v1" },
  { apiVersion: "apiextensions.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.16", removedIn: "1.22", replacement: "apiextensions.k8s.io/v1" },
  { apiVersion: "apiregistration.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.19", removedIn: "1.22", replacement: "apiregistration.k8s.io/v1" },
  { apiVersion: "authentication.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.19", removedIn: "1.22", replacement: "authentication.k8s.io/v1" },
  { apiVersion: "authorization.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.19", removedIn: "1.22", replacement: "authorization.k8s.io/v1" },
  { apiVersion: "certificates.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.19", removedIn: "1.22", replacement: "certificates.k8s.io/v1" },
  { apiVersion: "coordination.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.19", removedIn: "1.22", replacement: "coordination.k8s.io/v1" },
  { apiVersion: "rbac.authorization.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.17", removedIn: "1.22", replacement: "rbac.authorization.k8s.io/v1" },
  { apiVersion: "rbac.authorization.k8s.io/v1alpha1", kinds: "*", deprecatedIn: "1.17", removedIn: "1.22", replacement: "rbac.authorization.k8s.io/v1" },
  { apiVersion: "scheduling.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.14", removedIn: "1.22", replacement: "scheduling.k8s.io/v1" },
  { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], deprecatedIn: "1.19", removedIn: "1.22", replacement: "storage.k8s.io/v1" },
  { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], deprecatedIn: "1.24", removedIn: "1.27", replacement: "storage.k8s.io/v1" },
  { apiVersion: "batch/v1beta1", kinds: ["CronJob"], deprecatedIn: "1.21", removedIn: "1.25", replacement: "batch/v1" },
  { apiVersion: "discovery.k8s.io/v1beta1", kinds: ["EndpointSlice"], deprecatedIn: "1.21", removedIn: "1.25", replacement: "discovery.k8s.io/v1" },
  { apiVersion: "events.k8s.io/v1beta1", kinds: ["Event"], deprecatedIn: "1.19", removedIn: "1.25", replacement: "events.k8s.io/v1" },
  { apiVersion: "autoscaling/v2beta1", kinds: ["HorizontalPodAutoscaler"], deprecatedIn: "1.22", removedIn: "1.25", replacement: "autoscaling/v2" },
  { apiVersion: "autoscaling/v2beta2", kinds: ["HorizontalPodAutoscaler"], deprecatedIn: "1.23", removedIn: "1.26", replacement: "autoscaling/v2" },
  { apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], deprecatedIn: "1.21", removedIn: "1.25", replacement: "policy/v1" },
  { apiVersion: "policy/v1beta1", kinds: ["PodSecurityPolicy"], deprecatedIn: "1.21", removedIn: "1.25", replacement: "Pod Security Admission" },
  { apiVersion: "node.k8s.io/v1beta1", kinds: ["RuntimeClass"], deprecatedIn: "1.20", removedIn: "1.25", replacement: "node.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: "*", deprecatedIn: "1.23", removedIn: "1.26", replacement: "flowcontrol.apiserver.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: "*", deprecatedIn: "1.26", removedIn: "1.29", replacement: "flowcontrol.apiserver.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: "*", deprecatedIn: "1.29", removedIn: "1.32", replacement: "flowcontrol.apiserver.k8s.io/v1" },
];

/** Compare `major.minor` versions numerically. */
export function versionAtLeast(version: string, than: string): boolean {
  const [a1 = 0, a2 = 0] = version.replace(/^v/, "").split(".").map(Number);
  const [b1 = 0, b2 = 0] = than.replace(/^v/, "").split(".").map(Number);
  return a1 !== b1 ? a1 > b1 : a2 >= b2;
}

export const deprecatedApi: Rule = {
  id: "deprecated-api",
  group: "reliability",
  severity: "high",
  description: "Objects must not use an apiVersion that the target Kubernetes version deprecates or has removed.",
  rationale: "A removed API makes the next apply fail after a cluster upgrade, usually in the middle of an incident.",
  remediation: "Move the object to the replacement apiVersion (see the message) and adjust changed fields.",
  kinds: "*",
  needsInventory: false,
  configSchema: {
    kubernetesVersion: {
      type: "string",
      pattern: "^v?\\d+\\.\\d+$",
      default: "1.30",
      description: "Kubernetes minor version the manifests must work on.",
    },
  },
  validate(obj, ctx) {
    const target = typeof ctx.config.kubernetesVersion === "string" ? ctx.config.kubernetesVersion : "1.30";
    const d = DEPRECATIONS.find((x) => x.apiVersion === obj.apiVersion && (x.kinds === "*" || x.kinds.includes(obj.kind)));
    if (!d || !versionAtLeast(target, d.deprecatedIn)) return [];
    const state = versionAtLeast(target, d.removedIn) ? `was removed in ${d.removedIn}` : `is deprecated since ${d.deprecatedIn} and removed in ${d.removedIn}`;
    return [`${obj.apiVersion} ${obj.kind} ${state}; use ${d.replacement}`];
  },
};
