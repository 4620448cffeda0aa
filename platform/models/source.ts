import { evict, lookupCache, pullIntoCache } from "./cache.ts";
import { openStore } from "./open-store.ts";
import { parseReference } from "./reference.ts";
import { withRetry } from "./retry.ts";

/**
 * The server's entry point for model artifacts (services/inference imports this lazily).
 *
 * Remote model references are:
 *   oci://host[:port]/repo[:tag]@sha256:<hex>   (tag optional; digest strongly advised: staging/prod require it)
 *   oci://host[:port]/repo:tag                  (resolved on every start: needs the registry)
 *   layout:/path/to/layout[:tag]@sha256:<hex>   an OCI image-layout folder on disk
 * Anything else (a plain path to an .onnx file) is not a remote reference.
 */
export function isRemoteModelRef(ref: string): boolean {
  return ref.startsWith("oci://") || ref.startsWith("layout:");
}

export interface PulledModel {
  /** Local directory holding model.onnx (and any other files of the artifact). */
  path: string;
  /** Manifest digest: what is being served, exactly. */
  digest: string;
  /** Absolute path of the ONNX file: <path>/model.onnx. */
  modelFile: string;
}

export interface PullModelOptions {
  cacheDir: string;
  /** Plain HTTP to the registry (also MODELPLANE_INSECURE_REGISTRIES). */
  insecure?: boolean;
  signal?: AbortSignal;
  /** Network failures are retried forever (until signal aborts) with capped exponential backoff. */
  onRetry?: (err: Error, attempt: number, delayMs: number) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Defaults to process.env: MODELPLANE_REGISTRY_USERNAME/PASSWORD, MODELPLANE_REGISTRY_CA, docker config. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Pull a model into `cacheDir` keyed by manifest digest, verifying every blob.
 * A digest already cached (and re-hashed clean) returns without touching the network.
 * Unreachable registries and 5xx answers are retried; digest mismatches, missing
 * artifacts and refused credentials are not (they reject at once with a clear error).
 */
export async function pullModel(ref: string, opts: PullModelOptions): Promise<PulledModel> {
  if (!isRemoteModelRef(ref)) throw new Error(`'${ref}' is not a model reference (expected oci://... or layout:...)`);
  const parsed = parseReference(ref);
  if (parsed.digest) {
    const hit = await lookupCache(opts.cacheDir, parsed.digest);
    if (hit) return hit;
  }
  const reference = parsed.digest ?? parsed.tag ?? "latest";
  return withRetry(
    async () => {
      const { store, repo } = openStore(parsed, { ...(opts.insecure ? { insecure: true } : {}), ...(opts.env ? { env: opts.env } : {}) });
      try {
        const pulled = await pullIntoCache(store, repo, reference, opts.cacheDir, opts.signal ? { signal: opts.signal } : {});
        if (parsed.digest && pulled.digest !== parsed.digest) {
          await evict(opts.cacheDir, pulled.digest);
          throw new Error(`${ref}: store returned manifest ${pulled.digest}`);
        }
        return pulled;
      } finally {
        store.close();
      }
    },
    {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
      ...(opts.initialDelayMs !== undefined ? { initialDelayMs: opts.initialDelayMs } : {}),
      ...(opts.maxDelayMs !== undefined ? { maxDelayMs: opts.maxDelayMs } : {}),
    },
  );
}
