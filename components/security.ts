/**
 * The restricted Pod Security Standard, applied the same way to every workload modelplane emits,
 * so the `restricted` namespace label and the policy pack's security rules hold by construction.
 */
import type * as k8s from "@pulumi/kubernetes";

/** Non-root UID/GID used by the server image (services/inference/Dockerfile) and by default elsewhere. */
export const NON_ROOT_UID = 65532;

export function restrictedPodSecurityContext(uid: number = NON_ROOT_UID): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedContainerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Pod Security Admission labels for a namespace that only runs restricted workloads. */
export function restrictedNamespaceLabels(): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
  };
}
