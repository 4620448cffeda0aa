/** The AI-platform rules: what the generic Kubernetes tools do not know about GPUs, models and SLOs. */
import type { Rule } from "../../rule.ts";
import { canaryWeight } from "./canary-weight.ts";
import { gpuBudget } from "./gpu-budget.ts";
import { gpuLimits } from "./gpu-limits.ts";
import { gpuScheduling } from "./gpu-scheduling.ts";
import { gpuShm } from "./gpu-shm.ts";
import { gpuVisibleDevices } from "./gpu-visible-devices.ts";
import { inferenceServiceMonitored } from "./inference-service-monitored.ts";
import { kedaScaledObjectSane } from "./keda-scaledobject-sane.ts";
import { modelArtifactDigest } from "./model-artifact-digest.ts";
import { modelArtifactRegistry } from "./model-artifact-registry.ts";
import { modelSloAlerts } from "./model-slo-alerts.ts";
import { startupProbeBudget } from "./startup-probe-budget.ts";

export const aiRules: Rule[] = [
  gpuLimits,
  gpuScheduling,
  gpuVisibleDevices,
  gpuShm,
  startupProbeBudget,
  kedaScaledObjectSane,
  inferenceServiceMonitored,
  modelSloAlerts,
  modelArtifactDigest,
  modelArtifactRegistry,
  canaryWeight,
  gpuBudget,
];
