/**
 * Builds the infer response: JSON text assembled directly (tensor data is already JSON text), or a
 * JSON header followed by raw output bytes for outputs asked as binary.
 */
import type { Tensor } from "./datatypes.ts";
import type { RequestedOutput } from "./infer-request.ts";
import { encodeBinaryData } from "./tensor-binary.ts";
import { encodeJsonData } from "./tensor-json.ts";

/**
 * Pure JSON is a string (Node sends header and a string body in one write, a Buffer body in a writev);
 * with binary outputs, the JSON header followed by the raw bytes, and the header's length.
 */
export type EncodedResponse = { body: string; headerLength?: undefined } | { body: Buffer; headerLength: number };

export function encodeInferResponse(
  model: string,
  version: string,
  id: string | undefined,
  requested: readonly RequestedOutput[],
  outputs: ReadonlyMap<string, Tensor>,
): EncodedResponse {
  const parts: string[] = [];
  const blobs: Buffer[] = [];
  for (const r of requested) {
    const t = outputs.get(r.name);
    if (!t) throw new Error(`the model did not produce output '${r.name}'`);
    const head = `{"name":${JSON.stringify(t.name)},"datatype":"${t.datatype}","shape":[${t.shape.join(",")}]`;
    if (r.binary) {
      const blob = encodeBinaryData(t.datatype, t.data);
      blobs.push(blob);
      parts.push(`${head},"parameters":{"binary_data_size":${blob.length}}}`);
    } else {
      parts.push(`${head},"data":${encodeJsonData(t.datatype, t.data)}}`);
    }
  }
  const idPart = id === undefined ? "" : `,"id":${JSON.stringify(id)}`;
  const json = `{"model_name":${JSON.stringify(model)},"model_version":${JSON.stringify(version)}${idPart},"outputs":[${parts.join(",")}]}`;
  if (blobs.length === 0) return { body: json };
  const header = Buffer.from(json, "utf8");
  return { body: Buffer.concat([header, ...blobs]), headerLength: header.length };
}
