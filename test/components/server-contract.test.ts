/**
 * The Deployment's container args are only right if the real server accepts them: parse what InferenceService
 * emits with the server's own argument parser and the pod's environment.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { InferenceService } from "../../components/InferenceService.ts";
import { CACHE_DIR, LIVE_PATH, METRIC_PENDING, METRIC_REQUESTS, METRIC_REQUEST_DURATION, READY_PATH, SERVER_PORT } from "../../components/server-contract.ts";
import { parseServerArgs } from "../../services/inference/config.ts";
import { ServerMetrics } from "../../services/inference/metrics.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ModelPlatform } from "../../components/ModelPlatform.ts";
import { resolveCredentials } from "../../platform/models/credentials.ts";
import { resolveSpec } from "../../platform/spec/index.ts";
import { build, podSpec } from "../helpers/components.ts";

const artifact = `oci://registry.example.com/models/fraud@sha256:${"a".repeat(64)}`;

test("the server parses the container args and env InferenceService emits", async () => {
  const b = await build(() => {
    new InferenceService("fraud", {
      namespace: "ml", modelName: "fraud", artifact, image: "img",
      batching: { maxBatchSize: 16, maxQueueDelayMs: 4, maxQueueSize: 100, timeoutMs: 2500 },
      slo: { availability: 99.9, latencyThresholdMs: 120, latencyTarget: 99 },
      drainSeconds: 20,
    });
  });
  const c = podSpec(b.one("Deployment")).containers[0];
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
  const config = parseServerArgs(c.args, env);
  assert.equal(config.host, "0.0.0.0", "listens beyond loopback inside the pod");
  assert.equal(config.port, SERVER_PORT);
  assert.equal(c.ports[0].containerPort, SERVER_PORT);
  assert.deepEqual(config.models, [{ name: "fraud", ref: artifact }]);
  assert.equal(config.cacheDir, CACHE_DIR);
  assert.equal(config.defaults.maxBatchSize, 16);
  assert.equal(config.defaults.maxQueueDelayMs, 4);
  assert.equal(config.defaults.maxQueueSize, 100);
  assert.equal(config.defaults.timeoutMs, 2500);
  assert.equal(config.drainTimeoutMs, 20_000);
  assert.equal(config.drainDelayMs, 5_000, "the server itself waits for endpoint removal after SIGTERM");
  assert.ok(podSpec(b.one("Deployment")).terminationGracePeriodSeconds >= 5 + 20, "the grace period covers delay and drain");
  assert.equal(config.defaults.executionProvider, "cpu");
  assert.ok(config.latencyBuckets.includes(0.12), "the SLO threshold is a bucket edge");
  assert.ok(c.readinessProbe.httpGet.path === READY_PATH && c.livenessProbe.httpGet.path === LIVE_PATH);
});

test("the metric names alerts, dashboards and autoscalers query are the ones the server exports", async () => {
  const metrics = new ServerMetrics([0.1], false);
  const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
  for (const name of [METRIC_REQUESTS, METRIC_REQUEST_DURATION, METRIC_PENDING]) assert.ok(names.includes(name), name);
});

test("the server finds the registry credentials and plain-HTTP setting the platform gives it", async () => {
  const host = "model-registry.ml.svc.cluster.local:5000";
  const spec = resolveSpec({
    environment: "dev",
    namespace: "ml",
    registry: { mode: "in-cluster", username: "robot", password: "s3cret" },
    server: { image: "img" },
    models: [{ name: "fraud", artifact: `oci://${host}/models/fraud:1` }],
  }, { stack: "dev" });
  const b = await build(() => { new ModelPlatform("mp", { spec }); });
  const pod = podSpec(b.one("Deployment", "fraud"));
  const c = pod.containers[0];
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
  assert.deepEqual(env.MODELPLANE_INSECURE_REGISTRIES.split(","), [host], "the in-cluster registry speaks plain HTTP");

  // Lay the mounted Secret out as the kubelet would, and let the server's own lookup read it.
  const mount = c.volumeMounts.find((m: any) => m.mountPath === env.DOCKER_CONFIG);
  assert.ok(mount, "DOCKER_CONFIG points at a mounted volume");
  const volume = pod.volumes.find((v: any) => v.name === mount.name);
  const secret = b.one("Secret", volume.secret.secretName);
  const dir = await mkdtemp(path.join(tmpdir(), "docker-config-"));
  try {
    for (const item of volume.secret.items) await writeFile(path.join(dir, item.path), secret.stringData[item.key]);
    assert.deepEqual(resolveCredentials(host, undefined, { DOCKER_CONFIG: dir }), { username: "robot", password: "s3cret" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a GPU model's server is told to use CUDA, so a missing provider fails the pod instead of running on CPU", async () => {
  const b = await build(() => {
    new InferenceService("ranker", { namespace: "ml", modelName: "ranker", artifact, image: "img", resources: { gpu: 1, gpuProduct: "NVIDIA-L4" } });
  });
  const c = podSpec(b.one("Deployment")).containers[0];
  const config = parseServerArgs(c.args, Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value])));
  assert.equal(config.defaults.executionProvider, "cuda");
  assert.equal(config.defaults.allowCpuFallback, false);
});
