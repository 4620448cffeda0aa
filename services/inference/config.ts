/**
 * Server configuration: defaults, then environment (`MODELPLANE_*`, how Kubernetes configures the
 * container), then flags (how people run `modelplane serve`). Bad values are ConfigErrors naming the
 * flag or variable.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "./errors.ts";
import { DEFAULT_LATENCY_BUCKETS, parseBuckets } from "./metrics.ts";
import { DEFAULT_MODEL_SETTINGS, SETTING_CHECKS, type ModelSettings } from "./model-settings.ts";
import type { NamedModel } from "./model-repository.ts";

export interface Limits {
  /** Largest request body in bytes (413 above). */
  maxBodyBytes: number;
  maxJsonDepth: number;
  /** Most tensor elements one request may declare, over all inputs. */
  maxElements: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  modelRepository: string | undefined;
  models: NamedModel[];
  /** Where pulled model artifacts are cached (an emptyDir under a read-only root). */
  cacheDir: string;
  insecureRegistry: boolean;
  defaults: ModelSettings;
  limits: Limits;
  latencyBuckets: number[];
  /** After SIGTERM, keep serving (while not ready) this long so load balancers stop sending first. */
  drainDelayMs: number;
  /** Longest wait for queued and in-flight requests after SIGTERM. */
  drainTimeoutMs: number;
  logLevel: string;
}

export function defaultConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    host: "127.0.0.1",
    port: 8080,
    modelRepository: undefined,
    models: [],
    cacheDir: "/tmp/modelplane/cache",
    insecureRegistry: false,
    defaults: { ...DEFAULT_MODEL_SETTINGS },
    limits: { maxBodyBytes: 64 * 1024 * 1024, maxJsonDepth: 32, maxElements: 16 * 1024 * 1024 },
    latencyBuckets: DEFAULT_LATENCY_BUCKETS,
    drainDelayMs: 0,
    drainTimeoutMs: 30_000,
    logLevel: "info",
    ...overrides,
  };
}

/** Flag name, environment variable, and how to apply the text value. */
interface Option {
  flag: string;
  env: string;
  kind: "string" | "boolean";
  help: string;
  apply: (c: ServerConfig, v: string, where: string) => void;
}

function int(v: string, where: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(`${where}: expected an integer >= ${min}, got '${v}'`);
  return n;
}
function bool(v: string, where: string): boolean {
  if (/^(1|true|yes)$/i.test(v)) return true;
  if (/^(0|false|no|)$/i.test(v)) return false;
  throw new ConfigError(`${where}: expected true or false, got '${v}'`);
}
function setting<K extends keyof ModelSettings>(key: K, parse: (v: string, where: string) => ModelSettings[K]) {
  return (c: ServerConfig, v: string, where: string): void => {
    const value = parse(v, where);
    const problem = SETTING_CHECKS[key](value);
    if (problem) throw new ConfigError(`${where}: ${problem}`);
    c.defaults[key] = value;
  };
}

export function parseModelArg(v: string, where: string): NamedModel {
  const eq = v.indexOf("=");
  const name = v.slice(0, eq);
  if (eq <= 0 || eq === v.length - 1 || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new ConfigError(`${where}: expected NAME=PATH_OR_REFERENCE, got '${v}'`);
  }
  return { name, ref: v.slice(eq + 1) };
}

