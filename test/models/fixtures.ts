/** ONNX models built in code (no downloads): a tiny Add model and a large one streamed to disk. */
import { randomBytes } from "node:crypto";
import { createWriteStream, writeFileSync } from "node:fs";
import { once } from "node:events";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
const FLOAT = 1;

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function graph(n: number, initializer: onnxProto.onnx.ITensorProto[]) {
  return onnx.GraphProto.create({
    name: "add",
    node: [{ opType: "Add", input: ["x", "w"], output: ["y"], name: "add0" }],
    input: [valueInfo("x", ["batch", n])],
    output: [valueInfo("y", ["batch", n])],
    initializer,
  });
}

function model(g: onnxProto.onnx.IGraphProto) {
  return onnx.ModelProto.create({ irVersion: 8, producerName: "modelplane-test", opsetImport: [{ domain: "", version: 17 }], graph: g });
}

/** y = x + w with w of `n` floats (a real, loadable model). */
export function tinyModelBytes(n = 4, seed = 1): Buffer {
  const w = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) w.writeFloatLE(i + seed, i * 4);
  const tensor = { name: "w", dims: [n], dataType: FLOAT, rawData: w };
  return Buffer.from(onnx.ModelProto.encode(model(graph(n, [tensor]))).finish());
}

export function writeTinyModel(path: string, n = 4, seed = 1): void {
  writeFileSync(path, tinyModelBytes(n, seed));
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/**
 * A valid ONNX model of about `bytes` bytes whose weight is written straight to disk
 * in 1 MB pieces: protobuf fields concatenate, so the large raw_data field is appended
 * after the small encoded parts without ever being built in memory.
 */
export async function writeLargeModel(path: string, bytes: number): Promise<void> {
  const n = Math.floor(bytes / 4);
  const dataLen = n * 4;
  const tensorHead = Buffer.from(onnx.TensorProto.encode({ name: "w", dims: [n], dataType: FLOAT }).finish());
  const rawTag = Buffer.from([0x4a]); // field 9 (raw_data), wire type 2
  const tensorLen = tensorHead.length + rawTag.length + varint(dataLen).length + dataLen;
  const graphHead = Buffer.from(onnx.GraphProto.encode(graph(n, [])).finish());
  const initTag = Buffer.from([0x2a]); // GraphProto field 5 (initializer)
  const graphLen = graphHead.length + initTag.length + varint(tensorLen).length + tensorLen;
  // The model without its graph, then the graph field (7) written by hand.
  const m = model(graph(n, []));
  m.graph = null;
  const modelNoGraph = Buffer.from(onnx.ModelProto.encode(m).finish());
  const out = createWriteStream(path);
  const write = async (b: Buffer) => {
    if (!out.write(b)) await once(out, "drain");
  };
  await write(modelNoGraph);
  await write(Buffer.from([0x3a]));
  await write(varint(graphLen));
  await write(graphHead);
  await write(initTag);
  await write(varint(tensorLen));
  await write(tensorHead);
  await write(rawTag);
  await write(varint(dataLen));
  const piece = randomBytes(1 << 20);
  for (let left = dataLen; left > 0; left -= piece.length) {
    piece.writeUInt32LE(left, 0); // every piece differs a little
    await write(left >= piece.length ? piece : piece.subarray(0, left));
  }
  out.end();
  await once(out, "finish");
}
