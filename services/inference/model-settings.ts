/**
 * Per-model settings: server-wide defaults, overridden by `<repo>/<model>/config.yaml`.
 * Unknown keys and wrong types are configuration errors naming the file, line and field.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isMap, isScalar } from "yaml";
import { ConfigError } from "./errors.ts";

export type ExecutionProvider = "cpu" | "cuda";

export interface ModelSettings {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
  timeoutMs: number;
  instances: number;
  intraOpThreads: number;
  executionProvider: ExecutionProvider;
  allowCpuFallback: boolean;
  warmup: boolean;
}

/** Which numbered versions of a repository model to serve. */
export type VersionPolicy = { latest: number } | { all: true } | { specific: string[] };

export const DEFAULT_MODEL_SETTINGS: ModelSettings = {
  maxBatchSize: 32,
  maxQueueDelayMs: 0,
  maxQueueSize: 256,
  timeoutMs: 30_000,
  instances: 1,
  intraOpThreads: 1,
  executionProvider: "cpu",
  allowCpuFallback: false,
  warmup: true,
};

export interface ModelConfigFile {
  settings: Partial<ModelSettings>;
  versionPolicy?: VersionPolicy;
}

type Check = (v: unknown) => string | undefined;
const positiveInt: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 1 ? undefined : "must be an integer >= 1");
const nonNegative: Check = (v) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? undefined : "must be a number >= 0");
const bool: Check = (v) => (typeof v === "boolean" ? undefined : "must be true or false");
const provider: Check = (v) => (v === "cpu" || v === "cuda" ? undefined : "must be cpu or cuda");

export const SETTING_CHECKS: Record<keyof ModelSettings, Check> = {
  maxBatchSize: positiveInt,
  maxQueueDelayMs: nonNegative,
  maxQueueSize: positiveInt,
  timeoutMs: positiveInt,
  instances: positiveInt,
  intraOpThreads: positiveInt,
  executionProvider: provider,
  allowCpuFallback: bool,
  warmup: bool,
};

function parseVersionPolicy(v: unknown): VersionPolicy | string {
  if (typeof v !== "object" || v === null) return "must be {latest: N}, {all: true} or {specific: [versions]}";
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 1) return "must have exactly one of latest, all, specific";
  if ("latest" in o) return positiveInt(o.latest) ? "latest must be an integer >= 1" : { latest: o.latest as number };
  if ("all" in o) return o.all === true ? { all: true } : "all must be true";
  if ("specific" in o && Array.isArray(o.specific) && o.specific.length > 0 && o.specific.every((x) => Number.isSafeInteger(x) && x >= 1)) {
    return { specific: (o.specific as number[]).map(String) };
  }
  return "specific must be a non-empty list of version numbers";
}

export function readModelConfig(file: string): ModelConfigFile {
  const text = readFileSync(file, "utf8");
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${file}:${e.linePos?.[0]?.line ?? 1}: ${e.message.split("\n")[0]}`);
  }
  const result: ModelConfigFile = { settings: {} };
  if (doc.contents === null) return result;
  if (!isMap(doc.contents)) throw new ConfigError(`${file}:1: the model configuration must be a mapping`);
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const line = isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : 1;
    const value = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? (isScalar(pair.value) ? pair.value.value : null);
    const fail = (msg: string): never => {
      throw new ConfigError(`${file}:${line}: ${key}: ${msg}`);
    };
    if (key === "versionPolicy") {
      const p = parseVersionPolicy(value);
      if (typeof p === "string") fail(p);
      result.versionPolicy = p as VersionPolicy;
    } else if (Object.hasOwn(SETTING_CHECKS, key)) {
      const problem = SETTING_CHECKS[key as keyof ModelSettings](value);
      if (problem) fail(problem);
      (result.settings as Record<string, unknown>)[key] = value;
    } else {
      fail(`unknown setting (known: versionPolicy, ${Object.keys(SETTING_CHECKS).join(", ")})`);
    }
  }
  return result;
}
