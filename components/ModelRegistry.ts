/**
 * Where model artifacts and the server image live: an in-cluster OCI distribution registry (PVC, credentials
 * Secret, htpasswd generated at pod start) or an external registry the team already runs (Harbor, GHCR, ECR...),
 * in both cases with an image pull Secret for the model servers. Optionally builds the model server image
 * from services/inference with @pulumi/docker and exposes it by digest.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as docker from "@pulumi/docker";
import { networkPolicy, podDisruptionBudget } from "./disruption.ts";
import { DISTRIBUTION_REGISTRY_IMAGE, HTPASSWD_IMAGE } from "./images.ts";
import { selectorLabels, standardLabels } from "./labels.ts";
import { k8sName } from "./naming.ts";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./security.ts";
import { ArgumentError } from "./errors.ts";

export const REGISTRY_PORT = 5000;
const REGISTRY_MODES = ["in-cluster", "external"] as const;

export interface ServerImageBuildArgs {
  /** Build context: the services/inference folder's parent (the repository root), since the server imports platform/models. */
  context: pulumi.Input<string>;
  dockerfile: pulumi.Input<string>;
  /** Repository inside the registry, e.g. `modelplane/inference`. */
  repository: pulumi.Input<string>;
  tag?: pulumi.Input<string>;
  platform?: pulumi.Input<string>;
  /** Docker build args, e.g. `EXECUTION_PROVIDER: cuda` for the GPU variant of the server image. */
  args?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface ModelRegistryArgs {
  namespace: pulumi.Input<string>;
  /** `in-cluster` or `external`. Plain: it decides which resources exist. */
  mode: string;
  /**
   * Host[:port] clients push to and nodes pull from. Required for `external`; for `in-cluster` the address the
   * registry is reachable at from outside (an Ingress or LoadBalancer host), defaulting to the Service's DNS name.
   */
  server?: pulumi.Input<string>;
  username: pulumi.Input<string>;
  password: pulumi.Input<string>;
  storageSize?: pulumi.Input<string>;
  storageClass?: pulumi.Input<string>;
  image?: pulumi.Input<string>;
  htpasswdImage?: pulumi.Input<string>;
  /** Build and push the model server image into this registry. */
  serverImage?: ServerImageBuildArgs;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class ModelRegistry extends pulumi.ComponentResource {
  /** host[:port] of the registry. */
  readonly address: pulumi.Output<string>;
  /** Name of the `kubernetes.io/dockerconfigjson` Secret model servers pull with. */
  readonly pullSecretName: pulumi.Output<string>;
  /** In-cluster mode: the Service's host:port, which speaks plain HTTP (clients must be told so). */
  readonly plainHttpAddress?: pulumi.Output<string>;
  /** `repo@sha256:...` of the built server image, when `serverImage` was given. */
  readonly serverImage?: pulumi.Output<string>;

  constructor(name: string, args: ModelRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!(REGISTRY_MODES as readonly string[]).includes(args.mode)) {
      throw new ArgumentError(`registry.mode: must be one of ${REGISTRY_MODES.join(", ")}, got '${args.mode}'`);
    }
    if (args.mode === "external" && !args.server) throw new ArgumentError("registry.server: required for an external registry");
    super("modelplane:index:ModelRegistry", name, {}, opts);
    const child = { parent: this };
    const ns = args.namespace;
    const objectName = "model-registry";
    const labels = standardLabels({ name: "registry", instance: objectName, component: "registry", extra: args.labels });
    const password = pulumi.secret(args.password);

    if (args.mode === "in-cluster") {
      this.plainHttpAddress = pulumi.interpolate`${objectName}.${ns}.svc.cluster.local:${REGISTRY_PORT}`;
      this.address = args.server
        ? pulumi.output(args.server)
        : this.plainHttpAddress;
      this.deployInCluster(name, args, ns, objectName, labels, password, child);
    } else {
      this.address = pulumi.output(args.server!);
    }

    const auth = pulumi.all([this.address, args.username, password]).apply(([server, user, pass]) =>
      JSON.stringify({ auths: { [server]: { username: user, password: pass, auth: Buffer.from(`${user}:${pass}`).toString("base64") } } }));
    const pullSecret = new k8s.core.v1.Secret(`${name}-pull-secret`, {
      metadata: { name: k8sName(objectName, "pull"), namespace: ns, labels },
      type: "kubernetes.io/dockerconfigjson",
      stringData: { ".dockerconfigjson": pulumi.secret(auth) },
    }, child);
    this.pullSecretName = pullSecret.metadata.name;

    if (args.serverImage) {
      const build = args.serverImage;
      const image = new docker.Image(`${name}-server-image`, {
        imageName: pulumi.interpolate`${this.address}/${build.repository}:${build.tag ?? "latest"}`,
        build: { context: build.context, dockerfile: build.dockerfile, platform: build.platform ?? "linux/amd64", ...(build.args ? { args: build.args } : {}) },
        registry: { server: this.address, username: args.username, password },
      }, child);
      // The digest, not the tag, goes into Deployments: what was built is exactly what runs.
      this.serverImage = image.repoDigest;
    }
    this.registerOutputs({ address: this.address, pullSecretName: this.pullSecretName, serverImage: this.serverImage });
  }

  private deployInCluster(
    name: string,
    args: ModelRegistryArgs,
    ns: pulumi.Input<string>,
    objectName: string,
    labels: pulumi.Output<Record<string, string>>,
    password: pulumi.Output<string>,
    child: pulumi.CustomResourceOptions,
  ): void {
    const selector = selectorLabels({ name: "registry", instance: objectName });
    const credentials = new k8s.core.v1.Secret(`${name}-credentials`, {
      metadata: { name: k8sName(objectName, "credentials"), namespace: ns, labels },
      type: "Opaque",
      stringData: { username: args.username, password },
    }, child);
    const pvc = new k8s.core.v1.PersistentVolumeClaim(`${name}-storage`, {
      metadata: { name: k8sName(objectName, "storage"), namespace: ns, labels },
      spec: {
        accessModes: ["ReadWriteOnce"],
        ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
        resources: { requests: { storage: args.storageSize ?? "100Gi" } },
      },
    }, child);
    const small = { cpu: "100m", memory: "64Mi", "ephemeral-storage": "64Mi" };
    const registry = { cpu: "500m", memory: "512Mi", "ephemeral-storage": "1Gi" };
    new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { name: objectName, namespace: ns, labels },
      spec: {
        // One writer on a ReadWriteOnce volume: Recreate avoids two pods fighting over it during a rollout.
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            initContainers: [{
              name: "htpasswd",
              image: args.htpasswdImage ?? HTPASSWD_IMAGE,
              imagePullPolicy: "IfNotPresent",
              // Credentials come in as files, not env vars: env leaks into `kubectl describe` and crash dumps.
              command: ["sh", "-c", 'htpasswd -Bbn "$(cat /credentials/username)" "$(cat /credentials/password)" > /auth/htpasswd'],
              resources: { requests: small, limits: small },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: "auth", mountPath: "/auth" }, { name: "credentials", mountPath: "/credentials", readOnly: true }],
            }],
            containers: [{
              name: "registry",
              image: args.image ?? DISTRIBUTION_REGISTRY_IMAGE,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "registry", containerPort: REGISTRY_PORT, protocol: "TCP" }],
              env: [
                { name: "REGISTRY_AUTH", value: "htpasswd" },
                { name: "REGISTRY_AUTH_HTPASSWD_REALM", value: "modelplane" },
                { name: "REGISTRY_AUTH_HTPASSWD_PATH", value: "/auth/htpasswd" },
                { name: "REGISTRY_STORAGE_DELETE_ENABLED", value: "true" },
              ],
              resources: { requests: registry, limits: registry },
              securityContext: restrictedContainerSecurityContext(),
              startupProbe: { httpGet: { path: "/", port: "registry" }, periodSeconds: 2, failureThreshold: 30 },
              readinessProbe: { httpGet: { path: "/", port: "registry" }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: "registry" }, periodSeconds: 10, failureThreshold: 3 },
              volumeMounts: [
                { name: "storage", mountPath: "/var/lib/registry" },
                { name: "auth", mountPath: "/auth", readOnly: true },
              ],
            }],
            volumes: [
              { name: "storage", persistentVolumeClaim: { claimName: pvc.metadata.name } },
              { name: "auth", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
              { name: "credentials", secret: { secretName: credentials.metadata.name, defaultMode: 0o400 } },
            ],
          },
        },
      },
    }, child);
    new k8s.core.v1.Service(`${name}-service`, {
      metadata: { name: objectName, namespace: ns, labels },
      spec: { type: "ClusterIP", selector, ports: [{ name: "registry", port: REGISTRY_PORT, targetPort: "registry", protocol: "TCP" }] },
    }, child);
    const guard = { objectName, namespace: ns, labels, selector };
    podDisruptionBudget(`${name}-pdb`, guard, child);
    // Pushes come from outside (CI, the CLI) and pulls from nodes and model servers: the registry's own auth
    // guards it. It needs no egress at all.
    networkPolicy(`${name}-netpol`, { ...guard, ingress: [{ ports: [{ port: REGISTRY_PORT, protocol: "TCP" }] }], egress: [] }, child);
  }
}
