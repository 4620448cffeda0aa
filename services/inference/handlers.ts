/**
 * The Open Inference Protocol REST endpoints plus the repository extension and /metrics. Every
 * handler's failure becomes a JSON `{"error": ...}` answer; nothing a client sends escapes as an
 * exception.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Limits } from "./config.ts";
import { ConfigError, HttpError, OverloadedError, TimeoutError, notFound, badRequest, unavailable } from "./errors.ts";
import { readBody } from "./http-body.ts";
import { parseInferRequest } from "./infer-request.ts";
import { encodeInferResponse } from "./infer-response.ts";
import type { Outcome, ServerMetrics } from "./metrics.ts";
import { servingOrThrow, type ModelRepository } from "./model-repository.ts";
import type { ModelVersion } from "./model-version.ts";

export interface HandlerContext {
  repo: ModelRepository;
  metrics: ServerMetrics;
  limits: Limits;
  log: Logger;
  serverVersion: string;
  /** False while starting or draining. */
  isReady: () => boolean;
  notReadyReasons: () => string[];
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  const headers: Record<string, string> = {};
  if (err.retryAfter !== undefined) headers["retry-after"] = String(err.retryAfter);
  if (err.status === 405 && err.extra?.allow) headers.allow = String(err.extra.allow);
  const extra = { ...err.extra };
  delete extra.allow;
  sendJson(res, err.status, { error: err.message, ...extra }, headers);
}

function outcomeOf(err: unknown): Outcome {
  if (err instanceof OverloadedError) return "overloaded";
  if (err instanceof TimeoutError) return "timeout";
  if (!(err instanceof HttpError)) return "error";
  if (err.status === 404) return "not_found";
  if (err.status === 503) return "unavailable";
  return err.status < 500 ? "client_error" : "error";
}

function metadataOf(mv: ModelVersion, all: ModelVersion[]): unknown {
  const tensors = (list: { name: string; datatype: string; shape: number[] }[] | undefined) =>
    (list ?? []).map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape }));
  return {
    name: mv.name,
    versions: all.map((v) => v.version),
    platform: "onnxruntime_onnx",
    inputs: tensors(mv.signature?.inputs),
    outputs: tensors(mv.signature?.outputs),
    state: mv.state.toUpperCase(),
    ...(mv.reason ? { reason: mv.reason } : {}),
    ...(mv.digest ? { digest: mv.digest } : {}),
  };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`malformed URL segment '${s}'`);
  }
}

const methodNotAllowed = (allow: string): HttpError => new HttpError(405, `method not allowed; use ${allow}`, undefined, { allow });

async function infer(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, name: string, version: string | undefined, reqId: string): Promise<void> {
  const started = performance.now();
  let target: ModelVersion | undefined;
  try {
    target = ctx.repo.resolve(name, version);
    const mv = servingOrThrow(target);
    const body = await readBody(req, ctx.limits.maxBodyBytes);
    const parsed = parseInferRequest(body, req.headers["inference-header-content-length"], mv.signature!, ctx.limits);
    const outputs = await mv.batcher!.submit(parsed.inputs);
    const enc = encodeInferResponse(mv.name, mv.version, parsed.id, parsed.outputs, outputs);
    if (enc.headerLength === undefined) {
      res.writeHead(200, { "content-length": Buffer.byteLength(enc.body), "x-request-id": reqId, "content-type": "application/json" });
    } else {
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": enc.body.length,
        "inference-header-content-length": enc.headerLength,
        "x-request-id": reqId,
      });
    }
    res.end(enc.body);
    mv.stats.success.inc();
  } catch (err) {
    const outcome = outcomeOf(err);
    const labels = target ? { model: target.name, version: target.version } : { model: "unknown", version: "" };
    ctx.metrics.requests.inc({ ...labels, outcome });
    if (err instanceof HttpError) {
      ctx.log.info({ reqId, ...labels, status: err.status, err: err.message }, "infer request refused");
      if (err.status === 413) res.setHeader("connection", "close");
      sendError(res, err);
    } else {
      ctx.log.error({ reqId, ...labels, err: (err as Error).message }, "inference failed");
      sendError(res, new HttpError(500, `inference failed: ${(err as Error).message}`));
    }
  } finally {
    target?.stats.request.observe((performance.now() - started) / 1000);
  }
}

/** `/v2/models/{m}[/versions/{v}]/infer`, matched before the general router: it is the hot path. */
const INFER_PATH = /^\/v2\/models\/([^/?]+)(?:\/versions\/([^/?]+))?\/infer(?:\?|$)/;

