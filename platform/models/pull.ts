import { randomBytes } from "node:crypto";
import { lstat, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { layerPath, parseModelManifest, type ModelConfig, type OciManifest } from "./manifest.ts";
import { digestFile, DigestMismatchError, SizeMismatchError } from "./digest.ts";
import { InvalidArtifactError } from "./errors.ts";
import { readBytesFrom } from "./read-stream.ts";
import type { ArtifactStore } from "./store.ts";
import { verifyBytes, writeVerified } from "./verify.ts";

export interface PulledArtifact {
  digest: string;
  manifest: OciManifest;
  manifestBytes: Buffer;
  config: ModelConfig;
  /** Paths inside the artifact, '/'-separated, in layer order. */
  files: string[];
}

export interface PullOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const MAX_CONFIG = 4 << 20;

/** Manifest and config only: what `inspect` shows, no weights moved. */
export async function fetchModelInfo(store: ArtifactStore, repo: string, reference: string, signal?: AbortSignal) {
  const m = await store.getManifest(repo, reference, signal);
  const what = `${repo}@${m.digest}`;
  const manifest = parseModelManifest(m.bytes, what);
  if (manifest.config.size > MAX_CONFIG) throw new InvalidArtifactError(`${what}: config blob too large (${manifest.config.size} bytes)`);
  const raw = await readBytesFrom(await store.fetchBlob(repo, manifest.config, signal), manifest.config.size + 1);
  const config = parseConfig(verifyBytes(raw, manifest.config, `config of ${what}`), what);
  return { digest: m.digest, manifest, manifestBytes: m.bytes, config };
}

/** Verified bytes are still the pusher's: a config that is not a JSON object is an invalid artifact, not a crash. */
function parseConfig(bytes: Buffer, what: string): ModelConfig {
  let config: unknown;
  try {
    config = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new InvalidArtifactError(`${what}: config is not JSON`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new InvalidArtifactError(`${what}: config is not a JSON object`);
  return config as ModelConfig;
}

/**
 * Pull every layer of a model artifact into `dir` (created here: it must not exist yet).
 * Each file is hashed as it streams and renamed into place only when its digest matches;
 * on any failure `dir` is removed, so a caller never sees a half-verified pull.
 */
export async function pullArtifact(store: ArtifactStore, repo: string, reference: string, dir: string, opts: PullOptions = {}): Promise<PulledArtifact> {
  await mkdir(dirname(dir), { recursive: true });
  // Created here or refused: a failed pull removes `dir`, which must never take a caller's files with it.
  await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw err.code === "EEXIST" ? new Error(`${dir} already exists; pull into a new folder`) : err;
  });
  try {
    const info = await fetchModelInfo(store, repo, reference, opts.signal);
    const total = info.manifest.layers.reduce((n, l) => n + l.size, 0);
    let done = 0;
    opts.onProgress?.(0, total);
    const files: string[] = [];
    for (const layer of info.manifest.layers) {
      const rel = layerPath(layer);
      const dest = join(dir, ...rel.split("/"));
      await mkdir(dirname(dest), { recursive: true });
      const source = await store.fetchBlob(repo, layer, opts.signal);
      await writeVerified(source, dest, layer, `${rel} (${repo})`, (n) => {
        done += n;
        opts.onProgress?.(done, total);
      }, opts.signal);
      files.push(rel);
    }
    return { ...info, files };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw store.explain(err);
  }
}

/** Re-hash files already on disk against their manifest: a cache hit is verified too, with no network. */
export async function verifyPulled(dir: string, manifest: OciManifest): Promise<void> {
  for (const layer of manifest.layers) {
    const rel = layerPath(layer);
    const { digest, size } = await digestFile(join(dir, ...rel.split("/")));
    if (digest !== layer.digest) throw new DigestMismatchError(layer.digest, digest, `${rel} in ${dir}`);
    if (size !== layer.size) throw new SizeMismatchError(layer.size, size, `${rel} in ${dir}`);
  }
}

/** A fresh sibling directory name for staging a pull before it is moved into place. */
export function stagingDir(parent: string): string {
  return join(parent, `.pull-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/**
 * Move the verified files of a staged pull into `target`, replacing same-named files.
 * Every destination is checked before the first file moves, and the staging folder is
 * removed whatever happens, so a refused pull leaves `target` as it was.
 */
export async function moveInto(staging: string, files: string[], target: string): Promise<void> {
  try {
    const moves: [string, string][] = [];
    for (const rel of files) moves.push([join(staging, ...rel.split("/")), await safeDestination(target, rel)]);
    for (const [from, to] of moves) await rename(from, to);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * `target/rel`, creating its parent folders one by one. A folder on the way that is a
 * symbolic link is refused: `target` may already hold links (a user's working tree), and
 * an artifact naming `link/file` must not write wherever that link points.
 */
async function safeDestination(target: string, rel: string): Promise<string> {
  const parts = rel.split("/");
  let dir = target;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    let st = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (!st) {
      await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
      st = await lstat(dir);
    }
    if (!st.isDirectory()) {
      throw new InvalidArtifactError(`cannot write ${rel}: ${dir} is ${st.isSymbolicLink() ? "a symbolic link" : "not a directory"}`);
    }
  }
  return join(dir, parts.at(-1)!);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

