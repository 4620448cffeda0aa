/**
 * Parses an Open Inference Protocol infer request (JSON, or JSON header + binary tensor data) and checks
 * it against the model's signature, so nothing malformed ever reaches onnxruntime.
 */
import { isV2Datatype, type Tensor } from "./datatypes.ts";
import { badRequest } from "./errors.ts";
import { checkJsonDepth } from "./json-depth.ts";
import type { ModelSignature, TensorSpec } from "./signature.ts";
import { decodeBinaryData, parseHeaderLength } from "./tensor-binary.ts";
import { decodeJsonData } from "./tensor-json.ts";

export interface RequestLimits {
  maxJsonDepth: number;
  maxElements: number;
}

export interface RequestedOutput {
  name: string;
  binary: boolean;
}

export interface InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  /** In the model's input order. */
  inputs: Tensor[];
  /** The outputs to answer with, in the order asked (all, in model order, when none were named). */
  outputs: readonly RequestedOutput[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function optionalParameters(v: unknown, where: string): Json | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw badRequest(`${where}: 'parameters' must be an object`);
  return v;
}

function parseShape(name: string, shape: unknown, maxElements: number): { shape: number[]; count: number } {
  if (!Array.isArray(shape)) throw badRequest(`input '${name}': 'shape' must be an array of non-negative integers`);
  if (shape.length > 32) throw badRequest(`input '${name}': shape has ${shape.length} dimensions, at most 32 are allowed`);
  let count = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw badRequest(`input '${name}': 'shape' must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    count *= d;
  }
  if (count > maxElements) throw badRequest(`input '${name}': shape [${shape}] has ${count} elements, the limit is ${maxElements}`);
  return { shape: shape as number[], count };
}

function checkAgainstSpec(name: string, shape: number[], datatype: string, spec: TensorSpec, bound: Map<string, number>): void {
  if (datatype !== spec.datatype) throw badRequest(`input '${name}': datatype ${datatype} does not match the model's ${spec.datatype}`);
  if (spec.dims.length !== shape.length) {
    throw badRequest(`input '${name}': shape [${shape}] has rank ${shape.length}, the model expects [${spec.shape}]`);
  }
  for (let i = 0; i < spec.dims.length; i++) {
    const d = spec.dims[i]!;
    const got = shape[i]!;
    if (typeof d === "number" && d >= 0 && d !== got) {
      throw badRequest(`input '${name}': dimension ${i} is ${got}, the model expects [${spec.shape}]`);
    }
    if (typeof d === "string") {
      const seen = bound.get(d);
      if (seen !== undefined && seen !== got) throw badRequest(`input '${name}': dimension '${d}' is ${got} here but ${seen} in another input`);
      bound.set(d, got);
    }
  }
}

/** What every request against one signature needs, computed once per model version rather than per request. */
interface SignatureIndex {
  inputIndex: Map<string, number>;
  outputNames: Set<string>;
  /** All outputs in model order: [as JSON, as binary]. Shared read-only by every request. */
  allOutputs: [readonly RequestedOutput[], readonly RequestedOutput[]];
}

const indexes = new WeakMap<ModelSignature, SignatureIndex>();

function indexOf(sig: ModelSignature): SignatureIndex {
  let ix = indexes.get(sig);
  if (!ix) {
    const all = (binary: boolean): readonly RequestedOutput[] => Object.freeze(sig.outputs.map((o) => Object.freeze({ name: o.name, binary })));
    ix = {
      inputIndex: new Map(sig.inputs.map((s, i) => [s.name, i])),
      outputNames: new Set(sig.outputs.map((o) => o.name)),
      allOutputs: [all(false), all(true)],
    };
    indexes.set(sig, ix);
  }
  return ix;
}

export function parseInferRequest(
  body: Buffer,
  headerLengthValue: string | string[] | undefined,
  sig: ModelSignature,
  limits: RequestLimits,
): InferRequest {
  const headerLength = parseHeaderLength(headerLengthValue, body.length);
  const jsonBytes = headerLength === undefined ? body : body.subarray(0, headerLength);
  const binary = headerLength === undefined ? undefined : body.subarray(headerLength);
  if (jsonBytes.length === 0) throw badRequest("empty request body");
  checkJsonDepth(jsonBytes, limits.maxJsonDepth);
  let doc: unknown;
  try {
    doc = JSON.parse(jsonBytes.toString("utf8"));
  } catch (err) {
    throw badRequest(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw badRequest("request body must be a JSON object");
  if (doc.id !== undefined && typeof doc.id !== "string") throw badRequest("'id' must be a string");
  const parameters = optionalParameters(doc.parameters, "request");
  const rawInputs = doc.inputs;
  if (!Array.isArray(rawInputs) || rawInputs.length === 0) throw badRequest("'inputs' must be a non-empty array");

  const ix = indexOf(sig);
  const byIndex: (Tensor | undefined)[] = new Array(sig.inputs.length);
  const bound = new Map<string, number>();
  let binaryOffset = 0;
  let elements = 0;
  for (let i = 0; i < rawInputs.length; i++) {
    const raw: unknown = rawInputs[i];
    if (!isObject(raw)) throw badRequest(`inputs[${i}] must be an object`);
    const name = raw.name;
    if (typeof name !== "string") throw badRequest(`inputs[${i}]: 'name' must be a string`);
    const at = ix.inputIndex.get(name);
    if (at === undefined) throw badRequest(`input '${name}' is not an input of this model (inputs: ${[...ix.inputIndex.keys()].join(", ")})`);
    const spec = sig.inputs[at]!;
    if (byIndex[at]) throw badRequest(`input '${name}' is given more than once`);
    if (!isV2Datatype(raw.datatype)) throw badRequest(`input '${name}': unknown datatype ${JSON.stringify(raw.datatype)}`);
    const { shape, count } = parseShape(name, raw.shape, limits.maxElements);
    elements += count;
    if (elements > limits.maxElements) throw badRequest(`the request has more than ${limits.maxElements} elements in all`);
    checkAgainstSpec(name, shape, raw.datatype, spec, bound);
    const params = optionalParameters(raw.parameters, `input '${name}'`);
    const size = params?.binary_data_size;
    let data;
    if (size !== undefined) {
      if (raw.data !== undefined) throw badRequest(`input '${name}' has both 'data' and binary_data_size`);
      if (binary === undefined) throw badRequest(`input '${name}' has binary_data_size but the request has no Inference-Header-Content-Length`);
      if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw badRequest(`input '${name}': binary_data_size must be a non-negative integer`);
      if (binaryOffset + size > binary.length) {
        throw badRequest(`input '${name}': binary_data_size ${size} overruns the ${binary.length - binaryOffset} binary bytes left`);
      }
      data = decodeBinaryData(name, raw.datatype, count, binary.subarray(binaryOffset, binaryOffset + size));
      binaryOffset += size;
    } else {
      if (raw.data === undefined) throw badRequest(`input '${name}' has neither 'data' nor binary_data_size`);
      data = decodeJsonData(name, raw.datatype, shape, count, raw.data);
    }
    byIndex[at] = { name, datatype: raw.datatype, shape, data };
  }
  if (binary !== undefined && binaryOffset !== binary.length) {
    throw badRequest(`${binary.length - binaryOffset} bytes of binary data are not claimed by any input's binary_data_size`);
  }
  if (rawInputs.length !== sig.inputs.length || byIndex.includes(undefined)) {
    const missing = sig.inputs.filter((_, i) => !byIndex[i]).map((s) => s.name);
    if (missing.length) throw badRequest(`missing input(s): ${missing.join(", ")}`);
  }

  const binaryAll = parameters?.binary_data_output === true;
  let outputs: readonly RequestedOutput[];
  if (doc.outputs === undefined) {
    outputs = ix.allOutputs[binaryAll ? 1 : 0];
  } else {
    if (!Array.isArray(doc.outputs)) throw badRequest("'outputs' must be an array");
    const known = ix.outputNames;
    const seen = new Set<string>();
    outputs = doc.outputs.map((o, i) => {
      if (!isObject(o) || typeof o.name !== "string") throw badRequest(`outputs[${i}] must be an object with a string 'name'`);
      if (!known.has(o.name)) throw badRequest(`output '${o.name}' is not an output of this model (outputs: ${[...known].join(", ")})`);
      if (seen.has(o.name)) throw badRequest(`output '${o.name}' is requested more than once`);
      seen.add(o.name);
      const p = optionalParameters(o.parameters, `output '${o.name}'`);
      const b = p?.binary_data;
      if (b !== undefined && typeof b !== "boolean") throw badRequest(`output '${o.name}': binary_data must be true or false`);
      return { name: o.name, binary: b ?? binaryAll };
    });
  }
  const req: InferRequest = { inputs: byIndex as Tensor[], outputs };
  if (typeof doc.id === "string") req.id = doc.id;
  if (parameters) req.parameters = parameters;
  return req;
}