export const OPTIONS: Option[] = [
  { flag: "model-repository", env: "MODELPLANE_MODEL_REPOSITORY", kind: "string", help: "directory laid out <model>/<version>/model.onnx", apply: (c, v) => void (c.modelRepository = v) },
  { flag: "model", env: "MODELPLANE_MODELS", kind: "string", help: "NAME=PATH or NAME=oci://… (repeatable; env: comma-separated)", apply: (c, v, w) => {
    for (const part of v.split(",").filter(Boolean)) {
      const m = parseModelArg(part.trim(), w);
      if (c.models.some((x) => x.name === m.name)) throw new ConfigError(`${w}: model '${m.name}' is given twice`);
      c.models.push(m);
    }
  } },
  { flag: "host", env: "MODELPLANE_HOST", kind: "string", help: "address to listen on (default 127.0.0.1)", apply: (c, v) => void (c.host = v) },
  { flag: "port", env: "MODELPLANE_PORT", kind: "string", help: "port for the API and /metrics (default 8080; 0 picks one)", apply: (c, v, w) => {
    c.port = int(v, w, 0);
    if (c.port > 65535) throw new ConfigError(`${w}: port must be at most 65535`);
  } },
  { flag: "cache-dir", env: "MODELPLANE_CACHE_DIR", kind: "string", help: "cache for pulled models (default /tmp/modelplane/cache)", apply: (c, v) => void (c.cacheDir = v) },
  { flag: "insecure-registry", env: "MODELPLANE_INSECURE_REGISTRY", kind: "boolean", help: "pull remote models over plain HTTP", apply: (c, v, w) => void (c.insecureRegistry = bool(v, w)) },
  { flag: "execution-provider", env: "MODELPLANE_EXECUTION_PROVIDER", kind: "string", help: "cpu or cuda (default cpu)", apply: setting("executionProvider", (v) => v as "cpu") },
  { flag: "allow-cpu-fallback", env: "MODELPLANE_ALLOW_CPU_FALLBACK", kind: "boolean", help: "run on CPU when cuda is asked for but missing", apply: setting("allowCpuFallback", bool) },
  { flag: "instances", env: "MODELPLANE_INSTANCES", kind: "string", help: "worker threads (sessions) per model version (default 1)", apply: setting("instances", (v, w) => int(v, w, 1)) },
  { flag: "intra-op-threads", env: "MODELPLANE_INTRA_OP_THREADS", kind: "string", help: "onnxruntime threads per session (default 1)", apply: setting("intraOpThreads", (v, w) => int(v, w, 1)) },
  { flag: "max-batch-size", env: "MODELPLANE_MAX_BATCH_SIZE", kind: "string", help: "rows per merged batch; 1 turns batching off (default 32)", apply: setting("maxBatchSize", (v, w) => int(v, w, 1)) },
  { flag: "max-queue-delay-ms", env: "MODELPLANE_MAX_QUEUE_DELAY_MS", kind: "string", help: "how long a partial batch waits for more rows (default 0)", apply: setting("maxQueueDelayMs", (v, w) => int(v, w, 0)) },
  { flag: "max-queue-size", env: "MODELPLANE_MAX_QUEUE_SIZE", kind: "string", help: "queued requests per model before 503 (default 256)", apply: setting("maxQueueSize", (v, w) => int(v, w, 1)) },
  { flag: "timeout-ms", env: "MODELPLANE_TIMEOUT_MS", kind: "string", help: "per-request timeout, queue plus compute (default 30000)", apply: setting("timeoutMs", (v, w) => int(v, w, 1)) },
  { flag: "no-warmup", env: "MODELPLANE_NO_WARMUP", kind: "boolean", help: "skip the warm-up inference before ready", apply: (c, v, w) => void (c.defaults.warmup = !bool(v, w)) },
  { flag: "max-body-bytes", env: "MODELPLANE_MAX_BODY_BYTES", kind: "string", help: "largest request body (default 67108864)", apply: (c, v, w) => void (c.limits.maxBodyBytes = int(v, w, 1)) },
  { flag: "max-json-depth", env: "MODELPLANE_MAX_JSON_DEPTH", kind: "string", help: "deepest JSON nesting (default 32)", apply: (c, v, w) => void (c.limits.maxJsonDepth = int(v, w, 2)) },
  { flag: "max-elements", env: "MODELPLANE_MAX_ELEMENTS", kind: "string", help: "most tensor elements per request (default 16777216)", apply: (c, v, w) => void (c.limits.maxElements = int(v, w, 1)) },
  { flag: "latency-buckets", env: "MODELPLANE_LATENCY_BUCKETS", kind: "string", help: "histogram bucket edges in seconds, comma-separated (include every SLO threshold)", apply: (c, v, w) => {
    try {
      c.latencyBuckets = parseBuckets(v);
    } catch (err) {
      throw new ConfigError(`${w}: ${(err as Error).message}`);
    }
  } },
  { flag: "drain-delay-ms", env: "MODELPLANE_DRAIN_DELAY_MS", kind: "string", help: "after SIGTERM, serve (not ready) this long before closing the listener (default 0)", apply: (c, v, w) => void (c.drainDelayMs = int(v, w, 0)) },
  { flag: "drain-timeout-ms", env: "MODELPLANE_DRAIN_TIMEOUT_MS", kind: "string", help: "longest wait for in-flight requests after SIGTERM (default 30000)", apply: (c, v, w) => void (c.drainTimeoutMs = int(v, w, 0)) },
  { flag: "log-level", env: "MODELPLANE_LOG_LEVEL", kind: "string", help: "trace, debug, info, warn, error (default info)", apply: (c, v, w) => {
    if (!["trace", "debug", "info", "warn", "error", "fatal", "silent"].includes(v)) throw new ConfigError(`${w}: unknown log level '${v}'`);
    c.logLevel = v;
  } },
];

/** Text for `--help` and the README. */
export function optionsHelp(): string {
  return OPTIONS.map((o) => `  --${(o.flag + (o.kind === "string" ? " VALUE" : "")).padEnd(28)} ${o.help}  [${o.env}]`).join("\n");
}

export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv = {}): ServerConfig {
  const config = defaultConfig();
  for (const o of OPTIONS) {
    const v = env[o.env];
    if (v !== undefined && v !== "") o.apply(config, v, o.env);
  }
  const parsed = parseArgs({
    args: argv,
    options: Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: o.kind, multiple: o.flag === "model" }])),
    allowPositionals: false,
    strict: true,
  });
  // Flags replace the environment's model list rather than adding to it.
  if (parsed.values.model !== undefined) config.models = [];
  for (const o of OPTIONS) {
    const v = parsed.values[o.flag];
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) o.apply(config, typeof item === "boolean" ? String(item) : item, `--${o.flag}`);
  }
  if (!config.modelRepository && config.models.length === 0) {
    throw new ConfigError("nothing to serve: give --model-repository DIR or --model NAME=PATH");
  }
  return config;
}
