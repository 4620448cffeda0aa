import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";

/**
 * A thin layer over node:http/https rather than fetch: request bodies stream from
 * disk with backpressure, a custom CA is a plain option, and keep-alive agents are ours.
 */
export interface TransportOptions {
  /** Speak plain HTTP. Only when asked: registries are TLS-only in practice. */
  insecure?: boolean;
  /** Extra PEM CA certificates trusted for this registry (private CAs). */
  ca?: string | Buffer;
  /**
   * A connection silent for this long (no answer, or a body that stopped flowing) is dropped
   * as unreachable, so a registry behind a dead network path is retried instead of waited on forever.
   */
  idleTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

export interface RequestInit {
  method: string;
  headers?: Record<string, string | number>;
  /** A Buffer, or a factory so the body can be re-sent after an auth challenge. */
  body?: Buffer | (() => Readable);
  signal?: AbortSignal;
  /** Overrides the transport's idle timeout for a request the server may legitimately mull over. */
  idleTimeoutMs?: number;
}

export class Transport {
  readonly scheme: "http" | "https";
  private readonly agent: http.Agent;
  private readonly idleTimeoutMs: number;

  constructor(opts: TransportOptions = {}) {
    this.scheme = opts.insecure ? "http" : "https";
    this.idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.agent = opts.insecure
      ? new http.Agent({ keepAlive: true })
      : new https.Agent({ keepAlive: true, ...(opts.ca ? { ca: opts.ca } : {}) });
  }

  request(url: URL, init: RequestInit): Promise<IncomingMessage> {
    const lib = url.protocol === "https:" ? https : http;
    // Redirects (e.g. to object storage) may leave our host and scheme; only same-scheme ones reuse the agent.
    const sameScheme = url.protocol === `${this.scheme}:`;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, {
        method: init.method,
        headers: init.headers,
        ...(sameScheme ? { agent: this.agent } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
      // The socket's idle timer keeps running while the response body streams, so a stall mid-blob is caught too.
      const idle = init.idleTimeoutMs ?? this.idleTimeoutMs;
      req.setTimeout(idle, () => {
        const err = new Error(`no data for ${idle / 1000} s`) as NodeJS.ErrnoException;
        err.code = "ETIMEDOUT";
        req.destroy(err);
      });
      req.once("response", resolve);
      req.once("error", reject);
      const body = init.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        const stream = body();
        stream.once("error", (err) => req.destroy(err));
        stream.pipe(req);
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function readText(res: IncomingMessage, limit = 4 << 20): Promise<string> {
  return (await readBytes(res, limit)).toString("utf8");
}

/** Small bodies only (manifests, JSON, errors): refuses more than `limit` bytes. */
export async function readBytes(res: IncomingMessage, limit = 4 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res) {
    n += (chunk as Buffer).length;
    if (n > limit) {
      res.destroy();
      throw new Error(`response body larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Consume and discard a body so the keep-alive socket can be reused. */
export async function drain(res: IncomingMessage): Promise<void> {
  res.resume();
  if (res.complete) return;
  await new Promise<void>((resolve) => {
    res.once("end", resolve);
    res.once("close", resolve);
    res.once("error", () => resolve());
  });
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
