/**
 * The Open Inference Protocol datatypes this server carries, and how each maps onto onnxruntime's
 * tensor types and JavaScript storage.
 */
export type V2Datatype =
  | "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64"
  | "INT8" | "INT16" | "INT32" | "INT64"
  | "FP16" | "FP32" | "FP64" | "BYTES";

export type OrtType =
  | "bool" | "uint8" | "uint16" | "uint32" | "uint64"
  | "int8" | "int16" | "int32" | "int64"
  | "float16" | "float32" | "float64" | "string";

export type NumericArray =
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Float32Array | Float64Array;
export type TensorData = NumericArray | string[];

type ArrayCtor = { new (length: number): NumericArray; new (buffer: ArrayBuffer, offset?: number, length?: number): NumericArray; BYTES_PER_ELEMENT: number };

export interface DatatypeInfo {
  v2: V2Datatype;
  ort: OrtType;
  /** Element storage; null for BYTES (JS strings). */
  array: ArrayCtor | null;
  /** Integer range checked on JSON input; null for floats, bools and strings. */
  range: [number, number] | null;
  bigint: boolean;
}

const info = (v2: V2Datatype, ort: OrtType, array: ArrayCtor | null, range: [number, number] | null = null, bigint = false): DatatypeInfo =>
  ({ v2, ort, array, range, bigint });

export const DATATYPES: Record<V2Datatype, DatatypeInfo> = {
  BOOL: info("BOOL", "bool", Uint8Array as ArrayCtor),
  UINT8: info("UINT8", "uint8", Uint8Array as ArrayCtor, [0, 255]),
  UINT16: info("UINT16", "uint16", Uint16Array as ArrayCtor, [0, 65535]),
  UINT32: info("UINT32", "uint32", Uint32Array as ArrayCtor, [0, 4294967295]),
  UINT64: info("UINT64", "uint64", BigUint64Array as unknown as ArrayCtor, [0, 18446744073709551615], true),
  INT8: info("INT8", "int8", Int8Array as ArrayCtor, [-128, 127]),
  INT16: info("INT16", "int16", Int16Array as ArrayCtor, [-32768, 32767]),
  INT32: info("INT32", "int32", Int32Array as ArrayCtor, [-2147483648, 2147483647]),
  INT64: info("INT64", "int64", BigInt64Array as unknown as ArrayCtor, [-9223372036854775808, 9223372036854775807], true),
  FP16: info("FP16", "float16", Uint16Array as ArrayCtor),
  FP32: info("FP32", "float32", Float32Array as ArrayCtor),
  FP64: info("FP64", "float64", Float64Array as ArrayCtor),
  BYTES: info("BYTES", "string", null),
};

const BY_ORT = new Map<string, DatatypeInfo>(Object.values(DATATYPES).map((d) => [d.ort, d]));

export function isV2Datatype(s: unknown): s is V2Datatype {
  return typeof s === "string" && Object.hasOwn(DATATYPES, s);
}

/** The V2 datatype of an onnxruntime type, or undefined for types the protocol cannot carry (e.g. int4). */
export function fromOrtType(t: string): DatatypeInfo | undefined {
  return BY_ORT.get(t);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor as it travels between HTTP, the batcher and the worker. */
export interface Tensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data: TensorData;
}
