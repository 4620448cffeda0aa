/**
 * JSON tensor data: decoding client arrays (flat or nested, row-major) into typed storage with
 * per-element type checks, and encoding results back without JSON.stringify (which rejects BigInt
 * and is slow on large typed arrays).
 */
import { DATATYPES, type NumericArray, type TensorData, type V2Datatype } from "./datatypes.ts";
import { badRequest } from "./errors.ts";
import { fromHalfBits, toHalfBits } from "./fp16.ts";

/** Flattens `data` (flat, or nested exactly as `shape`) into a list of `count` leaves. */
function flatten(data: unknown[], shape: readonly number[], count: number, name: string): unknown[] {
  if (data.length === count && (count === 0 || !Array.isArray(data[0]))) return data;
  if (shape.length === 0) throw badRequest(`input '${name}': data has ${data.length} elements, shape [] needs 1`);
  const out: unknown[] = [];
  const walk = (node: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(node)) throw badRequest(`input '${name}': data is nested deeper than its shape [${shape}]`);
      out.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw badRequest(`input '${name}': data does not match shape [${shape}] at dimension ${dim}`);
    }
    for (const child of node) walk(child, dim + 1);
  };
  walk(data, 0);
  return out;
}

function badElement(name: string, datatype: V2Datatype, value: unknown, i: number, want: string): never {
  throw badRequest(`input '${name}': element ${i} is ${JSON.stringify(value) ?? typeof value}, expected ${want} for ${datatype}`);
}

export function decodeJsonData(name: string, datatype: V2Datatype, shape: readonly number[], count: number, data: unknown): TensorData {
  if (!Array.isArray(data)) throw badRequest(`input '${name}': 'data' must be an array`);
  const flat = flatten(data, shape, count, name);
  if (flat.length !== count) {
    throw badRequest(`input '${name}': data has ${flat.length} elements, shape [${shape}] needs ${count}`);
  }
  const dt = DATATYPES[datatype];
  if (datatype === "BYTES") {
    for (let i = 0; i < count; i++) if (typeof flat[i] !== "string") badElement(name, datatype, flat[i], i, "a string");
    return flat as string[];
  }
  const out = new dt.array!(count);
  if (datatype === "BOOL") {
    for (let i = 0; i < count; i++) {
      const v = flat[i];
      if (typeof v !== "boolean") badElement(name, datatype, flat[i], i, "true or false");
      out[i] = v ? 1 : 0;
    }
  } else if (datatype === "FP16") {
    for (let i = 0; i < count; i++) {
      const v = flat[i];
      if (typeof v !== "number") badElement(name, datatype, flat[i], i, "a number");
      out[i] = toHalfBits(v as number);
    }
  } else if (dt.range === null) {
    const f = out as Float32Array | Float64Array;
    for (let i = 0; i < count; i++) {
      const v = flat[i];
      if (typeof v !== "number") badElement(name, datatype, flat[i], i, "a number");
      f[i] = v as number;
    }
  } else {
    const [lo, hi] = dt.range;
    const want = `an integer in [${lo}, ${hi}]`;
    if (dt.bigint) {
      const b = out as BigInt64Array | BigUint64Array;
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) badElement(name, datatype, flat[i], i, want);
        b[i] = BigInt(v as number);
      }
    } else {
      const n = out as Exclude<NumericArray, BigInt64Array | BigUint64Array>;
      for (let i = 0; i < count; i++) {
        const v = flat[i];
        if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) badElement(name, datatype, flat[i], i, want);
        n[i] = v as number;
      }
    }
  }
  return out;
}

const floatText = (v: number): string => (Object.is(v, -0) ? "-0" : Number.isFinite(v) ? String(v) : "null");

/** JSON text of a flat data array. Non-finite floats become null, as JSON.stringify would write them. */
export function encodeJsonData(datatype: V2Datatype, data: TensorData): string {
  if (datatype === "BYTES") return JSON.stringify(data);
  const arr = data as NumericArray;
  if (datatype === "BOOL") {
    const parts = new Array<string>(arr.length);
    for (let i = 0; i < arr.length; i++) parts[i] = arr[i] ? "true" : "false";
    return `[${parts.join(",")}]`;
  }
  if (datatype === "FP16") {
    const parts = new Array<string>(arr.length);
    for (let i = 0; i < arr.length; i++) {
      parts[i] = floatText(fromHalfBits(arr[i] as number));
    }
    return `[${parts.join(",")}]`;
  }
  if (datatype === "FP32" || datatype === "FP64") {
    // join() writes -0 as "0" and NaN as "NaN" (invalid JSON): take the careful path only when needed.
    const f = arr as Float32Array | Float64Array;
    for (let i = 0; i < f.length; i++) {
      const v = f[i]!;
      if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) return `[${Array.from(f, floatText).join(",")}]`;
    }
  }
  // Typed arrays join to their shortest round-trip decimal text, BigInts included.
  return `[${(arr as Float64Array).join(",")}]`;
}
