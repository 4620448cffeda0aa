import type { IncomingMessage } from "node:http";
import { tooLarge } from "./errors.ts";

/**
 * Reads a request body up to `maxBytes`. A declared Content-Length over the limit is refused before
 * reading anything; a streamed body is cut off as soon as it passes the limit.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(`request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        finish(tooLarge(`request body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      req.off("data", onData);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    req.on("data", onData);
    req.once("end", () => finish());
    req.once("error", (err) => finish(err));
    req.once("aborted", () => finish(new Error("the client aborted the request")));
  });
}
