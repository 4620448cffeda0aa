/**
 * The binary tensor data extension: raw little-endian element bytes after the JSON header
 * (`Inference-Header-Content-Length`), BYTES elements as a 4-byte little-endian length then the bytes.
 */
import { DATATYPES, type NumericArray, type TensorData, type V2Datatype } from "./datatypes.ts";
import { badRequest } from "./errors.ts";

const utf8 = new TextDecoder("utf-8");

export function decodeBinaryData(name: string, datatype: V2Datatype, count: number, bytes: Uint8Array): TensorData {
  if (datatype === "BYTES") {
    const out: string[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let off = 0;
    while (off < bytes.length) {
      if (off + 4 > bytes.length) throw badRequest(`input '${name}': truncated BYTES element length at byte ${off}`);
      const len = view.getUint32(off, true);
      off += 4;
      if (off + len > bytes.length) throw badRequest(`input '${name}': BYTES element of ${len} bytes overruns its data`);
      out.push(utf8.decode(bytes.subarray(off, off + len)));
      off += len;
    }
    if (out.length !== count) throw badRequest(`input '${name}': binary data holds ${out.length} BYTES elements, shape needs ${count}`);
    return out;
  }
  const ctor = DATATYPES[datatype].array!;
  const want = count * ctor.BYTES_PER_ELEMENT;
  if (bytes.length !== want) {
    throw badRequest(`input '${name}': binary_data_size is ${bytes.length} bytes, shape and ${datatype} need ${want}`);
  }
  // Copy into a fresh, aligned buffer: request chunks are rarely aligned to the element size.
  const out = new ctor(count);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function encodeBinaryData(datatype: V2Datatype, data: TensorData): Buffer {
  if (datatype === "BYTES") {
    const parts: Buffer[] = [];
    for (const s of data as string[]) {
      const b = Buffer.from(s, "utf8");
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32LE(b.length, 0);
      parts.push(len, b);
    }
    return Buffer.concat(parts);
  }
  const arr = data as NumericArray;
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
}

/** Parses `Inference-Header-Content-Length`: absent → the whole body is JSON. */
export function parseHeaderLength(value: string | string[] | undefined, bodyLength: number): number | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !/^\d+$/.test(value)) throw badRequest("Inference-Header-Content-Length must be a non-negative integer");
  const n = Number(value);
  if (n === 0 || n > bodyLength) {
    throw badRequest(`Inference-Header-Content-Length ${n} does not fit a body of ${bodyLength} bytes`);
  }
  return n;
}
