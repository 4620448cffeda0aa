/** Shared by the server tests: model repositories in temp folders, an in-process server, and HTTP calls. */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { defaultConfig, startServer, type RunningServer, type ServerConfig } from "../../services/inference/index.ts";
import { DEFAULT_MODEL_SETTINGS, type ModelSettings } from "../../services/inference/index.ts";

export function tempDir(prefix = "mp-serve-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestServerOptions {
  repo?: string;
  models?: { name: string; ref: string }[];
  settings?: Partial<ModelSettings>;
  config?: Partial<ServerConfig>;
}

/** Starts a server on 127.0.0.1:0 and waits until every model finished loading. */
export async function startTestServer(o: TestServerOptions): Promise<RunningServer> {
  const config = defaultConfig({
    host: "127.0.0.1",
    port: 0,
    modelRepository: o.repo,
    models: o.models ?? [],
    defaults: { ...DEFAULT_MODEL_SETTINGS, ...o.settings },
    ...o.config,
  });
  const server = await startServer(config, { logger: pino({ level: "silent" }) });
  await server.loaded;
  return server;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function http(
  base: string,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string | number> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
        const length = body !== undefined && !("transfer-encoding" in headers) ? { "content-length": Buffer.byteLength(body) } : {};
    const req = request(url, { method, headers: { ...length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json: () => JSON.parse(buf.toString("utf8")) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const postJson = (base: string, path: string, doc: unknown): Promise<HttpResult> =>
  http(base, "POST", path, JSON.stringify(doc), { "content-type": "application/json" });

/** Builds a binary-extension body: JSON header then the raw blobs. */
export function binaryBody(header: unknown, blobs: Buffer[]): { body: Buffer; headerLength: number } {
  const h = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([h, ...blobs]), headerLength: h.length };
}

/** Splits a binary-extension response into its JSON header and the bytes after it. */
export function splitBinaryResponse(r: HttpResult): { header: any; rest: Buffer } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const n = Number(r.headers["inference-header-content-length"]);
  return { header: JSON.parse(r.body.subarray(0, n).toString("utf8")), rest: r.body.subarray(n) };
}
