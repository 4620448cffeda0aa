/**
 * The pod template of a model server replica: restricted security context, read-only root with emptyDirs for
 * caches and a memory-backed /dev/shm, probes on the server's health endpoints, GPU scheduling and topology
 * spread. Shared by the stable and the canary Deployment of an InferenceService.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { gpuPodFields, type GpuRequest } from "./gpu.ts";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./security.ts";
import {
  CACHE_DIR, DRAIN_DELAY_SECONDS, LIVE_PATH, READY_PATH, SERVER_PORT_NAME, SHM_DIR, TMP_DIR, serverArgs, type ServerFlags,
} from "./server-contract.ts";

export const STARTUP_PROBE_PERIOD_SECONDS = 5;
/** Annotation telling the policy pack how long the model may take to pull, load and warm. */
export const STARTUP_BUDGET_ANNOTATION = "modelplane.dev/startup-budget-seconds";

export interface ModelServerPodArgs {
  labels: pulumi.Input<Record<string, string>>;
  image: pulumi.Input<string>;
  server: pulumi.Input<ServerFlags>;
  cpu: pulumi.Input<string>;
  memory: pulumi.Input<string>;
  shmSize: pulumi.Input<string>;
  cacheSize: pulumi.Input<string>;
  /** Node-local disk the pod may use (caches, logs); bounded so a runaway cache cannot evict neighbours. */
  ephemeralStorage: pulumi.Input<string>;
  gpu: GpuRequest;
  startupSeconds: number;
  drainSeconds: number;
  imagePullSecrets: pulumi.Input<string>[];
  priorityClassName?: pulumi.Input<string>;
  /** Selector labels for topology spread (the stable subset). */
  spreadSelector: pulumi.Input<Record<string, string>>;
  /** `kubernetes.io/dockerconfigjson` Secret the server pulls model artifacts with. */
  registryCredentialsSecret?: pulumi.Input<string>;
  /** Registries (host[:port]) the server must reach over plain HTTP. */
  insecureRegistries?: pulumi.Input<string>[];
}

/** Where the registry credentials Secret is mounted; the server reads `config.json` there (docker's format). */
export const REGISTRY_CONFIG_DIR = "/var/run/secrets/modelplane/registry";

export function modelServerPodTemplate(a: ModelServerPodArgs): k8s.types.input.core.v1.PodTemplateSpec {
  const gpu = gpuPodFields(a.gpu);
  const resources = pulumi.all([a.cpu, a.memory, a.ephemeralStorage]).apply(([cpu, memory, disk]) => {
    // Requests equal limits: Guaranteed QoS, and the device plugin requires it for GPUs anyway.
    const amounts: Record<string, string> = { cpu, memory, "ephemeral-storage": disk, ...gpu.resources };
    return { requests: amounts, limits: amounts };
  });
  const startupFailures = Math.max(1, Math.ceil(a.startupSeconds / STARTUP_PROBE_PERIOD_SECONDS));
  const hasNodeSelector = Object.keys(gpu.nodeSelector).length > 0;
  return {
    metadata: {
      labels: a.labels,
      annotations: {
        [STARTUP_BUDGET_ANNOTATION]: String(a.startupSeconds),
        "prometheus.io/scrape": "false", // scraped through the ServiceMonitor, not annotations
      },
    },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(),
      // Drain delay, then up to drainSeconds for in-flight work, then a margin before SIGKILL.
      terminationGracePeriodSeconds: DRAIN_DELAY_SECONDS + a.drainSeconds + 5,
      ...(a.imagePullSecrets.length > 0 ? { imagePullSecrets: a.imagePullSecrets.map((name) => ({ name })) } : {}),
      ...(a.priorityClassName ? { priorityClassName: a.priorityClassName } : {}),
      ...(gpu.tolerations.length > 0 ? { tolerations: gpu.tolerations } : {}),
      ...(hasNodeSelector ? { nodeSelector: gpu.nodeSelector } : {}),
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: a.spreadSelector } },
        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: a.spreadSelector } },
      ],
      containers: [
        {
          name: "server",
          image: a.image,
          imagePullPolicy: "IfNotPresent",
          args: pulumi.output(a.server).apply(serverArgs),
          ports: [{ name: SERVER_PORT_NAME, containerPort: pulumi.output(a.server).apply((s) => s.port), protocol: "TCP" }],
          env: [
            { name: "HOME", value: TMP_DIR },
            { name: "MODELPLANE_CACHE_DIR", value: CACHE_DIR },
            { name: "NODE_OPTIONS", value: "--enable-source-maps" },
            // Artifact pulls authenticate like docker does (platform/models/credentials.ts), from a file rather
            // than env vars so the password never shows in `kubectl describe`.
            ...(a.registryCredentialsSecret ? [{ name: "DOCKER_CONFIG", value: REGISTRY_CONFIG_DIR }] : []),
            ...(a.insecureRegistries && a.insecureRegistries.length > 0
              ? [{ name: "MODELPLANE_INSECURE_REGISTRIES", value: pulumi.all(a.insecureRegistries).apply((hosts) => hosts.join(",")) }]
              : []),
          ],
          resources,
          securityContext: restrictedContainerSecurityContext(),
          startupProbe: {
            httpGet: { path: READY_PATH, port: SERVER_PORT_NAME },
            periodSeconds: STARTUP_PROBE_PERIOD_SECONDS,
            failureThreshold: startupFailures,
            timeoutSeconds: 2,
          },
          readinessProbe: {
            httpGet: { path: READY_PATH, port: SERVER_PORT_NAME },
            periodSeconds: 5,
            failureThreshold: 2,
            timeoutSeconds: 2,
          },
          livenessProbe: {
            httpGet: { path: LIVE_PATH, port: SERVER_PORT_NAME },
            periodSeconds: 10,
            failureThreshold: 3,
            timeoutSeconds: 5,
          },
          volumeMounts: [
            { name: "tmp", mountPath: TMP_DIR },
            { name: "model-cache", mountPath: CACHE_DIR },
            { name: "dshm", mountPath: SHM_DIR },
            ...(a.registryCredentialsSecret ? [{ name: "registry-credentials", mountPath: REGISTRY_CONFIG_DIR, readOnly: true }] : []),
          ],
        },
      ],
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
        { name: "model-cache", emptyDir: { sizeLimit: a.cacheSize } },
        { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: a.shmSize } },
        // 0440 plus the pod's fsGroup: readable by the non-root server, by nobody else.
        ...(a.registryCredentialsSecret
          ? [{ name: "registry-credentials", secret: { secretName: a.registryCredentialsSecret, defaultMode: 0o440, items: [{ key: ".dockerconfigjson", path: "config.json" }] } }]
          : []),
      ],
    },
  };
}
