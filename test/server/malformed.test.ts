/**
 * Malformed requests each get a 4xx JSON error naming the problem, and the server keeps answering.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { identityOf, mlp, multiIO, staticShape, writeModel } from "../fixtures/onnx/build.ts";
import type { RunningServer } from "../../services/inference/index.ts";
import { http, postJson, startTestServer, tempDir, type HttpResult } from "./helpers.ts";

const dir = tempDir();
let server: RunningServer;
before(async () => {
  writeModel(dir.path, "mlp", "1", mlp());
  writeModel(dir.path, "multi", "1", multiIO());
  writeModel(dir.path, "static", "1", staticShape());
  writeModel(dir.path, "text", "1", identityOf("BYTES"));
  server = await startTestServer({ repo: dir.path, config: { limits: { maxBodyBytes: 1 << 20, maxJsonDepth: 16, maxElements: 100_000 } } });
});
after(async () => {
  await server.close();
  dir.remove();
});

const row = (n = 8): number[] => Array.from({ length: n }, (_, i) => i / 8);
const x = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ name: "x", datatype: "FP32", shape: [1, 8], data: row(), ...over });
const mlpInfer = "/v2/models/mlp/infer";

/** Sends raw bytes and returns everything the server wrote before closing (or going quiet). */
function raw(text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const sock = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => sock.destroy(), 3000);
    sock.on("data", (c) => chunks.push(c));
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    sock.on("error", reject);
    sock.write(text);
  });
}
const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
const jsonBodyOf = (response: string): { error?: unknown } => JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4).split("HTTP/1.1")[0]!);

function binary(header: unknown, blob: Buffer, headerLength?: string | number): Promise<HttpResult> {
  const h = Buffer.from(JSON.stringify(header));
  return http(server.url, "POST", mlpInfer, Buffer.concat([h, blob]), { "inference-header-content-length": headerLength ?? h.length });
}
const floats = (n: number): Buffer => Buffer.from(new Float32Array(n).buffer);

type Case = [string, number, () => Promise<HttpResult>];
const deep = (depth: number): string => `{"inputs":[${"[".repeat(depth)}${"]".repeat(depth)}]}`;

