import { fromOrtType, type V2Datatype } from "./datatypes.ts";

/**
 * One input or output as the model declares it. `dims` keeps onnxruntime's view (numbers for fixed
 * sizes, names or -1 for dynamic ones); `shape` is the protocol's view, -1 for every dynamic dimension.
 */
export interface TensorSpec {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  dims: (number | string)[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** The plain-data metadata the worker reports (onnxruntime's ValueMetadata, cloned across threads). */
export interface OrtValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

export function toSignature(inputs: readonly OrtValueMetadata[], outputs: readonly OrtValueMetadata[]): ModelSignature {
  const spec = (m: OrtValueMetadata, kind: string): TensorSpec => {
    const dt = m.isTensor && m.type ? fromOrtType(m.type) : undefined;
    if (!dt) throw new Error(`${kind} '${m.name}' has type ${m.type ?? "non-tensor"}, which the Open Inference Protocol cannot carry`);
    const dims = [...(m.shape ?? [])];
    return { name: m.name, datatype: dt.v2, dims, shape: dims.map((d) => (typeof d === "number" && d >= 0 ? d : -1)) };
  };
  return { inputs: inputs.map((m) => spec(m, "input")), outputs: outputs.map((m) => spec(m, "output")) };
}

const isDynamic = (d: number | string | undefined): boolean => typeof d === "string" || (typeof d === "number" && d < 0);

/**
 * Requests can be merged along the first dimension only when every input and every output has a
 * dynamic first dimension, all the same symbolic name (or unnamed); otherwise rows would not line up.
 */
export function batchableFirstDim(sig: ModelSignature): boolean {
  const all = [...sig.inputs, ...sig.outputs];
  if (all.length === 0 || all.some((t) => t.dims.length === 0 || !isDynamic(t.dims[0]))) return false;
  const names = new Set(all.map((t) => t.dims[0]).filter((d) => typeof d === "string"));
  return names.size <= 1;
}
