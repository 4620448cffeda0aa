/**
 * The set of served models: a repository directory laid out `<repo>/<model>/<version>/model.onnx`
 * (optional `<repo>/<model>/config.yaml`) plus models named on the command line. Loading a model again
 * picks up new versions without a restart; old versions are dropped only once the new ones are ready.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { notFound, unavailable, HttpError } from "./errors.ts";
import { readModelConfig, type ModelSettings, type VersionPolicy } from "./model-settings.ts";
import { ModelVersion, type VersionContext } from "./model-version.ts";

export interface NamedModel {
  name: string;
  ref: string;
}

export interface RepositoryOptions {
  dir: string | undefined;
  models: NamedModel[];
  defaults: ModelSettings;
}

export interface IndexEntry {
  name: string;
  version?: string;
  state: string;
  reason?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const byVersion = (a: string, b: string): number => Number(a) - Number(b);

export class ModelRepository {
  private readonly models = new Map<string, Map<string, ModelVersion>>();
  /** Models that must be ready for the server to be ready (loaded at start or through the API). */
  private readonly required = new Set<string>();
  /** Models whose load failed before any version existed (no version folder, broken config.yaml). */
  private readonly loadErrors = new Map<string, string>();

  constructor(private readonly opts: RepositoryOptions, private readonly ctx: VersionContext) {}

  /** Every model the repository directory holds, by folder name. */
  private repositoryModels(): string[] {
    const dir = this.opts.dir;
    if (!dir) return [];
    return readdirSync(dir).filter((n) => NAME.test(n) && statSync(join(dir, n)).isDirectory()).sort();
  }

  /** Starts loading every configured model; resolves when all have finished (ready or failed). */
  async loadAll(): Promise<void> {
    const names = new Set([...this.repositoryModels(), ...this.opts.models.map((m) => m.name)]);
    await Promise.all(
      [...names].map((n) =>
        this.load(n).catch((err: Error) => {
          this.required.add(n);
          this.loadErrors.set(n, err.message);
          this.ctx.log.error({ model: n, reason: err.message }, "model failed");
        }),
      ),
    );
  }

  /** Loads (or reloads) one model. Throws 404 when no source knows the name; version failures show in state. */
  async load(name: string): Promise<void> {
    const named = this.opts.models.find((m) => m.name === name);
    let wanted: { version: string; ref: string }[];
    let settings = this.opts.defaults;
    if (named) {
      wanted = [{ version: "1", ref: named.ref }];
    } else {
      const dir = this.opts.dir ? join(this.opts.dir, name) : undefined;
      if (!dir || !NAME.test(name) || !existsSync(dir) || !statSync(dir).isDirectory()) throw notFound(`model '${name}' is not in the model repository`);
      const cfgFile = join(dir, "config.yaml");
      let policy: VersionPolicy = { latest: 1 };
      if (existsSync(cfgFile)) {
        const cfg = readModelConfig(cfgFile);
        settings = { ...settings, ...cfg.settings };
        policy = cfg.versionPolicy ?? policy;
      }
      const versions = readdirSync(dir)
        .filter((v) => /^[1-9]\d*$/.test(v) && existsSync(join(dir, v, "model.onnx")))
        .sort(byVersion);
      wanted = selectVersions(versions, policy).map((v) => ({ version: v, ref: join(dir, v, "model.onnx") }));
      if (wanted.length === 0) throw new HttpError(400, `model '${name}' has no version folder matching its version policy`);
    }
    this.required.add(name);
    this.loadErrors.delete(name);
    const current = this.models.get(name) ?? new Map<string, ModelVersion>();
    this.models.set(name, current);
    const fresh: ModelVersion[] = [];
    const serving = [...current.values()].some((mv) => mv.ready);
    for (const w of wanted) {
      const existing = current.get(w.version);
      if (existing && existing.state !== "failed" && existing.state !== "unloaded") continue;
      const mv = new ModelVersion(name, w.version, w.ref, settings, this.ctx);
      mv.upgrade = serving;
      current.set(w.version, mv);
      fresh.push(mv);
    }
    await Promise.all(fresh.map((mv) => mv.load()));
    // A failed new version must not take the old ones down with it: they keep serving.
    if (fresh.some((mv) => !mv.ready)) return;
    const keep = new Set(wanted.map((w) => w.version));
    const stale = [...current.values()].filter((mv) => !keep.has(mv.version));
    for (const mv of stale) current.delete(mv.version);
    await Promise.all(stale.map((mv) => mv.unload()));
  }

  /** Unloads every version; in-flight requests finish first. */
  async unload(name: string): Promise<void> {
    const current = this.models.get(name);
    if (!current) throw notFound(`model '${name}' is not loaded`);
    this.models.delete(name);
    this.required.delete(name);
    this.loadErrors.delete(name);
    await Promise.all([...current.values()].map((mv) => mv.unload()));
  }

  /** Known versions of a model, or 404. */
  versionsOf(name: string): ModelVersion[] {
    const current = this.models.get(name);
    if (!current || current.size === 0) throw notFound(`unknown model '${name}'`);
    return [...current.values()].sort((a, b) => byVersion(a.version, b.version));
  }

  /**
   * The version asked for, or the newest ready one (the newest of all when none is ready). On every
   * infer request, so it walks the version map instead of sorting copies of it.
   */
  resolve(name: string, version: string | undefined): ModelVersion {
    const current = this.models.get(name);
    if (!current || current.size === 0) throw notFound(`unknown model '${name}'`);
    if (version !== undefined) {
      const mv = current.get(version);
      if (!mv) throw notFound(`model '${name}' has no version '${version}' (versions: ${this.versionsOf(name).map((v) => v.version).join(", ")})`);
      return mv;
    }
    let newest: ModelVersion | undefined;
    let newestReady: ModelVersion | undefined;
    for (const mv of current.values()) {
      if (!newest || byVersion(mv.version, newest.version) > 0) newest = mv;
      if (mv.ready && (!newestReady || byVersion(mv.version, newestReady.version) > 0)) newestReady = mv;
    }
    return newestReady ?? newest!;
  }

  /** A version that can take requests now, or 503 with its state. */
  serving(name: string, version: string | undefined): ModelVersion {
    return servingOrThrow(this.resolve(name, version));
  }

  index(): IndexEntry[] {
    const out: IndexEntry[] = [];
    const names = new Set([...this.repositoryModels(), ...this.opts.models.map((m) => m.name), ...this.models.keys()]);
    for (const name of [...names].sort()) {
      const versions = this.models.get(name);
      if (!versions || versions.size === 0) {
        out.push({ name, state: "unavailable", reason: this.loadErrors.get(name) ?? "not loaded" });
        continue;
      }
      for (const mv of [...versions.values()].sort((a, b) => byVersion(a.version, b.version))) {
        out.push({ name, version: mv.version, state: mv.state.toUpperCase(), ...(mv.reason ? { reason: mv.reason } : {}) });
      }
    }
    return out;
  }

  /** Why the server is not ready, one line per model version; empty when every required model is ready. */
  notReady(): string[] {
    const out: string[] = [];
    for (const name of this.required) {
      const versions = this.models.get(name);
      if (!versions || versions.size === 0) out.push(`${name}: ${this.loadErrors.get(name) ?? "not loaded"}`);
      else {
        // An upgrade that failed while an older version serves does not take the pod out of rotation.
        const anyReady = [...versions.values()].some((mv) => mv.ready);
        for (const mv of versions.values()) {
          if (mv.ready || (anyReady && mv.upgrade && mv.state === "failed")) continue;
          out.push(`${name}/${mv.version}: ${mv.state}${mv.reason ? ` (${mv.reason})` : ""}`);
        }
      }
    }
    return out;
  }

  all(): ModelVersion[] {
    return [...this.models.values()].flatMap((m) => [...m.values()]);
  }

  /** Resolves when no model has queued or running requests. */
  async idle(): Promise<void> {
    await Promise.all(this.all().map((mv) => mv.batcher?.idle()));
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((mv) => mv.close()));
    this.models.clear();
  }
}

/** `mv` if it can take requests now, else 503 with its state. */
export function servingOrThrow(mv: ModelVersion): ModelVersion {
  if (!mv.ready || !mv.batcher) {
    throw unavailable(`model '${mv.name}' version ${mv.version} is not ready (${mv.state}${mv.reason ? `: ${mv.reason}` : ""})`, 1, {
      state: mv.state,
      ...(mv.reason ? { reason: mv.reason } : {}),
    });
  }
  return mv;
}

export function selectVersions(versions: string[], policy: VersionPolicy): string[] {
  if ("all" in policy) return versions;
  if ("latest" in policy) return versions.slice(-policy.latest);
  return versions.filter((v) => policy.specific.includes(v));
}
