import { open, rename, rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DigestMismatchError, digestOf, SizeMismatchError } from "./digest.ts";
import { hashingSink } from "./hashing-sink.ts";
import type { Descriptor, Progress } from "./store.ts";

/**
 * Stream `source` into `dest`, hashing every byte on the way. The bytes land in
 * `dest.partial` and only a verified file is renamed into place; on any failure the
 * partial file is deleted, so nothing unverified is ever left behind to be served.
 */
export async function writeVerified(
  source: Readable,
  dest: string,
  desc: Pick<Descriptor, "digest" | "size">,
  what: string,
  onProgress?: Progress,
  signal?: AbortSignal,
): Promise<void> {
  const partial = `${dest}.partial`;
  const fh = await open(partial, "w");
  const sink = hashingSink(partial, fh, desc.size, what, onProgress);
  try {
    try {
      await pipeline(source, sink, ...(signal ? [{ signal }] : []));
    } finally {
      await fh.close();
    }
    const actual = sink.digest();
    if (actual !== desc.digest) throw new DigestMismatchError(desc.digest, actual, what);
    if (sink.size !== desc.size) throw new SizeMismatchError(desc.size, sink.size, what);
    await rename(partial, dest);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Check a small blob already in memory (manifest, config). */
export function verifyBytes(bytes: Buffer, desc: Pick<Descriptor, "digest" | "size">, what: string): Buffer {
  const actual = digestOf(bytes);
  if (actual !== desc.digest) throw new DigestMismatchError(desc.digest, actual, what);
  if (bytes.length !== desc.size) throw new SizeMismatchError(desc.size, bytes.length, what);
  return bytes;
}
