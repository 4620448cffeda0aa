import type { SpecIssue } from "./errors.ts";
import type { PlatformInput } from "./input.ts";
import { PROD_MANDATORY_GROUPS } from "./defaults.ts";
import { isSecretPlaceholder } from "./secrets.ts";
import type { ModelSpec, PlatformSpec } from "./types.ts";

/**
 * What a JSON Schema cannot say: relations between fields, across models, and rules that depend on the
 * environment. Runs on the resolved spec (defaults applied) and looks at the input only to tell what the user
 * wrote from what a default filled in. Every check returns all its findings; none stops at the first.
 */
export function semanticIssues(spec: PlatformSpec, input: PlatformInput): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (path: SpecIssue["path"], message: string, related?: SpecIssue["path"][]): void => {
    issues.push(related ? { path, message, related } : { path, message });
  };
  checkNamespace(spec, add);
  checkGpu(spec, input, add);
  checkRegistry(spec, input, add);
  checkMonitoring(spec, add);
  checkServer(spec, add);
  spec.models.forEach((model, i) => checkModel(spec, model, i, add));
  checkModelNames(spec, add);
  checkGpuBudget(spec, add);
  checkPolicy(spec, input, add);
  return issues;
}

type Add = (path: SpecIssue["path"], message: string, related?: SpecIssue["path"][]) => void;

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
const DIGEST_PIN = /@sha256:[a-f0-9]{64}$/;

function checkNamespace(spec: PlatformSpec, add: Add): void {
  if (SYSTEM_NAMESPACES.includes(spec.namespace)) {
    add(["namespace"], `must not be a system namespace (${SYSTEM_NAMESPACES.join(", ")})`);
  }
}

function checkGpu(spec: PlatformSpec, input: PlatformInput, add: Add): void {
  const sharing = spec.gpu.sharing;
  if (input.gpu?.timeSlicingReplicas !== undefined && sharing !== "time-slicing") {
    add(["gpu", "timeSlicingReplicas"], `only applies when gpu.sharing is time-slicing (it is ${sharing})`, [["gpu", "sharing"]]);
  }
  if (input.gpu?.migStrategy !== undefined && sharing !== "mig") {
    add(["gpu", "migStrategy"], `only applies when gpu.sharing is mig (it is ${sharing})`, [["gpu", "sharing"]]);
  }
}

function checkRegistry(spec: PlatformSpec, input: PlatformInput, add: Add): void {
  const r = spec.registry;
  if (r.mode === "external" && !r.server) {
    add(["registry", "server"], "is required when registry.mode is external", [["registry", "mode"]]);
  }
  if (r.mode === "in-cluster" && input.registry?.server !== undefined) {
    add(["registry", "server"], "only applies when registry.mode is external (the in-cluster registry's address is computed)", [
      ["registry", "mode"],
    ]);
  }
}

function checkMonitoring(spec: PlatformSpec, add: Add): void {
  const m = spec.monitoring;
  if (!m.enabled && m.alertReceivers.length > 0) {
    add(["monitoring", "alertReceivers"], "needs monitoring.enabled: true (alerts are routed by the monitoring stack)", [
      ["monitoring", "enabled"],
    ]);
  }
  const seen = new Map<string, number>();
  m.alertReceivers.forEach((r, i) => {
    const path = ["monitoring", "alertReceivers", i];
    if (r.name) {
      const first = seen.get(r.name);
      if (first !== undefined) add([...path, "name"], `duplicate receiver name '${r.name}' (first at monitoring.alertReceivers[${first}])`);
      else seen.set(r.name, i);
    }
    const problem = receiverTargetProblem(r.type, r.target);
    if (problem) add([...path, "target"], problem, [[...path, "type"]]);
  });
}

