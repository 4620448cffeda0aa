import type { Readable } from "node:stream";

/** Collect a small stream, refusing more than `limit` bytes (a config blob, never weights). */
export async function readBytesFrom(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > limit) {
      stream.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
