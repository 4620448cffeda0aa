/**
 * Outputs over HTTP (JSON and binary) equal in-process `session.run` on the same model, for every
 * model shape the server must handle and every datatype.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import ort from "onnxruntime-node";
import { identityOf, logisticRegression, mlp, multiIO, seededFloats, staticShape, V2_ONNX_TYPES, writeModel } from "../fixtures/onnx/build.ts";
import { DATATYPES, type V2Datatype } from "../../services/inference/datatypes.ts";
import { fromHalfBits, toHalfBits } from "../../services/inference/fp16.ts";
import { binaryBody, http, postJson, splitBinaryResponse, startTestServer, tempDir } from "./helpers.ts";
import type { RunningServer } from "../../services/inference/index.ts";

const dir = tempDir();
let server: RunningServer;
const models: Record<string, Uint8Array> = { logreg: logisticRegression(), mlp: mlp(), multi: multiIO(), static: staticShape() };
for (const dt of Object.keys(V2_ONNX_TYPES)) models[`identity_${dt.toLowerCase()}`] = identityOf(dt);

before(async () => {
  for (const [name, bytes] of Object.entries(models)) writeModel(dir.path, name, "1", bytes);
  server = await startTestServer({ repo: dir.path });
});
after(async () => {
  await server.close();
  dir.remove();
});

async function reference(model: string, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(models[model]!);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** What a JSON response should hold for a reference output. */
function jsonOf(t: ort.Tensor): unknown[] {
  if (t.type === "bool") return Array.from(t.data as Uint8Array, (v) => v !== 0);
  if (t.type === "float16") return Array.from(t.data as Uint16Array, fromHalfBits);
  if (t.type === "string") return [...(t.data as string[])];
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function bytesOf(data: ort.Tensor["data"]): Buffer {
  if (Array.isArray(data)) {
    return Buffer.concat((data as string[]).flatMap((s) => {
      const b = Buffer.from(s, "utf8");
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      return [len, b];
    }));
  }
  const a = data as Uint8Array;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe("float models in JSON", () => {
  const rows = 3;
  for (const [model, inputName, width] of [["logreg", "x", 4], ["mlp", "x", 8]] as const) {
    test(`${model}: ${rows} rows, flat data`, async () => {
      const x = seededFloats(rows * width, 11);
      const res = await postJson(server.url, `/v2/models/${model}/infer`, {
        id: "req-1",
        inputs: [{ name: inputName, datatype: "FP32", shape: [rows, width], data: Array.from(x) }],
      });
      assert.equal(res.status, 200, res.body.toString());
      const doc = res.json();
      assert.equal(doc.id, "req-1");
      assert.equal(doc.model_name, model);
      assert.equal(doc.model_version, "1");
      const ref = await reference(model, { [inputName]: new ort.Tensor("float32", x, [rows, width]) });
      const [outName, refOut] = Object.entries(ref)[0]!;
      assert.equal(doc.outputs[0].name, outName);
      assert.deepEqual(doc.outputs[0].shape, [...refOut.dims]);
      assert.deepEqual(doc.outputs[0].data, jsonOf(refOut));
    });
  }

  test("mlp: nested data gives the same answer as flat data", async () => {
    const x = Array.from(seededFloats(16, 5));
    const nested = [x.slice(0, 8), x.slice(8)];
    const flat = await postJson(server.url, "/v2/models/mlp/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [2, 8], data: x }] });
    const deep = await postJson(server.url, "/v2/models/mlp/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [2, 8], data: nested }] });
    assert.equal(deep.status, 200, deep.body.toString());
    assert.deepEqual(deep.json().outputs, flat.json().outputs);
  });

  test("static-shape model answers through the versioned route", async () => {
    const x = [1, -2, 3.5, 0, 7, -0.25];
    const res = await postJson(server.url, "/v2/models/static/versions/1/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [2, 3], data: x }] });
    assert.equal(res.status, 200, res.body.toString());
    assert.deepEqual(res.json().outputs[0].data, x.map((v) => -v));
  });
});

describe("several inputs and outputs", () => {
  const a = seededFloats(6, 21);
  const b = [3, -4, 1000000, 7];
  let ref: ort.InferenceSession.OnnxValueMapType;
  before(async () => {
    ref = await reference("multi", {
      a: new ort.Tensor("float32", a, [2, 3]),
      b: new ort.Tensor("int64", BigInt64Array.from(b, BigInt), [2, 2]),
    });
  });
  const inputs = [
    { name: "b", datatype: "INT64", shape: [2, 2], data: b },
    { name: "a", datatype: "FP32", shape: [2, 3], data: Array.from(a) },
  ];

  test("all outputs in model order when none are requested (inputs in any order)", async () => {
    const res = await postJson(server.url, "/v2/models/multi/infer", { inputs });
    assert.equal(res.status, 200, res.body.toString());
    const outs = res.json().outputs;
    assert.deepEqual(outs.map((o: { name: string }) => o.name), ["doubled", "squared", "mean"]);
    for (const o of outs) {
      assert.deepEqual(o.data, jsonOf(ref[o.name]!));
      assert.equal(o.datatype, o.name === "squared" ? "INT64" : "FP32");
    }
  });

  test("only the requested outputs, in the order asked, mixing binary and JSON", async () => {
    const res = await postJson(server.url, "/v2/models/multi/infer", {
      inputs,
      outputs: [{ name: "mean" }, { name: "squared", parameters: { binary_data: true } }],
    });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal(res.headers["content-type"], "application/octet-stream");
    const { header, rest } = splitBinaryResponse(res);
    assert.deepEqual(header.outputs.map((o: { name: string }) => o.name), ["mean", "squared"]);
    assert.deepEqual(header.outputs[0].data, jsonOf(ref.mean!));
    assert.equal(header.outputs[1].parameters.binary_data_size, 32);
    assert.deepEqual(rest, bytesOf(ref.squared!.data));
  });
});

/** Values per datatype that probe each type's edges. */
const SAMPLES: Record<V2Datatype, unknown[]> = {
  BOOL: [true, false, false, true],
  UINT8: [0, 1, 254, 255],
  UINT16: [0, 1, 65534, 65535],
  UINT32: [0, 1, 4294967294, 4294967295],
  UINT64: [0, 1, 9007199254740991, 123456789012],
  INT8: [-128, -1, 0, 127],
  INT16: [-32768, -1, 0, 32767],
  INT32: [-2147483648, -1, 0, 2147483647],
  INT64: [-9007199254740991, -1, 0, 9007199254740991],
  FP16: [0.5, -2, 65504, 0.0999755859375],
  FP32: [0.1, -1.5, 3.4e38, 1e-30],
  FP64: [0.1, -1e300, 5e-324, 1 / 3],
  BYTES: ["hello", "", "ünïcødé ✓", "a\u0000b"],
};

function refTensor(dt: V2Datatype, values: unknown[]): ort.Tensor {
  const info = DATATYPES[dt];
  if (dt === "BYTES") return new ort.Tensor("string", values as string[], [2, 2]);
  if (dt === "BOOL") return new ort.Tensor("bool", Uint8Array.from(values as boolean[], (v) => (v ? 1 : 0)), [2, 2]);
  if (dt === "FP16") return new ort.Tensor("float16", Uint16Array.from(values as number[], toHalfBits), [2, 2]);
  const arr = info.bigint ? (info.array as unknown as { from(v: bigint[]): ort.Tensor["data"] }).from((values as number[]).map(BigInt)) : (info.array as unknown as { from(v: number[]): ort.Tensor["data"] }).from(values as number[]);
  return new ort.Tensor(info.ort as ort.Tensor.Type, arr as never, [2, 2]);
}

describe("every datatype round-trips like session.run", () => {
  for (const dt of Object.keys(SAMPLES) as V2Datatype[]) {
    const model = `identity_${dt.toLowerCase()}`;
    test(`${dt} as JSON`, async () => {
      const res = await postJson(server.url, `/v2/models/${model}/infer`, { inputs: [{ name: "x", datatype: dt, shape: [2, 2], data: SAMPLES[dt] }] });
      assert.equal(res.status, 200, res.body.toString());
      const out = res.json().outputs[0];
      assert.equal(out.datatype, dt);
      assert.deepEqual(out.shape, [2, 2]);
      const ref = await reference(model, { x: refTensor(dt, SAMPLES[dt]) });
      assert.deepEqual(out.data, jsonOf(ref.y!));
    });
    test(`${dt} as binary in and out`, async () => {
      const input = refTensor(dt, SAMPLES[dt]);
      const blob = bytesOf(input.data);
      const { body, headerLength } = binaryBody(
        { inputs: [{ name: "x", datatype: dt, shape: [2, 2], parameters: { binary_data_size: blob.length } }], parameters: { binary_data_output: true } },
        [blob],
      );
      const res = await http(server.url, "POST", `/v2/models/${model}/infer`, body, { "inference-header-content-length": headerLength, "content-type": "application/octet-stream" });
      assert.equal(res.status, 200, res.body.toString());
      const { header, rest } = splitBinaryResponse(res);
      assert.equal(header.outputs[0].parameters.binary_data_size, rest.length);
      const ref = await reference(model, { x: refTensor(dt, SAMPLES[dt]) });
      assert.deepEqual(rest, bytesOf(ref.y!.data));
    });
  }
});
