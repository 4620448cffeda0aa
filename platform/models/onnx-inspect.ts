import { open, type FileHandle } from "node:fs/promises";
import onnxProto from "onnx-proto";
import type { TensorSignature } from "./onnx-signature.ts";

export type { TensorSignature };

const { onnx } = onnxProto;

export interface OnnxInfo {
  irVersion: number;
  producer?: string;
  opsets: { domain: string; version: number }[];
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

export class OnnxFormatError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: not a readable ONNX model (${reason})`);
    this.name = "OnnxFormatError";
  }
}

const ELEM_TYPES: Record<number, string> = {
  1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
  9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128",
  16: "bfloat16",
};

// Field numbers from onnx.proto (ModelProto, GraphProto, TensorProto).
const MODEL_IR_VERSION = 1, MODEL_PRODUCER = 2, MODEL_GRAPH = 7, MODEL_OPSET = 8;
const GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12;
const TENSOR_NAME = 8;
/** A ValueInfoProto or opset entry bigger than this is not a real one. */
const MAX_SMALL_MESSAGE = 1 << 20;

/**
 * Read an ONNX model's signature without loading it: the file is walked field by
 * field with positioned reads, large fields (initializers, weights) are skipped by
 * offset, and only the small messages we need are decoded with onnx-proto. A 2 GB
 * model costs a few KB of memory.
 */
export async function inspectOnnx(file: string): Promise<OnnxInfo> {
  const fh = await open(file, "r");
  try {
    const size = (await fh.stat()).size;
    const r = new FieldReader(fh, file);
    const info: OnnxInfo = { irVersion: 0, opsets: [], inputs: [], outputs: [] };
    let graph: { start: number; end: number } | undefined;
    for await (const f of r.fields(0, size)) {
      if (f.no === MODEL_IR_VERSION && f.wire === 0) info.irVersion = Number(f.value);
      else if (f.no === MODEL_PRODUCER && f.wire === 2) info.producer = (await r.bytes(f)).toString("utf8");
      else if (f.no === MODEL_OPSET && f.wire === 2) {
        const o = onnx.OperatorSetIdProto.decode(await r.bytes(f));
        info.opsets.push({ domain: o.domain || "ai.onnx", version: Number(o.version) });
      } else if (f.no === MODEL_GRAPH && f.wire === 2) graph = { start: f.start, end: f.end };
    }
    if (!info.irVersion || !graph) throw new OnnxFormatError(file, "no ir_version or graph");
    const initializers = new Set<string>();
    const inputs: TensorSignature[] = [];
    for await (const f of r.fields(graph.start, graph.end)) {
      if (f.wire !== 2) continue;
      if (f.no === GRAPH_INPUT) inputs.push(signature(onnx.ValueInfoProto.decode(await r.bytes(f))));
      else if (f.no === GRAPH_OUTPUT) info.outputs.push(signature(onnx.ValueInfoProto.decode(await r.bytes(f))));
      else if (f.no === GRAPH_INITIALIZER) {
        for await (const t of r.fields(f.start, f.end)) {
          if (t.no === TENSOR_NAME && t.wire === 2) initializers.add((await r.bytes(t)).toString("utf8"));
        }
      }
    }
    // Before IR 4, initializers were also listed as graph inputs; they are weights, not inputs.
    info.inputs = inputs.filter((i) => !initializers.has(i.name));
    return info;
  } catch (err) {
    if (err instanceof OnnxFormatError) throw err;
    throw new OnnxFormatError(file, (err as Error).message);
  } finally {
    await fh.close();
  }
}

function signature(v: onnxProto.onnx.ValueInfoProto): TensorSignature {
  const t = v.type?.tensorType;
  const shape = t?.shape
    ? (t.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Object.hasOwn(d, "dimValue") ? Number(d.dimValue) : null))
    : null;
  return { name: v.name ?? "", dtype: ELEM_TYPES[t?.elemType ?? 0] ?? "unknown", shape };
}

interface Field {
  no: number;
  wire: number;
  /** varint value for wire type 0 */
  value: bigint;
  /** payload range for wire type 2 */
  start: number;
  end: number;
}

class FieldReader {
  private readonly head = Buffer.alloc(20);

  constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
  ) {}

  async *fields(start: number, end: number): AsyncGenerator<Field> {
    let pos = start;
    while (pos < end) {
      const n = (await this.fh.read(this.head, 0, Math.min(20, end - pos), pos)).bytesRead;
      let off = 0;
      const varint = (): bigint => {
        let result = 0n;
        for (let shift = 0n; ; shift += 7n) {
          if (off >= n) throw new OnnxFormatError(this.file, `truncated varint at byte ${pos + off}`);
          const b = this.head[off++]!;
          result |= BigInt(b & 0x7f) << shift;
          if (!(b & 0x80)) return result;
        }
      };
      const key = Number(varint());
      const no = key >>> 3;
      const wire = key & 7;
      let value = 0n;
      let payloadStart = 0;
      let payloadEnd = 0;
      if (wire === 0) value = varint();
      else if (wire === 1) off += 8;
      else if (wire === 5) off += 4;
      else if (wire === 2) {
        const len = Number(varint());
        payloadStart = pos + off;
        payloadEnd = payloadStart + len;
        if (payloadEnd > end) throw new OnnxFormatError(this.file, `field ${no} runs past its message`);
      } else throw new OnnxFormatError(this.file, `unsupported wire type ${wire} at byte ${pos}`);
      yield { no, wire, value, start: payloadStart, end: payloadEnd };
      pos = wire === 2 ? payloadEnd : pos + off;
    }
  }

  async bytes(f: Field): Promise<Buffer> {
    const len = f.end - f.start;
    if (len > MAX_SMALL_MESSAGE) throw new OnnxFormatError(this.file, `field ${f.no} unexpectedly large (${len} bytes)`);
    const buf = Buffer.alloc(len);
    await this.fh.read(buf, 0, len, f.start);
    return buf;
  }
}
