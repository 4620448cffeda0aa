/**
 * Manifests for the Kubernetes rule tests, written for these tests (never taken from the policy corpus): a
 * compliant model-serving stack shaped like what modelplane's components emit, plus a helper to run one rule the
 * way the runner does (config defaults from the rule's schema, the object itself in its inventory).
 */
import { NOT_APPLICABLE, type Environment, type KubeObject, type Rule } from "../../policies/rule.ts";

export type Expect = "pass" | "fail" | "not-applicable";

export interface Case {
  name: string;
  obj: KubeObject;
  /** Other objects of the same input (the object itself is added). */
  inventory?: KubeObject[];
  environment?: Environment;
  config?: Record<string, unknown>;
  expect: Expect;
  /** For failures: a pattern one of the messages must match. */
  message?: RegExp;
}

export type CaseTable = Record<string, Case[]>;

export function defaults(rule: Rule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(rule.configSchema ?? {})) if (p.default !== undefined) out[k] = structuredClone(p.default);
  return out;
}

export function judge(rule: Rule, c: Omit<Case, "name" | "expect">): { verdict: Expect; messages: string[] } {
  // The runner only hands a rule the kinds it declares; mirror that so kind filtering is part of what is tested.
  if (rule.kinds !== "*" && !rule.kinds.includes(c.obj.kind)) return { verdict: "not-applicable", messages: [] };
  const res = rule.validate(c.obj, {
    environment: c.environment,
    config: { ...defaults(rule), ...(c.config ?? {}) },
    inventory: [c.obj, ...(c.inventory ?? [])],
  });
  if (res === NOT_APPLICABLE) return { verdict: "not-applicable", messages: [] };
  return { verdict: res.length ? "fail" : "pass", messages: res };
}

/** A deep copy changed by `edit`, so cases never share state. */
export function variant<T extends KubeObject>(base: T, edit: (o: any) => void): T {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

export const NS = "models";
const DIGEST = "sha256:" + "a1".repeat(32);
export const IMAGE = `ghcr.io/acme/modelplane-inference@${DIGEST}`;
const labels = { "app.kubernetes.io/name": "modelplane-inference", "app.kubernetes.io/instance": "resnet" };
const meta = (name: string) => ({
  name,
  namespace: NS,
  labels: { ...labels, "app.kubernetes.io/component": "inference", "app.kubernetes.io/part-of": "modelplane", "app.kubernetes.io/managed-by": "pulumi" },
});

export function container(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "server",
    image: IMAGE,
    imagePullPolicy: "IfNotPresent",
    ports: [{ name: "http", containerPort: 8000 }],
    resources: {
      requests: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" },
      limits: { memory: "16Gi", "nvidia.com/gpu": "1" },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [
      { name: "cache", mountPath: "/var/cache/models" },
      { name: "dshm", mountPath: "/dev/shm" },
    ],
    env: [{ name: "MODEL_NAME", value: "resnet" }],
    startupProbe: { httpGet: { path: "/v2/health/ready", port: "http" }, periodSeconds: 10, failureThreshold: 60 },
    readinessProbe: { httpGet: { path: "/v2/health/ready", port: "http" }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: "/v2/health/live", port: "http" }, periodSeconds: 10 },
    ...extra,
  };
}

/** The inference Deployment: restricted security context, GPU, memory-backed /dev/shm, spread, autoscaled (no replicas). */
export const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: meta("resnet"),
  spec: {
    selector: { matchLabels: labels },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
    template: {
      metadata: { labels: { ...labels, "app.kubernetes.io/component": "inference" } },
      spec: {
        automountServiceAccountToken: false,
        serviceAccountName: "resnet",
        priorityClassName: "model-serving",
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
        containers: [container()],
        volumes: [
          { name: "cache", emptyDir: { sizeLimit: "20Gi" } },
          { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "2Gi" } },
        ],
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB" },
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
        ],
      },
    },
  },
};

export const service: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: meta("resnet"),
  spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
};

export const pdb: KubeObject = {
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: meta("resnet"),
  spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
};

export const networkPolicy: KubeObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: meta("resnet"),
  spec: {
    podSelector: { matchLabels: labels },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } }], ports: [{ port: 8000 }] }],
  },
};

export const scaledObject: KubeObject = {
  apiVersion: "keda.sh/v1alpha1",
  kind: "ScaledObject",
  metadata: meta("resnet"),
  spec: {
    scaleTargetRef: { name: "resnet" },
    minReplicaCount: 2,
    maxReplicaCount: 6,
    triggers: [{ type: "prometheus", metadata: { query: "sum(modelplane_inference_pending_requests)", threshold: "4" } }],
  },
};

export const hpa: KubeObject = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: meta("resnet"),
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "resnet" },
    minReplicas: 2,
    maxReplicas: 6,
    metrics: [{ type: "Pods", pods: { metric: { name: "modelplane_inference_pending_requests" }, target: { type: "AverageValue", averageValue: "4" } } }],
  },
};

export const serviceAccount: KubeObject = {
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: meta("resnet"),
  automountServiceAccountToken: false,
};

/** The whole compliant stack: every k8s rule passes (or does not apply) on each object. */
export const stack: KubeObject[] = [deployment, service, pdb, networkPolicy, scaledObject, serviceAccount];

/** A bare Pod with the same compliant spec (for rules that also judge Pods). */
export const pod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { ...meta("resnet-debug"), ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "resnet-abc", uid: "1" }] },
  spec: structuredClone((deployment.spec as any).template.spec),
};

/** The Deployment's pod spec inside a copy, for terse edits: `withPod((p) => { p.hostNetwork = true; })`. */
export function withPod(edit: (pod: any, c: any) => void, base: KubeObject = deployment): KubeObject {
  return variant(base, (o) => {
    const p = o.kind === "Pod" ? o.spec : o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
    edit(p, p.containers[0]);
  });
}