const cases: Case[] = [
  ["truncated JSON", 400, () => http(server.url, "POST", mlpInfer, '{"inputs": [{"name": "x", "datatype": "FP3')],
  ["body is a JSON array", 400, () => http(server.url, "POST", mlpInfer, "[1,2]")],
  ["empty body", 400, () => http(server.url, "POST", mlpInfer, "")],
  ["no inputs", 400, () => postJson(server.url, mlpInfer, { id: "a" })],
  ["empty inputs", 400, () => postJson(server.url, mlpInfer, { inputs: [] })],
  ["inputs is an object", 400, () => postJson(server.url, mlpInfer, { inputs: { x: 1 } })],
  ["input is a number", 400, () => postJson(server.url, mlpInfer, { inputs: [1] })],
  ["input without name", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ name: undefined })] })],
  ["unknown input name", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ name: "y" })] })],
  ["input given twice", 400, () => postJson(server.url, mlpInfer, { inputs: [x(), x()] })],
  ["missing one of two inputs", 400, () => postJson(server.url, "/v2/models/multi/infer", { inputs: [{ name: "a", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] }] })],
  ["unknown datatype", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ datatype: "FP8" })] })],
  ["wrong datatype for the model", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ datatype: "INT32", data: [1, 2, 3, 4, 5, 6, 7, 8] })] })],
  ["shape is not an array", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: "1x8" })] })],
  ["negative dimension", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: [-1, 8] })] })],
  ["fractional dimension", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: [0.5, 8] })] })],
  ["wrong rank", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: [8] })] })],
  ["fixed dimension differs", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: [1, 7], data: row(7) })] })],
  ["static model, wrong first dimension", 400, () => postJson(server.url, "/v2/models/static/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [3, 3], data: row(9) }] })],
  ["data shorter than shape", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ data: row(7) })] })],
  ["nested data ragged", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: [2, 8], data: [row(8), row(7)] })] })],
  ["string in FP32 data", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ data: [...row(7), "1"] })] })],
  ["null in FP32 data", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ data: [...row(7), null] })] })],
  ["fraction in INT64 data", 400, () => postJson(server.url, "/v2/models/multi/infer", { inputs: [{ name: "a", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] }, { name: "b", datatype: "INT64", shape: [1, 2], data: [1, 1.5] }] })],
  ["number in BYTES data", 400, () => postJson(server.url, "/v2/models/text/infer", { inputs: [{ name: "x", datatype: "BYTES", shape: [1, 2], data: ["a", 2] }] })],
  ["dynamic dimension disagrees across inputs", 400, () => postJson(server.url, "/v2/models/multi/infer", { inputs: [{ name: "a", datatype: "FP32", shape: [1, 3], data: [1, 2, 3] }, { name: "b", datatype: "INT64", shape: [2, 2], data: [1, 2, 3, 4] }] })],
  ["deeply nested JSON", 400, () => http(server.url, "POST", mlpInfer, deep(200))],
  ["huge declared shape", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: [1_000_000_000, 8] })] })],
  ["shape whose product overflows", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ shape: [9007199254740991, 9007199254740991] })] })],
  ["no data and no binary_data_size", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ data: undefined })] })],
  ["data and binary_data_size together", 400, () => binary({ inputs: [x({ parameters: { binary_data_size: 32 } })] }, floats(8))],
  ["binary_data_size without the header-length header", 400, () => postJson(server.url, mlpInfer, { inputs: [x({ data: undefined, parameters: { binary_data_size: 32 } })] })],
  ["header length not a number", 400, () => binary({ inputs: [x({ data: undefined, parameters: { binary_data_size: 32 } })] }, floats(8), "12abc")],
  ["header length past the body", 400, () => binary({ inputs: [x({ data: undefined, parameters: { binary_data_size: 32 } })] }, floats(8), 100_000)],
  ["binary_data_size past the body", 400, () => binary({ inputs: [x({ data: undefined, parameters: { binary_data_size: 64 } })] }, floats(8))],
  ["binary size does not match the shape", 400, () => binary({ inputs: [x({ data: undefined, parameters: { binary_data_size: 28 } })] }, floats(7))],
  ["binary bytes nobody claims", 400, () => binary({ inputs: [x({ data: undefined, parameters: { binary_data_size: 32 } })] }, floats(9))],
  ["binary_data_size negative", 400, () => binary({ inputs: [x({ data: undefined, parameters: { binary_data_size: -4 } })] }, floats(8))],
  ["truncated BYTES element", 400, () => {
    const h = Buffer.from(JSON.stringify({ inputs: [{ name: "x", datatype: "BYTES", shape: [1, 2], parameters: { binary_data_size: 10 } }] }));
    const blob = Buffer.from([5, 0, 0, 0, 104, 101, 108, 108, 111, 9]);
    return http(server.url, "POST", "/v2/models/text/infer", Buffer.concat([h, blob]), { "inference-header-content-length": h.length });
  }],
  ["unknown model", 404, () => postJson(server.url, "/v2/models/nope/infer", { inputs: [x()] })],
  ["unknown version", 404, () => postJson(server.url, "/v2/models/mlp/versions/7/infer", { inputs: [x()] })],
  ["unknown model metadata", 404, () => http(server.url, "GET", "/v2/models/nope")],
  ["unknown output requested", 400, () => postJson(server.url, mlpInfer, { inputs: [x()], outputs: [{ name: "probs" }] })],
  ["outputs is not an array", 400, () => postJson(server.url, mlpInfer, { inputs: [x()], outputs: "logits" })],
  ["binary_data is not a boolean", 400, () => postJson(server.url, mlpInfer, { inputs: [x()], outputs: [{ name: "logits", parameters: { binary_data: "yes" } }] })],
  ["id is a number", 400, () => postJson(server.url, mlpInfer, { id: 5, inputs: [x()] })],
  ["parameters is a list", 400, () => postJson(server.url, mlpInfer, { parameters: [1], inputs: [x()] })],
  ["declared body over the limit", 413, () => http(server.url, "POST", mlpInfer, Buffer.alloc((1 << 20) + 10, 32))],
  ["streamed body over the limit", 413, () => http(server.url, "POST", mlpInfer, Buffer.alloc((1 << 20) + 10, 32), { "transfer-encoding": "chunked" })],
  ["GET on infer", 405, () => http(server.url, "GET", mlpInfer)],
  ["unknown route", 404, () => http(server.url, "GET", "/v3/models")],
  ["broken percent-encoding in the model name", 400, () => http(server.url, "GET", "/v2/models/%E0%A4%A")],
];

test(`at least 30 malformed requests are covered (${cases.length})`, () => {
  assert.ok(cases.length >= 30);
});

for (const [name, status, send] of cases) {
  test(`${name} → ${status}`, async () => {
    const res = await send();
    assert.equal(res.status, status, res.body.toString().slice(0, 300));
    assert.match(String(res.headers["content-type"]), /application\/json/);
    const body = res.json();
    assert.equal(typeof body.error, "string");
    assert.ok(body.error.length > 0);
  });
}

test("Content-Length shorter than the body: the cut JSON is a 400, the leftover bytes a malformed request", async () => {
  const body = JSON.stringify({ inputs: [x()] });
  const response = await raw(`POST ${mlpInfer} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length - 10}\r\n\r\n${body}`);
  assert.equal(statusOf(response), 400);
  assert.equal(typeof jsonBodyOf(response).error, "string");
});

test("a Content-Length that is not a number is a 400 JSON error", async () => {
  const response = await raw(`POST ${mlpInfer} HTTP/1.1\r\nhost: x\r\ncontent-length: ten\r\n\r\n{}`);
  assert.equal(statusOf(response), 400);
  assert.equal(typeof jsonBodyOf(response).error, "string");
});

test("garbage instead of HTTP is a 400 JSON error", async () => {
  const response = await raw("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n");
  assert.equal(statusOf(response), 400);
});

test("after all of that the server is live, ready and still infers correctly", async () => {
  assert.equal((await http(server.url, "GET", "/v2/health/live")).status, 200);
  assert.equal((await http(server.url, "GET", "/v2/health/ready")).status, 200);
  const res = await postJson(server.url, mlpInfer, { inputs: [x()] });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json().outputs[0].shape, [1, 3]);
  const counted = await server.metrics.requests.get();
  const clientErrors = counted.values.filter((v) => v.labels.outcome === "client_error").reduce((n, v) => n + v.value, 0);
  assert.ok(clientErrors >= 30, `client errors counted: ${clientErrors}`);
});
