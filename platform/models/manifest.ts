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
  if (m.schemaVersion !== 2 || !m.config || !Array.isArray(m.layers)) {
    throw new InvalidArtifactError(`${what}: not an OCI image manifest (an index or a Docker v2 manifest?)`);
  }
  if (m.artifactType !== MODEL_ARTIFACT_TYPE && m.config.mediaType !== MODEL_CONFIG_TYPE) {
    throw new InvalidArtifactError(
      `${what}: not a model artifact (artifactType ${m.artifactType ?? "none"}, config ${m.config.mediaType})`,
    );
  }
  const seen = new Set<string>();
  for (const l of m.layers) {
    const p = layerPath(l);
    if (!p || p.startsWith("/") || p.split("/").some((s) => s === ".." || s === "") || p.includes("\\")) {
      throw new InvalidArtifactError(`${what}: layer ${l.digest} has an unsafe file path '${p}'`);
    }
    if (seen.has(p)) throw new InvalidArtifactError(`${what}: two layers claim the file '${p}'`);
    seen.add(p);
  }
  return m;
}

export function layerPath(l: Descriptor): string {
  return l.annotations?.[ANNOTATION_FILEPATH] ?? l.annotations?.[ANNOTATION_TITLE] ?? "";
}

