import { buildArtifact, type BuiltArtifact } from "./artifact.ts";
import { Readable } from "node:stream";
import { OCI_MANIFEST } from "./media-types.ts";
import type { ArtifactStore, BlobSource } from "./store.ts";

export interface PushOptions {
  name: string;
  version?: string;
  tag?: string;
  created?: Date;
  /** Called with (bytes sent so far, bytes to send) as blobs go up. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface PushResult {
  digest: string;
  artifact: BuiltArtifact;
  /** Digests actually sent, and those the store already had (never sent twice). */
  uploaded: string[];
  skipped: string[];
}

export async function pushModel(source: string, store: ArtifactStore, repo: string, opts: PushOptions): Promise<PushResult> {
  const artifact = await buildArtifact(source, {
    name: opts.name,
    ...(opts.version ? { version: opts.version } : {}),
    ...(opts.created ? { created: opts.created } : {}),
  });
  const config: BlobSource = {
    digest: artifact.manifest.config.digest,
    size: artifact.configBytes.length,
    open: (start, end) => Readable.from([artifact.configBytes.subarray(start, end)], { objectMode: false }),
  };
  const blobs: BlobSource[] = [...artifact.files, config];
  const missing: BlobSource[] = [];
  const skipped: string[] = [];
  for (const b of blobs) {
    if (missing.some((m) => m.digest === b.digest) || skipped.includes(b.digest)) continue; // same content twice
    if (await store.hasBlob(repo, b.digest, opts.signal)) skipped.push(b.digest);
    else missing.push(b);
  }
  const total = missing.reduce((n, b) => n + b.size, 0);
  let done = 0;
  opts.onProgress?.(0, total);
  for (const b of missing) {
    await store.pushBlob(repo, b, (n) => {
      done += n;
      opts.onProgress?.(done, total);
    }, opts.signal);
  }
  const digest = await store.putManifest(repo, opts.tag, artifact.manifestBytes, OCI_MANIFEST, opts.signal);
  return { digest, artifact, uploaded: missing.map((b) => b.digest), skipped };
}

