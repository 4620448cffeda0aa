import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Only sha256 is produced or accepted: it is what every registry we target speaks. */
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): boolean {
  return DIGEST_RE.test(value);
}

export function assertDigest(value: string, what = "digest"): string {
  if (!isDigest(value)) throw new Error(`invalid ${what} '${value}': expected sha256:<64 lowercase hex>`);
  return value;
}

export function digestHex(digest: string): string {
  return assertDigest(digest).slice("sha256:".length);
}

export function sha256(): Hash {
  return createHash("sha256");
}

export function digestOf(data: Buffer | string): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

/** Hash a file as a stream so a multi-GB model never sits in memory. */
export async function digestFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = sha256();
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: "sha256:" + hash.digest("hex"), size };
}

/**
 * Content that does not match its digest. Never retried: a registry that serves
 * the wrong bytes will keep doing so, and nothing unverified may be used.
 */
export class DigestMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly what: string,
  ) {
    super(`digest mismatch for ${what}: expected ${expected}, got ${actual}`);
    this.name = "DigestMismatchError";
  }
}

/** Bytes count differs from the descriptor's size (truncated or padded content). */
export class SizeMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
    readonly what: string,
  ) {
    super(`size mismatch for ${what}: expected ${expected} bytes, got ${actual}`);
    this.name = "SizeMismatchError";
  }
}
