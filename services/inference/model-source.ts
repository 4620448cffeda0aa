/**
 * Where a model's file comes from. Local paths load directly; remote references (OCI, digest-pinned)
 * go through platform/models, imported only when such a reference appears so the server runs
 * without it for local models.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

export interface RemoteSource {
  isRemoteModelRef(ref: string): boolean;
  pullModel(
    ref: string,
    opts: { cacheDir: string; insecure?: boolean; signal?: AbortSignal; onRetry?: (err: Error, attempt: number, delayMs: number) => void },
  ): Promise<{ path: string; digest: string }>;
}

const SOURCE_MODULE = new URL("../../platform/models/source.ts", import.meta.url).href;

/** Loads platform/models/source.ts lazily; undefined (with the reason) when it is not there. */
export async function loadRemoteSource(): Promise<RemoteSource | Error> {
  try {
    return (await import(SOURCE_MODULE)) as RemoteSource;
  } catch (err) {
    return err as Error;
  }
}

/** A model file, or a directory holding `model.onnx`, becomes the path of the `.onnx` file. */
export function modelFileOf(path: string): string {
  if (!existsSync(path)) throw new Error(`no such file or directory: ${path}`);
  if (statSync(path).isDirectory()) {
    const file = join(path, "model.onnx");
    if (!existsSync(file)) throw new Error(`${path} has no model.onnx`);
    return file;
  }
  return path;
}

const LOOKS_REMOTE = /^oci:\/\/|@sha256:[0-9a-f]{64}$|^[a-z0-9.-]+(:\d+)?\/[^\s]+[:@]/i;

export interface ResolveOptions {
  cacheDir: string;
  insecure: boolean;
  signal: AbortSignal;
  /** Called before a pull starts and on every retry, with what to show as the model's state reason. */
  onPulling: (reason: string) => void;
}

export interface ResolvedModel {
  file: string;
  digest?: string;
}

export async function resolveModel(ref: string, opts: ResolveOptions): Promise<ResolvedModel> {
  if (existsSync(ref)) return { file: modelFileOf(ref) };
  const remote = await loadRemoteSource();
  if (remote instanceof Error) {
    if (LOOKS_REMOTE.test(ref)) throw new Error(`remote model reference ${ref} needs platform/models, which failed to load: ${remote.message}`);
    throw new Error(`no such file or directory: ${ref}`);
  }
  if (!remote.isRemoteModelRef(ref)) throw new Error(`no such file or directory: ${ref}`);
  opts.onPulling(`pulling ${ref}`);
  const pulled = await remote.pullModel(ref, {
    cacheDir: opts.cacheDir,
    insecure: opts.insecure,
    signal: opts.signal,
    onRetry: (err, attempt, delayMs) => opts.onPulling(`pulling ${ref}: attempt ${attempt} failed (${err.message}); retrying in ${delayMs} ms`),
  });
  return { file: modelFileOf(pulled.path), digest: pulled.digest };
}