/** Checks a receiver's target against its type; secrets are opaque offline and pass. */
function receiverTargetProblem(type: string, target: string): string | undefined {
  if (!target || isSecretPlaceholder(target)) return undefined;
  switch (type) {
    case "slack":
    case "webhook":
      return /^https?:\/\/[^\s/]+(\/\S*)?$/.test(target) ? undefined : `must be an http(s) URL for a ${type} receiver`;
    case "email":
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(target) ? undefined : "must be an e-mail address for an email receiver";
    case "pagerduty":
      return /^[A-Za-z0-9]{20,64}$/.test(target) ? undefined : "must be a PagerDuty routing key (20-64 letters and digits)";
    default:
      return undefined;
  }
}

function checkServer(spec: PlatformSpec, add: Add): void {
  if (spec.environment !== "dev" && spec.server.image && !DIGEST_PIN.test(spec.server.image)) {
    add(["server", "image"], `must be pinned by digest (@sha256:<64 hex digits>) in ${spec.environment}`);
  }
}

function checkModel(spec: PlatformSpec, m: ModelSpec, i: number, add: Add): void {
  const at = (...rest: (string | number)[]) => ["models", i, ...rest];
  const env = spec.environment;
  const pinned = (ref: string) => !ref || DIGEST_PIN.test(ref);
  if (env !== "dev") {
    const why = `must be pinned by digest (@sha256:<64 hex digits>) in ${env}`;
    if (!pinned(m.artifact)) add(at("artifact"), why);
    if (m.canary && !pinned(m.canary.artifact)) add(at("canary", "artifact"), why);
    if (m.serverImage && !pinned(m.serverImage)) add(at("serverImage"), why);
  }
  if (m.canary && m.canary.artifact && m.canary.artifact === m.artifact) {
    add(at("canary", "artifact"), "must differ from the model's artifact (a canary of the same artifact tests nothing)", [at("artifact")]);
  }

  const a = m.autoscaling;
  if (a.maxReplicas < a.minReplicas) {
    add(at("autoscaling", "maxReplicas"), `must be >= minReplicas (${a.minReplicas})`, [at("autoscaling", "minReplicas")]);
  }
  if (a.scaleToZero && a.engine !== "keda") {
    add(at("autoscaling", "scaleToZero"), `requires engine keda (an HPA cannot scale to zero; engine is ${a.engine})`, [
      at("autoscaling", "engine"),
    ]);
  } else if (a.scaleToZero && a.minReplicas !== 0) {
    add(at("autoscaling", "minReplicas"), `must be 0 when scaleToZero is true (got ${a.minReplicas})`, [at("autoscaling", "scaleToZero")]);
  } else if (a.engine === "hpa" && a.minReplicas === 0) {
    add(at("autoscaling", "minReplicas"), "must be >= 1 with engine hpa (use engine keda with scaleToZero to scale to zero)", [
      at("autoscaling", "engine"),
    ]);
  }

  const r = m.resources;
  const sharing = spec.gpu.sharing;
  if (r.gpu > 0 && env === "prod" && !r.gpuProduct) {
    add(at("resources", "gpuProduct"), `is required in prod when gpu > 0 (a value of the node label ${spec.gpu.productLabel}, e.g. NVIDIA-H100-80GB-HBM3)`, [
      at("resources", "gpu"),
    ]);
  }
  if (r.gpu === 0 && r.gpuProduct) {
    add(at("resources", "gpuProduct"), "only applies when resources.gpu > 0", [at("resources", "gpu")]);
  }
  if (r.migProfile && sharing !== "mig") {
    add(at("resources", "migProfile"), `only allowed when gpu.sharing is mig (it is ${sharing})`, [["gpu", "sharing"]]);
  } else if (r.migProfile && r.gpu === 0) {
    add(at("resources", "migProfile"), "only applies when resources.gpu > 0", [at("resources", "gpu")]);
  }
  if (sharing === "mig" && spec.gpu.migStrategy === "mixed" && r.gpu > 0 && !r.migProfile) {
    add(at("resources", "migProfile"), "is required when gpu.migStrategy is mixed (pods request nvidia.com/mig-<profile>)", [
      ["gpu", "migStrategy"],
      at("resources", "gpu"),
    ]);
  }
  if (sharing === "time-slicing" && r.gpu > 1) {
    add(at("resources", "gpu"), "must be 0 or 1 with gpu.sharing time-slicing (more time-sliced GPUs give a pod no more compute)", [
      ["gpu", "sharing"],
    ]);
  }

  const b = m.batching;
  if (b.maxBatchSize > b.maxQueueSize) {
    add(at("batching", "maxBatchSize"), `must be <= maxQueueSize (${b.maxQueueSize})`, [at("batching", "maxQueueSize")]);
  }
  if (b.maxQueueDelayMs >= b.timeoutMs) {
    add(at("batching", "maxQueueDelayMs"), `must be below timeoutMs (${b.timeoutMs})`, [at("batching", "timeoutMs")]);
  }
  const threshold = m.slo.latency.thresholdMs;
  if (threshold >= b.timeoutMs) {
    add(at("slo", "latency", "thresholdMs"), `must be below batching.timeoutMs (${b.timeoutMs}): requests time out before they can miss the SLO`, [
      at("batching", "timeoutMs"),
    ]);
  } else if (threshold <= b.maxQueueDelayMs) {
    add(at("slo", "latency", "thresholdMs"), `must be above batching.maxQueueDelayMs (${b.maxQueueDelayMs}): batching alone would miss the SLO`, [
      at("batching", "maxQueueDelayMs"),
    ]);
  }
}

