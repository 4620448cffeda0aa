import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { InvalidArtifactError } from "./errors.ts";
import { parseModelManifest } from "./manifest.ts";
import { digestHex, digestOf } from "./digest.ts";
import { exists, pullArtifact, stagingDir, verifyPulled } from "./pull.ts";
import type { ArtifactStore } from "./store.ts";

/**
 * A pull cache keyed by manifest digest:
 *   <cacheDir>/sha256/<hex>/            the model's files (model.onnx, ...)
 *   <cacheDir>/sha256/<hex>.manifest.json  its manifest, written only after every file verified
 * Entries appear by rename, so a half-pulled model is never visible under its digest.
 */
export interface CachedModel {
  path: string;
  digest: string;
  /** Absolute path of the ONNX file to load: always <path>/model.onnx (linked when the artifact named it otherwise). */
  modelFile: string;
}

export function cachePaths(cacheDir: string, digest: string): { dir: string; manifest: string } {
  const base = join(cacheDir, "sha256", digestHex(digest));
  return { dir: base, manifest: `${base}.manifest.json` };
}

/** A cached model, re-hashed against its manifest; undefined (and removed) when absent or damaged. */
export async function lookupCache(cacheDir: string, digest: string): Promise<CachedModel | undefined> {
  const p = cachePaths(cacheDir, digest);
  let bytes: Buffer;
  try {
    bytes = await readFile(p.manifest);
  } catch {
    return undefined;
  }
  try {
    if (digestOf(bytes) !== digest) throw new Error("manifest digest differs");
    const manifest = parseModelManifest(bytes, digest);
    await verifyPulled(p.dir, manifest);
    return { path: p.dir, digest, modelFile: join(p.dir, "model.onnx") };
  } catch {
    await evict(cacheDir, digest);
    return undefined;
  }
}

export async function pullIntoCache(
  store: ArtifactStore,
  repo: string,
  reference: string,
  cacheDir: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<CachedModel> {
  await mkdir(join(cacheDir, "sha256"), { recursive: true });
  const staging = stagingDir(join(cacheDir, "sha256"));
  const pulled = await pullArtifact(store, repo, reference, staging, opts);
  const p = cachePaths(cacheDir, pulled.digest);
  try {
    const modelFile = pulled.config.modelplane?.modelFile ?? pulled.files.find((f) => f.endsWith(".onnx")) ?? "model.onnx";
    // The config is the pusher's word: linking a path that is not one of the verified layers would serve
    // unverified bytes (or, with '../', any file this process can read) as the model.
    if (modelFile !== "model.onnx" && !pulled.files.includes(modelFile)) {
      throw new InvalidArtifactError(`${repo}@${pulled.digest}: config names model file '${String(modelFile)}', which is not one of its layers`);
    }
    // The server loads <path>/model.onnx; give it that name when the artifact used another.
    if (modelFile !== "model.onnx" && !pulled.files.includes("model.onnx")) {
      await link(join(staging, ...modelFile.split("/")), join(staging, "model.onnx"));
    }
    // Another process (a second replica sharing the cache) may have finished first: use
    // its copy when it verifies, rather than pulling the directory out from under it.
    const useTheirs = async (): Promise<CachedModel | undefined> => {
      await writeManifest(p.manifest, pulled.manifestBytes);
      const theirs = await lookupCache(cacheDir, pulled.digest);
      if (theirs) await rm(staging, { recursive: true, force: true });
      return theirs;
    };
    if (await exists(p.dir)) {
      const theirs = await useTheirs();
      if (theirs) return theirs;
    }
    try {
      await rename(staging, p.dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const theirs = code === "ENOTEMPTY" || code === "EEXIST" ? await useTheirs() : undefined;
      if (theirs) return theirs;
      throw err;
    }
    await writeManifest(p.manifest, pulled.manifestBytes);
    return { path: p.dir, digest: pulled.digest, modelFile: join(p.dir, "model.onnx") };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

export async function evict(cacheDir: string, digest: string): Promise<void> {
  const p = cachePaths(cacheDir, digest);
  await rm(p.manifest, { force: true });
  await rm(p.dir, { recursive: true, force: true });
}

/** Written last and by rename: its presence is what marks an entry complete. */
async function writeManifest(path: string, bytes: Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}
