import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DigestMismatchError, digestOf, sha256, SizeMismatchError } from "./digest.ts";
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
  const hash = sha256();
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      // Far more than announced: stop reading now rather than fill the disk.
      if (size > desc.size + (1 << 20)) {
        cb(new SizeMismatchError(desc.size, size, what));
        return;
      }
      hash.update(chunk);
      onProgress?.(chunk.length);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(source, check, createWriteStream(partial), ...(signal ? [{ signal }] : []));
    const actual = "sha256:" + hash.digest("hex");
    if (actual !== desc.digest) throw new DigestMismatchError(desc.digest, actual, what);
    if (size !== desc.size) throw new SizeMismatchError(desc.size, size, what);
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
