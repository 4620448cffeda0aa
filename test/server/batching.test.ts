/**
 * The dynamic batcher: concurrent requests merge into one onnxruntime run and each client gets exactly
 * its own rows; a full queue answers 503 + Retry-After at once; a request past its timeout gets 503.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import ort from "onnxruntime-node";
import { mlp, seededFloats, slow, writeModel } from "../fixtures/onnx/build.ts";
import type { RunningServer } from "../../services/inference/index.ts";
import { http, postJson, startTestServer, tempDir, type HttpResult } from "./helpers.ts";

describe("merging", () => {
  const dir = tempDir();
  let server: RunningServer;
  before(async () => {
    writeModel(dir.path, "mlp", "1", mlp());
    // A long delay with a batch limit the test fills exactly: the batch leaves when it is full, not on a timer.
    server = await startTestServer({ repo: dir.path, settings: { maxBatchSize: 12, maxQueueDelayMs: 10_000 } });
  });
  after(async () => {
    await server.close();
    dir.remove();
  });

  test("requests of 1, 2 and 3 rows run as one batch of 12 and come back split exactly", async () => {
    const rows = [1, 2, 3, 1, 2, 3];
    const inputs = rows.map((n, i) => seededFloats(n * 8, 100 + i));
    const responses = await Promise.all(
      inputs.map((x, i) => postJson(server.url, "/v2/models/mlp/infer", { id: `c${i}`, inputs: [{ name: "x", datatype: "FP32", shape: [rows[i], 8], data: Array.from(x) }] })),
    );
    const session = await ort.InferenceSession.create(mlp());
    for (const [i, res] of responses.entries()) {
      assert.equal(res.status, 200, res.body.toString());
      const doc = res.json();
      assert.equal(doc.id, `c${i}`);
      assert.deepEqual(doc.outputs[0].shape, [rows[i], 3]);
      // Identical to running this request alone, bit for bit.
      const alone = await session.run({ x: new ort.Tensor("float32", inputs[i]!, [rows[i]!, 8]) });
      assert.deepEqual(doc.outputs[0].data, Array.from(alone.logits!.data as Float32Array));
    }
    await session.release();
    const hist = (await server.metrics.batchSize.get()).values;
    const count = hist.find((v) => v.metricName?.endsWith("_count"))?.value;
    const sum = hist.find((v) => v.metricName?.endsWith("_sum"))?.value;
    assert.equal(count, 1, "one batch");
    assert.equal(sum, 12, "of 12 rows");
    const exposition = (await http(server.url, "GET", "/metrics")).body.toString();
    assert.match(exposition, /modelplane_inference_batch_size_bucket\{le="8",model="mlp",version="1"\} 0/);
    assert.match(exposition, /modelplane_inference_batch_size_bucket\{le="16",model="mlp",version="1"\} 1/);
  });
});

describe("several instances", () => {
  test("two sessions in two worker threads answer concurrent requests, each with its own rows", async () => {
    const dir = tempDir();
    writeModel(dir.path, "mlp", "1", mlp());
    const server = await startTestServer({ models: [{ name: "mlp", ref: join(dir.path, "mlp", "1") }], settings: { instances: 2, maxBatchSize: 1 } });
    try {
      const inputs = Array.from({ length: 10 }, (_, i) => seededFloats(8, 500 + i));
      const responses = await Promise.all(inputs.map((x) => postJson(server.url, "/v2/models/mlp/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [1, 8], data: Array.from(x) }] })));
      const session = await ort.InferenceSession.create(mlp());
      for (const [i, res] of responses.entries()) {
        assert.equal(res.status, 200);
        const alone = await session.run({ x: new ort.Tensor("float32", inputs[i]!, [1, 8]) });
        assert.deepEqual(res.json().outputs[0].data, Array.from(alone.logits!.data as Float32Array));
      }
      await session.release();
    } finally {
      await server.close();
      dir.remove();
    }
  });
});

describe("overload and timeouts", () => {
  const dir = tempDir();
  let server: RunningServer;
  before(async () => {
    writeModel(dir.path, "slow", "1", slow(200));
    server = await startTestServer({ repo: dir.path, settings: { maxBatchSize: 1, maxQueueSize: 2, timeoutMs: 60_000 } });
  });
  after(async () => {
    await server.close();
    dir.remove();
  });
  const heavy = (rows: number): unknown => ({ inputs: [{ name: "x", datatype: "FP32", shape: [rows, 256], data: Array.from(seededFloats(rows * 256, rows)) }] });

  test("a full queue answers 503 with Retry-After before the accepted requests finish; accepted ones succeed", async () => {
    const body = heavy(256);
    const finished: { res: HttpResult; order: number }[] = [];
    let order = 0;
    const all = Array.from({ length: 16 }, () =>
      postJson(server.url, "/v2/models/slow/infer", body).then((res) => finished.push({ res, order: order++ })),
    );
    const live = await http(server.url, "GET", "/v2/health/live");
    assert.equal(live.status, 200, "live while overloaded");
    await Promise.all(all);
    const ok = finished.filter((f) => f.res.status === 200);
    const rejected = finished.filter((f) => f.res.status === 503);
    assert.equal(ok.length + rejected.length, 16, "only 200s and 503s");
    assert.ok(ok.length >= 1 && rejected.length >= 1, `${ok.length} accepted, ${rejected.length} rejected`);
    for (const r of rejected) {
      assert.equal(r.res.headers["retry-after"], "1");
      assert.match(r.res.json().error, /queue .* full/);
    }
    for (const r of ok) assert.deepEqual(r.res.json().outputs[0].shape, [256, 256]);
    const lastOk = Math.max(...ok.map((f) => f.order));
    assert.ok(rejected.every((r) => r.order < lastOk), "rejections came back while work was still running");
    const outcomes = (await server.metrics.requests.get()).values;
    assert.equal(outcomes.find((v) => v.labels.outcome === "overloaded")?.value, rejected.length);
  });

  test("a request past its timeout gets 503 and the server carries on", async () => {
    const short = await startTestServer({ repo: dir.path, settings: { maxBatchSize: 1, timeoutMs: 20 } });
    try {
      const res = await postJson(short.url, "/v2/models/slow/infer", heavy(1024));
      assert.equal(res.status, 503);
      assert.equal(res.headers["retry-after"], "1");
      assert.match(res.json().error, /within 20 ms/);
      const outcomes = (await short.metrics.requests.get()).values;
      assert.equal(outcomes.find((v) => v.labels.outcome === "timeout")?.value, 1);
      assert.equal((await http(short.url, "GET", "/v2/health/ready")).status, 200);
    } finally {
      await short.close();
    }
  });
});
