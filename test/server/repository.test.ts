/**
 * The model repository: versions and config.yaml, the repository API (index, load a new version
 * without a restart, unload), readiness that reflects every model's state, and /metrics that
 * Prometheus' own linter accepts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { logisticRegression, mlp, seededFloats, writeModel } from "../fixtures/onnx/build.ts";
import { defaultConfig, startServer, type RunningServer } from "../../services/inference/index.ts";
import { http, postJson, startTestServer, tempDir } from "./helpers.ts";
import { pino } from "pino";

const x8 = { inputs: [{ name: "x", datatype: "FP32", shape: [1, 8], data: Array.from(seededFloats(8, 1)) }] };

describe("versions and the repository API", () => {
  const dir = tempDir();
  let server: RunningServer;
  before(async () => {
    writeModel(dir.path, "mlp", "1", mlp(16));
    writeModel(dir.path, "mlp", "2", mlp(32), "versionPolicy: {all: true}\nmaxBatchSize: 4\n");
    writeModel(dir.path, "logreg", "1", logisticRegression());
    writeModel(dir.path, "logreg", "3", logisticRegression()); // default policy: only the latest is served
    server = await startTestServer({ repo: dir.path, settings: { maxQueueDelayMs: 0 } });
  });
  after(async () => {
    await server.close();
    dir.remove();
  });

  test("the index lists every version with its state", async () => {
    const res = await http(server.url, "POST", "/v2/repository/index");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), [
      { name: "logreg", version: "3", state: "READY" },
      { name: "mlp", version: "1", state: "READY" },
      { name: "mlp", version: "2", state: "READY" },
    ]);
  });

  test("both mlp versions answer; the unversioned route picks the newest", async () => {
    const v1 = await postJson(server.url, "/v2/models/mlp/versions/1/infer", x8);
    const v2 = await postJson(server.url, "/v2/models/mlp/versions/2/infer", x8);
    const latest = await postJson(server.url, "/v2/models/mlp/infer", x8);
    assert.equal(v1.json().model_version, "1");
    assert.equal(latest.json().model_version, "2");
    assert.deepEqual(latest.json().outputs, v2.json().outputs);
    assert.notDeepEqual(v1.json().outputs, v2.json().outputs);
    const meta = (await http(server.url, "GET", "/v2/models/mlp")).json();
    assert.deepEqual(meta.versions, ["1", "2"]);
    assert.equal((await http(server.url, "GET", "/v2/models/mlp/versions/1/ready")).status, 200);
    assert.equal((await http(server.url, "GET", "/v2/models/logreg/versions/1/ready")).status, 404);
  });

  test("loading again picks up a new version without a restart, then retires the old one", async () => {
    writeModel(dir.path, "logreg", "4", logisticRegression());
    const res = await http(server.url, "POST", "/v2/repository/models/logreg/load", "{}");
    assert.equal(res.status, 200, res.body.toString());
    const meta = (await http(server.url, "GET", "/v2/models/logreg")).json();
    assert.deepEqual(meta.versions, ["4"]);
    const infer = await postJson(server.url, "/v2/models/logreg/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [1, 4], data: [1, 2, 3, 4] }] });
    assert.equal(infer.json().model_version, "4");
  });

  test("a broken new version fails to load (500) while the old version keeps serving", async () => {
    mkdirSync(join(dir.path, "logreg", "5"), { recursive: true });
    writeFileSync(join(dir.path, "logreg", "5", "model.onnx"), "not a model");
    const res = await http(server.url, "POST", "/v2/repository/models/logreg/load");
    assert.equal(res.status, 500);
    assert.match(res.json().error, /version 5/);
    const infer = await postJson(server.url, "/v2/models/logreg/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [1, 4], data: [1, 2, 3, 4] }] });
    assert.equal(infer.status, 200);
    assert.equal(infer.json().model_version, "4");
    assert.equal((await http(server.url, "GET", "/v2/health/ready")).status, 200, "still in rotation");
    rmSync(join(dir.path, "logreg", "5"), { recursive: true });
    assert.equal((await http(server.url, "POST", "/v2/repository/models/logreg/load")).status, 200);
  });

  test("unload removes a model; the server stays ready; loading brings it back", async () => {
    assert.equal((await http(server.url, "POST", "/v2/repository/models/logreg/unload")).status, 200);
    assert.equal((await http(server.url, "GET", "/v2/models/logreg")).status, 404);
    assert.equal((await http(server.url, "GET", "/v2/health/ready")).status, 200);
    const index = (await http(server.url, "POST", "/v2/repository/index")).json();
    assert.deepEqual(index.find((e: { name: string }) => e.name === "logreg"), { name: "logreg", state: "unavailable", reason: "not loaded" });
    assert.equal((await http(server.url, "POST", "/v2/repository/models/logreg/load")).status, 200);
    assert.equal((await http(server.url, "GET", "/v2/models/logreg/ready")).status, 200);
  });

  test("loading a model the repository does not have is a 404", async () => {
    const res = await http(server.url, "POST", "/v2/repository/models/ghost/load");
    assert.equal(res.status, 404);
    assert.match(res.json().error, /ghost/);
  });

  test("server metadata names the extensions", async () => {
    const doc = (await http(server.url, "GET", "/v2")).json();
    assert.equal(doc.name, "modelplane");
    assert.deepEqual(doc.extensions, ["binary_tensor_data", "model_repository"]);
  });
});

describe("readiness follows model state", () => {
  test("a broken model file: live, not ready, and the reason is visible", async () => {
    const dir = tempDir();
    writeModel(dir.path, "good", "1", mlp());
    mkdirSync(join(dir.path, "bad", "1"), { recursive: true });
    writeFileSync(join(dir.path, "bad", "1", "model.onnx"), "this is not protobuf");
    const server = await startTestServer({ repo: dir.path });
    try {
      assert.equal((await http(server.url, "GET", "/v2/health/live")).status, 200);
      const ready = await http(server.url, "GET", "/v2/health/ready");
      assert.equal(ready.status, 503);
      assert.equal(ready.headers["retry-after"], "1");
      assert.match(ready.json().reasons[0], /^bad\/1: failed/);
      const modelReady = await http(server.url, "GET", "/v2/models/bad/ready");
      assert.equal(modelReady.status, 503);
      assert.equal(modelReady.json().state, "FAILED");
      assert.ok(modelReady.json().reason.length > 0);
      const meta = (await http(server.url, "GET", "/v2/models/bad")).json();
      assert.equal(meta.state, "FAILED");
      const infer = await postJson(server.url, "/v2/models/bad/infer", x8);
      assert.equal(infer.status, 503);
      assert.equal((await postJson(server.url, "/v2/models/good/infer", x8)).status, 200);
    } finally {
      await server.close();
      dir.remove();
    }
  });

  test("a model folder without versions keeps the server not ready, saying why", async () => {
    const dir = tempDir();
    writeModel(dir.path, "good", "1", mlp());
    mkdirSync(join(dir.path, "empty"));
    const server = await startTestServer({ repo: dir.path });
    try {
      const ready = await http(server.url, "GET", "/v2/health/ready");
      assert.equal(ready.status, 503);
      assert.match(ready.json().error, /empty: .*no version folder/);
      const index = (await http(server.url, "POST", "/v2/repository/index")).json();
      assert.match(index.find((e: { name: string }) => e.name === "empty").reason, /no version folder/);
      writeModel(dir.path, "empty", "1", mlp());
      assert.equal((await http(server.url, "POST", "/v2/repository/models/empty/load")).status, 200);
      assert.equal((await http(server.url, "GET", "/v2/health/ready")).status, 200);
    } finally {
      await server.close();
      dir.remove();
    }
  });

  test("a remote reference that cannot be pulled fails with the puller's reason", async () => {
    const dir = tempDir();
    const server = await startTestServer({ models: [{ name: "remote", ref: `layout:${join(dir.path, "no-layout")}@sha256:${"0".repeat(64)}` }], config: { cacheDir: join(dir.path, "cache") } });
    try {
      const res = await http(server.url, "GET", "/v2/models/remote/ready");
      assert.equal(res.status, 503);
      assert.equal(res.json().state, "FAILED");
      assert.match(res.json().reason, /no-layout|not found|ENOENT|exist/i);
    } finally {
      await server.close();
      dir.remove();
    }
  });

  test("cuda where the provider library is missing fails at start; with fallback allowed it serves on CPU", async () => {
    const dir = tempDir();
    writeModel(dir.path, "mlp", "1", mlp());
    const config = defaultConfig({ port: 0, modelRepository: dir.path });
    config.defaults.executionProvider = "cuda";
    await assert.rejects(startServer(config, { logger: pino({ level: "silent" }) }), /CUDA execution provider is not installed/);
    const fallback = await startTestServer({ repo: dir.path, settings: { executionProvider: "cuda", allowCpuFallback: true } });
    try {
      assert.equal((await postJson(fallback.url, "/v2/models/mlp/infer", x8)).status, 200);
    } finally {
      await fallback.close();
      dir.remove();
    }
  });

  test("a config.yaml with an unknown key stops the start with file:line:field", async () => {
    const dir = tempDir();
    writeModel(dir.path, "mlp", "1", mlp(), "maxBatchSize: 4\nmaxBatchsize: 8\n");
    const config = defaultConfig({ port: 0, modelRepository: dir.path });
    await assert.rejects(startServer(config, { logger: pino({ level: "silent" }) }), /config\.yaml:2: maxBatchsize: unknown setting/);
    dir.remove();
  });
});

describe("metrics", () => {
  test("/metrics passes promtool's linter and carries every DESIGN metric with SLO bucket edges", async () => {
    const dir = tempDir();
    writeModel(dir.path, "mlp", "1", mlp());
    const server = await startTestServer({ repo: dir.path, config: { latencyBuckets: [0.002, 0.02, 0.2] } });
    try {
      await postJson(server.url, "/v2/models/mlp/infer", x8);
      await postJson(server.url, "/v2/models/mlp/infer", { inputs: [] });
      const res = await http(server.url, "GET", "/metrics");
      assert.equal(res.status, 200);
      const text = res.body.toString();
      const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      assert.ok(lint.status === 0 || lint.status === 3, `promtool could not parse /metrics: ${lint.stderr}`);
      // prom-client's own nodejs_* gauges trip one naming lint; ours must be clean.
      const problems = `${lint.stdout}${lint.stderr}`.split("\n").filter((l) => l.trim() && !l.startsWith("nodejs_"));
      assert.deepEqual(problems, []);
      for (const name of [
        "modelplane_inference_requests_total",
        "modelplane_inference_request_duration_seconds_bucket",
        "modelplane_inference_queue_duration_seconds_bucket",
        "modelplane_inference_compute_duration_seconds_bucket",
        "modelplane_inference_batch_size_bucket",
        "modelplane_inference_pending_requests",
        "modelplane_inference_model_load_duration_seconds",
      ]) assert.match(text, new RegExp(`^${name}\\{`, "m"), name);
      assert.match(text, /modelplane_inference_requests_total\{model="mlp",version="1",outcome="success"\} 1/);
      assert.match(text, /modelplane_inference_requests_total\{model="mlp",version="1",outcome="client_error"\} 1/);
      assert.match(text, /modelplane_inference_request_duration_seconds_bucket\{le="0.02",model="mlp",version="1"\}/);
      assert.match(text, /modelplane_inference_pending_requests\{model="mlp",version="1"\} 0/);
    } finally {
      await server.close();
      dir.remove();
    }
  });
});
