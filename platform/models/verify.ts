import { randomBytes, type Hash } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DigestMismatchError, digestOf, sha256, SizeMismatchError } from "./digest.ts";
import type { Descriptor, Progress } from "./store.ts";

/**
 * Stream `source` into `dest`, hashing every byte on the way. The bytes land in
 * `dest.<random>.partial` and only a verified file is renamed into place; on any failure the
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
  // Unique per writer: two pushes of one blob into one layout must not share a partial file.
  const partial = `${dest}.${randomBytes(4).toString("hex")}.partial`;
  const fh = await open(partial, "w");
  const sink = new HashingFileSink(fh, desc.size, what, onProgress);
  try {
    try {
      await pipeline(source, sink, ...(signal ? [{ signal }] : []));
    } finally {
      await fh.close();
    }
    const actual = "sha256:" + sink.hash.digest("hex");
    if (actual !== desc.digest) throw new DigestMismatchError(desc.digest, actual, what);
    if (sink.size !== desc.size) throw new SizeMismatchError(desc.size, sink.size, what);
    await rename(partial, dest);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/**
 * Hashes chunks and writes them to a file. A 4 MB buffer lets the network keep
 * filling while a write is in flight (writes run on libuv's pool), and the chunks
 * gathered meanwhile go to disk in one writev. Hashing stays on this thread: moving it
 * to a worker was measured slower on two cores (copies plus a busy second core).
 */
class HashingFileSink extends Writable {
  readonly hash: Hash = sha256();
  size = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly expected: number,
    private readonly what: string,
    private readonly onProgress?: Progress,
  ) {
    super({ highWaterMark: 4 << 20 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this._writev([{ chunk }], cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    const bufs = chunks.map((c) => c.chunk);
    let n = 0;
    for (const b of bufs) {
      this.hash.update(b);
      n += b.length;
    }
    this.size += n;
    // Far more than announced: stop now rather than fill the disk.
    if (this.size > this.expected + (1 << 20)) {
      cb(new SizeMismatchError(this.expected, this.size, this.what));
      return;
    }
    this.onProgress?.(n);
    this.fh.writev(bufs).then(() => cb(), cb);
  }
}

/** Check a small blob already in memory (manifest, config). */
export function verifyBytes(bytes: Buffer, desc: Pick<Descriptor, "digest" | "size">, what: string): Buffer {
  const actual = digestOf(bytes);
  if (actual !== desc.digest) throw new DigestMismatchError(desc.digest, actual, what);
  if (bytes.length !== desc.size) throw new SizeMismatchError(desc.size, bytes.length, what);
  return bytes;
}
