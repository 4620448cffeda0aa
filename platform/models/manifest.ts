import { isDigest } from "./digest.ts";
import { InvalidArtifactError } from "./errors.ts";
import { ANNOTATION_FILEPATH, ANNOTATION_TITLE, MODEL_ARTIFACT_TYPE, MODEL_CONFIG_TYPE } from "./media-types.ts";
import type { TensorSignature } from "./onnx-signature.ts";
import type { Descriptor } from "./store.ts";

// Reading artifacts needs only this module (no ONNX parser): the server's pull path stays light.

/** The ModelPack config (`application/vnd.cncf.model.config.v1+json`) as modelplane writes it. */
export interface ModelConfig {
  descriptor: { name: string; version?: string; createdAt: string };
  config: { format: "onnx" };
  modelfs: { type: "layers"; diffIds: string[] };
  /** modelplane extension: what a server needs before loading the model. */
  modelplane: {
    /** Path (inside the artifact) of the ONNX file to load. */
    modelFile: string;
    inputs: TensorSignature[];
    outputs: TensorSignature[];
    /** Total bytes of all files. */
    size: number;
  };
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/**
 * Check a fetched manifest is a model artifact and every layer path is safe to
 * write under a target directory (no absolute paths, no '..', no duplicates).
 */
export function parseModelManifest(bytes: Buffer, what: string): OciManifest {
  let m: OciManifest;
  try {
    m = JSON.parse(bytes.toString("utf8")) as OciManifest;
  } catch {
    throw new InvalidArtifactError(`${what}: manifest is not JSON`);
  }
  if (typeof m !== "object" || m === null || m.schemaVersion !== 2 || typeof m.config !== "object" || !m.config || !Array.isArray(m.layers)) {
    throw new InvalidArtifactError(`${what}: not an OCI image manifest (an index or a Docker v2 manifest?)`);
  }
  if (m.artifactType !== MODEL_ARTIFACT_TYPE && m.config.mediaType !== MODEL_CONFIG_TYPE) {
    throw new InvalidArtifactError(
      `${what}: not a model artifact (artifactType ${m.artifactType ?? "none"}, config ${m.config.mediaType})`,
    );
  }
  checkDescriptor(m.config, `${what}: config`);
  const seen = new Set<string>();
  for (const l of m.layers) {
    checkDescriptor(l, `${what}: layer`);
    const p = layerPath(l);
    // '.' segments are refused too: 'a' and './a' would name one file twice and slip past the duplicate check.
    if (!p || p.startsWith("/") || p.split("/").some((s) => s === ".." || s === "." || s === "") || p.includes("\\") || p.includes("\0")) {
      throw new InvalidArtifactError(`${what}: layer ${l.digest} has an unsafe file path '${p}'`);
    }
    if (seen.has(p)) throw new InvalidArtifactError(`${what}: two layers claim the file '${p}'`);
    seen.add(p);
  }
  return m;
}

/**
 * Digests end up in URLs and file names (layout blobs, cache keys) and sizes bound how much is read:
 * both come from whoever pushed the artifact, so they are checked before anything is fetched.
 */
function checkDescriptor(d: Descriptor, what: string): void {
  if (typeof d !== "object" || d === null) throw new InvalidArtifactError(`${what} is not a descriptor`);
  if (typeof d.digest !== "string" || !isDigest(d.digest)) {
    throw new InvalidArtifactError(`${what} has an invalid digest '${String(d.digest)}' (expected sha256:<64 lowercase hex>)`);
  }
  if (!Number.isSafeInteger(d.size) || d.size < 0) {
    throw new InvalidArtifactError(`${what} ${d.digest} has an invalid size '${String(d.size)}'`);
  }
}

export function layerPath(l: Descriptor): string {
  const a = l.annotations;
  const p = a?.[ANNOTATION_FILEPATH] ?? a?.[ANNOTATION_TITLE];
  return typeof p === "string" ? p : "";
}

