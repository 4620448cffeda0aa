/** The canonical Kubernetes checks (ids of shared/policy-corpus/checks.md), in report order. */
import type { Rule } from "../../rule.ts";
import { allowedRegistries } from "./allowed-registries.ts";
import { apparmor } from "./apparmor.ts";
import { automountSaToken } from "./automount-sa-token.ts";
import { barePod } from "./bare-pod.ts";
import { capabilitiesAddRestricted, capabilitiesDropAll, capabilitiesDropNetRaw, capabilitiesRestricted } from "./capabilities.ts";
import { cpuLimitsForbidden } from "./cpu-limits-forbidden.ts";
import { danglingReference } from "./dangling-reference.ts";
import { defaultNamespace } from "./default-namespace.ts";
import { deprecatedApi } from "./deprecated-api.ts";
import { ephemeralStorage } from "./ephemeral-storage.ts";
import { hostNamespaces } from "./host-namespaces.ts";
import { hostPath } from "./host-path.ts";
import { hostPorts } from "./host-ports.ts";
import { hostProcess } from "./host-process.ts";
import { hpaReplicasConflict, hpaRequired, hpaSane } from "./hpa.ts";
import { imageDigest } from "./image-digest.ts";
import { imagePullPolicy } from "./image-pull-policy.ts";
import { imageTagPinned } from "./image-tag-pinned.ts";
import { ingressTls } from "./ingress-tls.ts";
import { networkpolicyRequired } from "./networkpolicy-required.ts";
import { pdbRequired, pdbSane } from "./pdb.ts";
import { priorityClass } from "./priority-class.ts";
import { privilegeEscalation } from "./privilege-escalation.ts";
import { privileged } from "./privileged.ts";
import { probes, probesDistinct } from "./probes.ts";
import { procMount } from "./proc-mount.ts";
import { readOnlyRootFs } from "./read-only-root-fs.ts";
import { replicasMin } from "./replicas-min.ts";
import { requestsEqualLimits } from "./requests-equal-limits.ts";
import { requiredLabels } from "./required-labels.ts";
import { resourcesRequestsLimits } from "./resources-requests-limits.ts";
import { rollingUpdate } from "./rolling-update.ts";
import { runAsNonRoot } from "./run-as-non-root.ts";
import { runtimeSocketMount } from "./runtime-socket-mount.ts";
import { seccomp } from "./seccomp.ts";
import { secretsInEnv } from "./secrets-in-env.ts";
import { selinux } from "./selinux.ts";
import { serviceExternalIps, serviceType } from "./service.ts";
import { sysctls } from "./sysctls.ts";
import { topologySpread } from "./topology-spread.ts";
import { volumeTypes } from "./volume-types.ts";

export const k8sRules: Rule[] = [
  // security: Pod Security Standards baseline
  privileged, hostNamespaces, hostPath, hostPorts, hostProcess, procMount, sysctls, selinux, apparmor,
  capabilitiesAddRestricted,
  // security: Pod Security Standards restricted, and hardening beyond it
  seccomp, volumeTypes, capabilitiesRestricted, capabilitiesDropAll, capabilitiesDropNetRaw, privilegeEscalation,
  runAsNonRoot, readOnlyRootFs, runtimeSocketMount, automountSaToken, secretsInEnv,
  // security: network exposure
  networkpolicyRequired, serviceType, serviceExternalIps, ingressTls,
  // supply chain
  imageTagPinned, imageDigest, allowedRegistries, imagePullPolicy,
  // reliability: resources
  resourcesRequestsLimits, requestsEqualLimits, cpuLimitsForbidden, ephemeralStorage,
  // reliability: availability
  probes, probesDistinct, replicasMin, rollingUpdate, pdbRequired, pdbSane, hpaSane, hpaRequired, hpaReplicasConflict,
  topologySpread, priorityClass, barePod, danglingReference,
  // governance
  requiredLabels, defaultNamespace, deprecatedApi,
];
