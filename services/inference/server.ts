/**
 * Starts the model server: one HTTP listener for the API and /metrics, the model repository, and the
 * shutdown sequence (not ready → keep serving for the drain delay → stop accepting → let queued and
 * in-flight requests finish, up to the drain timeout → release the sessions).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { pino, type Logger } from "pino";
import type { ServerConfig } from "./config.ts";
import { ConfigError, HttpError } from "./errors.ts";
import { chooseProviders } from "./execution-provider.ts";
import { handle, sendError, type HandlerContext } from "./handlers.ts";
import { ServerMetrics } from "./metrics.ts";
import { ModelRepository } from "./model-repository.ts";
import { readModelConfig } from "./model-settings.ts";

export interface StartOptions {
  /** Where logs go; defaults to JSON lines on stdout at `config.logLevel`. */
  logger?: Logger;
}

export interface DrainResult {
  /** False when the drain timeout cut off requests still running. */
  clean: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  repository: ModelRepository;
  metrics: ServerMetrics;
  log: Logger;
  /** Resolves when the first load of every configured model has finished (ready or failed). */
  loaded: Promise<void>;
  isReady(): boolean;
  /** Graceful shutdown (what SIGTERM does). */
  drain(): Promise<DrainResult>;
  /** Immediate shutdown: queued requests fail, connections are cut. */
  close(): Promise<void>;
}

/** How long an idle keep-alive connection may still deliver a request after draining started. */
const IDLE_GRACE_MS = 250;

const SAFE_REQUEST_ID = /^[\w.:/+=-]{1,128}$/;

const SERVER_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** Problems a start-up cannot recover from (a model configured for CUDA where there is none, a broken config.yaml). */
function preflight(config: ServerConfig): void {
  chooseProviders(config.defaults.executionProvider, config.defaults.allowCpuFallback);
  if (config.modelRepository) {
    let entries: string[];
    try {
      entries = readdirOrThrow(config.modelRepository);
    } catch (err) {
      throw new ConfigError(`model repository ${config.modelRepository}: ${(err as Error).message}`);
    }
    for (const name of entries) {
      const file = `${config.modelRepository}/${name}/config.yaml`;
      if (!existsSync(file)) continue;
      const s = { ...config.defaults, ...readModelConfig(file).settings };
      try {
        chooseProviders(s.executionProvider, s.allowCpuFallback);
      } catch (err) {
        throw new ConfigError(`${file}: ${(err as Error).message}`);
      }
    }
  }
}

function readdirOrThrow(dir: string): string[] {
  if (!statSync(dir).isDirectory()) throw new Error("not a directory");
  return readdirSync(dir);
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  preflight(config);
  const log = opts.logger ?? pino({ level: config.logLevel, base: { service: "modelplane-inference" } });
  const metrics = new ServerMetrics(config.latencyBuckets);
  const repository = new ModelRepository(
    { dir: config.modelRepository, models: config.models, defaults: config.defaults },
    { cacheDir: config.cacheDir, insecureRegistry: config.insecureRegistry, metrics, log },
  );
  let draining = false;
  let active = 0;
  let idleWaiter: (() => void) | undefined;
  let seq = 0;
  const boot = Date.now().toString(36);

  const isReady = (): boolean => !draining && repository.notReady().length === 0;
  const ctx: HandlerContext = {
    repo: repository,
    metrics,
    limits: config.limits,
    log,
    serverVersion: SERVER_VERSION,
    isReady,
    notReadyReasons: () => (draining ? ["shutting down"] : repository.notReady()),
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    active++;
    const incoming = req.headers["x-request-id"];
    // A client's id is kept only if it is safe to echo in a header and a log line.
    const reqId = typeof incoming === "string" && SAFE_REQUEST_ID.test(incoming) ? incoming : `${boot}-${(seq++).toString(36)}`;
    if (draining) res.setHeader("connection", "close");
    res.on("close", () => {
      active--;
      if (active === 0) idleWaiter?.();
    });
    handle(ctx, req, res, reqId).catch((err: unknown) => {
      const httpErr = err instanceof HttpError ? err : new HttpError(500, `internal error: ${(err as Error)?.message ?? String(err)}`);
      if (!(err instanceof HttpError)) log.error({ reqId, err }, "request handler failed");
      if (httpErr.status === 413) res.setHeader("connection", "close");
      if (res.headersSent) res.destroy();
      else sendError(res, httpErr);
    });
  };

  const http: Server = createServer({ requestTimeout: 120_000, headersTimeout: 30_000, keepAliveTimeout: 65_000 }, onRequest);
  // Malformed HTTP (bad Content-Length, broken headers) is answered as JSON instead of Node's bare 400.
  http.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const body = JSON.stringify({ error: `malformed HTTP request: ${err.code ?? err.message}` });
    socket.end(`HTTP/1.1 ${status} Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${port}`;
  log.info({ url, host: config.host, port }, "listening");

  const loaded = repository.loadAll().then(
    () => {
      if (isReady()) log.info("all models ready");
    },
    (err: Error) => log.error({ err: err.message }, "loading models failed"),
  );

  let closing: Promise<void> | undefined;
  const closeListener = (): Promise<void> => new Promise((resolve) => http.close(() => resolve()));

  const drain = async (): Promise<DrainResult> => {
    if (draining) return { clean: true };
    draining = true;
    log.info({ drainDelayMs: config.drainDelayMs, drainTimeoutMs: config.drainTimeoutMs }, "draining: no longer ready");
    if (config.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.drainDelayMs));
    // Stop accepting connections but keep the open ones: http.Server#close would also drop idle
    // keep-alive connections, racing requests clients have already sent on them.
    const listenerClosed = new Promise<void>((resolve) => net.Server.prototype.close.call(http, () => resolve()));
    const deadline = Date.now() + config.drainTimeoutMs;
    const settled = async (): Promise<void> => {
      for (;;) {
        await repository.idle();
        if (active > 0) await new Promise<void>((r) => (idleWaiter = r));
        // Requests already on the wire for an idle connection arrive within this grace; they are served with Connection: close.
        await new Promise((r) => setTimeout(r, IDLE_GRACE_MS));
        if (active === 0 && repository.all().every((mv) => (mv.batcher?.pending ?? 0) === 0)) return;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const clean = await Promise.race([
      settled().then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    http.closeAllConnections();
    http.close(() => undefined);
    await listenerClosed;
    await repository.close();
    log.info({ clean }, "drained");
    return { clean };
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      const listenerClosed = closeListener();
      http.closeAllConnections();
      await repository.close();
      await listenerClosed;
    })();
    return closing;
  };

  return { url, port, repository, metrics, log, loaded, isReady, drain, close };
}
