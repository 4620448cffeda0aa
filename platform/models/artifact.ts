import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { digestFile, digestOf } from "./digest.ts";
import { InvalidArtifactError } from "./errors.ts";
import {
  ANNOTATION_CREATED,
  ANNOTATION_FILEPATH,
  ANNOTATION_TITLE,
  ANNOTATION_VERSION,
  MODEL_ARTIFACT_TYPE,
  MODEL_CONFIG_TYPE,
  MODEL_WEIGHT_RAW,
  OCI_MANIFEST,
} from "./media-types.ts";
import { inspectOnnx } from "./onnx-inspect.ts";
import type { ModelConfig, OciManifest } from "./manifest.ts";
import type { BlobSource } from "./store.ts";

export interface LocalFile extends BlobSource {
  path: string; // absolute path on disk
  relPath: string; // '/'-separated path inside the artifact
}

export interface BuiltArtifact {
  files: LocalFile[];
  config: ModelConfig;
  configBytes: Buffer;
  manifest: OciManifest;
  manifestBytes: Buffer;
  digest: string;
}

export interface BuildOptions {
  name: string;
  version?: string;
  /**
   * Creation time. Default: SOURCE_DATE_EPOCH when set, else the newest file mtime, so
   * pushing unchanged files again yields the same config and manifest digests (nothing re-sent).
   */
  created?: Date;
  env?: NodeJS.ProcessEnv;
}

/**
 * Package a model file, or a directory holding one ONNX model plus any side files
 * (tokenizer, labels), as a ModelPack artifact: one raw weight layer per file.
 */
export async function buildArtifact(source: string, opts: BuildOptions): Promise<BuiltArtifact> {
  const st = await stat(source).catch(() => {
    throw new InvalidArtifactError(`${source}: no such file or directory`);
  });
  const paths = st.isDirectory() ? await listFiles(source) : [source];
  if (paths.length === 0) throw new InvalidArtifactError(`${source}: directory holds no files`);
  const files: LocalFile[] = [];
  for (const path of paths) {
    const relPath = st.isDirectory() ? relative(source, path).split(sep).join("/") : basename(path);
    const { digest, size } = await digestFile(path);
    files.push({ path, relPath, digest, size, open: (start, end) => rangeStream(path, start, end) });
  }
  const modelFile = pickModelFile(files, source);
  const info = await inspectOnnx(modelFile.path);
  const created = (opts.created ?? (await defaultCreated(paths, opts.env ?? process.env))).toISOString();
  const config: ModelConfig = {
    descriptor: { name: opts.name, ...(opts.version ? { version: opts.version } : {}), createdAt: created },
    config: { format: "onnx" },
    // Raw layers are not tarballs, so their DiffIDs are the blob digests themselves.
    modelfs: { type: "layers", diffIds: files.map((f) => f.digest) },
    modelplane: {
      modelFile: modelFile.relPath,
      inputs: info.inputs,
      outputs: info.outputs,
      size: files.reduce((n, f) => n + f.size, 0),
    },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const annotations: Record<string, string> = { [ANNOTATION_CREATED]: created, [ANNOTATION_TITLE]: opts.name };
  if (opts.version) annotations[ANNOTATION_VERSION] = opts.version;
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: MODEL_ARTIFACT_TYPE,
    config: { mediaType: MODEL_CONFIG_TYPE, digest: digestOf(configBytes), size: configBytes.length },
    layers: files.map((f) => ({
      mediaType: MODEL_WEIGHT_RAW,
      digest: f.digest,
      size: f.size,
      annotations: { [ANNOTATION_FILEPATH]: f.relPath, [ANNOTATION_TITLE]: f.relPath },
    })),
    annotations,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return { files, config, configBytes, manifest, manifestBytes, digest: digestOf(manifestBytes) };
}

async function defaultCreated(paths: string[], env: NodeJS.ProcessEnv): Promise<Date> {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  if (env.SOURCE_DATE_EPOCH && Number.isFinite(epoch)) return new Date(epoch * 1000);
  let newest = 0;
  for (const p of paths) newest = Math.max(newest, Math.floor((await stat(p)).mtimeMs / 1000) * 1000);
  return new Date(newest);
}

function pickModelFile(files: LocalFile[], source: string): LocalFile {
  const onnxFiles = files.filter((f) => f.relPath.toLowerCase().endsWith(".onnx"));
  const preferred = onnxFiles.find((f) => f.relPath === "model.onnx");
  if (preferred) return preferred;
  if (onnxFiles.length === 1) return onnxFiles[0]!;
  throw new InvalidArtifactError(
    onnxFiles.length === 0
      ? `${source}: no .onnx file to package`
      : `${source}: several .onnx files and none named model.onnx; name the one to serve model.onnx`,
  );
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

function rangeStream(path: string, start: number, end: number): Readable {
  // createReadStream's end is inclusive, so an empty range needs its own empty stream.
  if (end <= start) return Readable.from([]);
  return createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 });
}
