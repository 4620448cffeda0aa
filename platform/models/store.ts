import type { Readable } from "node:stream";

/** What an OCI descriptor says about a blob: enough to fetch and verify it. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** A blob to send, already hashed, read back from disk by byte range so memory stays bounded. */
export interface BlobSource {
  digest: string;
  size: number;
  /** Stream of bytes [start, end) of the blob. */
  open(start: number, end: number): Readable;
}

export interface StoredManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
}

export type Progress = (bytes: number) => void;

/**
 * The operations push and pull need, spoken by a remote registry and by an on-disk
 * OCI image layout alike. Streams returned by fetchBlob are NOT verified: callers hash them.
 */
export interface ArtifactStore {
  /** For messages: "registry 127.0.0.1:5000" or "layout /path". */
  readonly location: string;
  hasBlob(repo: string, digest: string, signal?: AbortSignal): Promise<boolean>;
  pushBlob(repo: string, blob: BlobSource, onProgress?: Progress, signal?: AbortSignal): Promise<void>;
  fetchBlob(repo: string, desc: Descriptor, signal?: AbortSignal): Promise<Readable>;
  /** Store the manifest, tag it when `tag` is given, and return its digest. */
  putManifest(repo: string, tag: string | undefined, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string>;
  /** By tag or digest; a manifest fetched by digest is checked against it. */
  getManifest(repo: string, reference: string, signal?: AbortSignal): Promise<StoredManifest>;
  listTags(repo: string, signal?: AbortSignal): Promise<string[]>;
  /** Turn a low-level error met while streaming a blob into this store's own (e.g. a dropped connection). */
  explain(err: unknown): unknown;
  close(): void;
}