/** Routes one request. Resolves when the answer has been written. */
export function handle(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, reqId: string): Promise<void> {
  // Infer requests skip the general router (and its extra async frame): they are the hot path.
  if (req.method === "POST") {
    const m = INFER_PATH.exec(req.url ?? "/");
    if (m) {
      let name: string;
      let version: string | undefined;
      try {
        name = m[1]!.includes("%") ? decodeSegment(m[1]!) : m[1]!;
        version = m[2] === undefined || !m[2].includes("%") ? m[2] : decodeSegment(m[2]);
      } catch (err) {
        return Promise.reject(err);
      }
      return infer(ctx, req, res, name, version, reqId);
    }
  }
  return route(ctx, req, res, reqId);
}

async function route(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, reqId: string): Promise<void> {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const parts = (q >= 0 ? url.slice(0, q) : url).split("/").filter((p, i) => i > 0 || p !== "");
  const method = req.method === "HEAD" ? "GET" : req.method;
  const need = (m: string): void => {
    if (method !== m) throw methodNotAllowed(m);
  };
  const [root, a, b, c, d, e, f] = parts;

  if (root === "metrics" && parts.length === 1) {
    need("GET");
    const text = await ctx.metrics.registry.metrics();
    res.writeHead(200, { "content-type": ctx.metrics.registry.contentType });
    res.end(text);
    return;
  }
  if (root !== "v2") throw notFound(`no route for ${url}`);
  if (parts.length === 1) {
    need("GET");
    return sendJson(res, 200, { name: "modelplane", version: ctx.serverVersion, extensions: ["binary_tensor_data", "model_repository"] });
  }
  if (a === "health" && parts.length === 3) {
    need("GET");
    if (b === "live") return sendJson(res, 200, { live: true });
    if (b === "ready") {
      if (ctx.isReady()) return sendJson(res, 200, { ready: true });
      const reasons = ctx.notReadyReasons();
      throw unavailable(`not ready: ${reasons.join("; ")}`, 1, { ready: false, reasons });
    }
  }
  if (a === "repository") {
    need("POST");
    if (b === "index" && parts.length === 3) return sendJson(res, 200, ctx.repo.index());
    if (b === "models" && c !== undefined && (d === "load" || d === "unload") && parts.length === 5) {
      const name = decodeSegment(c);
      await readBody(req, ctx.limits.maxBodyBytes); // the body (load parameters) is optional and ignored
      if (d === "unload") {
        await ctx.repo.unload(name);
        return sendJson(res, 200, {});
      }
      try {
        await ctx.repo.load(name);
      } catch (err) {
        if (err instanceof ConfigError) throw badRequest(err.message);
        throw err;
      }
      const failed = ctx.repo.versionsOf(name).filter((v) => v.state === "failed");
      if (failed.length) throw new HttpError(500, `model '${name}' failed to load: ${failed.map((v) => `version ${v.version}: ${v.reason}`).join("; ")}`);
      return sendJson(res, 200, {});
    }
  }
  if (a === "models" && b !== undefined) {
    const name = decodeSegment(b);
    let version: string | undefined;
    let rest: (string | undefined)[] = [c, d, e, f];
    if (c === "versions") {
      if (d === undefined || d === "") throw notFound(`no route for ${url}`);
      version = decodeSegment(d);
      rest = [e, f];
    }
    const tail = rest.filter((x) => x !== undefined);
    if (tail.length === 0) {
      need("GET");
      const mv = ctx.repo.resolve(name, version);
      return sendJson(res, 200, metadataOf(mv, ctx.repo.versionsOf(name)));
    }
    if (tail.length === 1 && tail[0] === "ready") {
      need("GET");
      const mv = ctx.repo.resolve(name, version);
      if (mv.ready) return sendJson(res, 200, { name: mv.name, version: mv.version, ready: true });
      throw unavailable(`model '${mv.name}' version ${mv.version} is not ready (${mv.state}${mv.reason ? `: ${mv.reason}` : ""})`, 1, {
        name: mv.name, version: mv.version, ready: false, state: mv.state.toUpperCase(), ...(mv.reason ? { reason: mv.reason } : {}),
      });
    }
    if (tail.length === 1 && tail[0] === "infer") {
      need("POST");
      return infer(ctx, req, res, name, version, reqId);
    }
  }
  throw notFound(`no route for ${req.method} ${url}`);
}