function checkModelNames(spec: PlatformSpec, add: Add): void {
  const seen = new Map<string, number>();
  spec.models.forEach((m, i) => {
    if (!m.name) return;
    const first = seen.get(m.name);
    if (first !== undefined) add(["models", i, "name"], `duplicate model name '${m.name}' (first at models[${first}])`);
    else seen.set(m.name, i);
  });
}

function checkGpuBudget(spec: PlatformSpec, add: Add): void {
  const budget = spec.gpu.budget;
  if (budget <= 0) return;
  const users = spec.models.filter((m) => m.resources.gpu > 0);
  const total = users.reduce((sum, m) => sum + m.autoscaling.maxReplicas * m.resources.gpu, 0);
  if (total <= budget) return;
  const terms = users.map((m) => `${m.name || "?"} ${m.autoscaling.maxReplicas}×${m.resources.gpu}`).join(" + ");
  const related = spec.models.flatMap((_, i) => [
    ["models", i, "autoscaling", "maxReplicas"],
    ["models", i, "resources", "gpu"],
  ]);
  add(["gpu", "budget"], `is exceeded: models may request ${total} GPUs (maxReplicas × gpu: ${terms}), budget ${budget}`, related);
}

function checkPolicy(spec: PlatformSpec, input: PlatformInput, add: Add): void {
  if (spec.environment === "prod") {
    for (const group of PROD_MANDATORY_GROUPS) {
      const level = input.policy?.enforcement?.[group];
      if (level !== undefined && level !== "mandatory") {
        add(["policy", "enforcement", group], `cannot be ${level} in prod (exempt single resources with policy.exemptions instead)`);
      }
    }
  }
  const names = new Set(spec.models.map((m) => m.name));
  spec.policy.exemptions.forEach((e, i) => {
    const at = ["policy", "exemptions", i];
    if (e.expires && !isRealDate(e.expires)) add([...at, "expires"], `is not a real date (${e.expires})`);
    const model = /^model:(.+)$/.exec(e.target)?.[1];
    if (model && !model.includes("*") && !names.has(model)) {
      add([...at, "target"], `names no model of this stack (models: ${[...names].filter(Boolean).join(", ") || "none"})`);
    }
  });
}

/** YYYY-MM-DD that exists in the calendar (no 2027-02-30). */
export function isRealDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
