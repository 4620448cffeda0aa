/**
 * One served model version and its life: pulling → loading → warming → ready, or failed with a
 * reason. Health endpoints and the repository index read `state` and `reason` from here.
 */
import type { Logger } from "pino";
import { Batcher } from "./batcher.ts";
import { DATATYPES, elementCount, type TensorData } from "./datatypes.ts";
import { chooseProviders } from "./execution-provider.ts";
import type { ServerMetrics } from "./metrics.ts";
import type { ModelSettings } from "./model-settings.ts";
import { resolveModel } from "./model-source.ts";
import { batchableFirstDim, type ModelSignature } from "./signature.ts";
import { WorkerPool, type Feed } from "./worker-pool.ts";

export type ModelState = "pulling" | "loading" | "warming" | "ready" | "failed" | "unloaded";

export interface VersionContext {
  cacheDir: string;
  insecureRegistry: boolean;
  metrics: ServerMetrics;
  log: Logger;
}

/** Zeros (empty strings for BYTES) with every dynamic dimension set to 1. */
function warmupFeeds(sig: ModelSignature): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  for (const spec of sig.inputs) {
    const dims = spec.shape.map((d) => (d < 0 ? 1 : d));
    const count = elementCount(dims);
    const dt = DATATYPES[spec.datatype];
    const data: TensorData = dt.array ? new dt.array(count) : new Array<string>(count).fill("");
    feeds[spec.name] = { type: dt.ort, dims, data };
  }
  return feeds;
}

export class ModelVersion {
  state: ModelState = "loading";
  reason: string | undefined;
  signature: ModelSignature | undefined;
  batcher: Batcher | undefined;
  digest: string | undefined;
  /** Loaded through the repository API while an older version of the model was serving. */
  upgrade = false;
  private pool: WorkerPool | undefined;
  private readonly abort = new AbortController();
  private readonly labels: { model: string; version: string };
  /** Label-bound metric children, resolved once: label lookup per observation is measurable at 10k req/s. */
  readonly stats;

  constructor(
    readonly name: string,
    readonly version: string,
    readonly ref: string,
    readonly settings: ModelSettings,
    private readonly ctx: VersionContext,
  ) {
    this.labels = { model: name, version };
    const m = ctx.metrics;
    this.stats = {
      queue: m.queueDuration.labels(this.labels),
      compute: m.computeDuration.labels(this.labels),
      batch: m.batchSize.labels(this.labels),
      pending: m.pending.labels(this.labels),
      request: m.requestDuration.labels(this.labels),
      success: m.deferredRequests({ ...this.labels, outcome: "success" }),
    };
  }

  get ready(): boolean {
    return this.state === "ready";
  }

  /** Never rejects: failures end in state `failed` with the reason. */
  async load(): Promise<void> {
    const started = performance.now();
    const log = this.ctx.log.child(this.labels);
    try {
      const providers = chooseProviders(this.settings.executionProvider, this.settings.allowCpuFallback);
      if (providers.fallbackReason) log.warn({ reason: providers.fallbackReason }, "CUDA unavailable, running on CPU as allowed");
      const resolved = await resolveModel(this.ref, {
        cacheDir: this.ctx.cacheDir,
        insecure: this.ctx.insecureRegistry,
        signal: this.abort.signal,
        onPulling: (reason) => {
          this.state = "pulling";
          this.reason = reason;
          log.info({ reason }, "pulling model");
        },
      });
      this.digest = resolved.digest;
      this.setState("loading", undefined);
      this.pool = await WorkerPool.start({
        modelPath: resolved.file,
        instances: this.settings.instances,
        intraOpThreads: this.settings.intraOpThreads,
        executionProviders: providers.providers,
        onFailure: (err) => this.fail(`an inference worker died: ${err.message}`),
      });
      if (this.state === "unloaded") return void (await this.pool.close());
      this.signature = this.pool.signature;
      if (this.settings.warmup) {
        this.setState("warming", undefined);
        try {
          await this.pool.warm(warmupFeeds(this.signature));
        } catch (err) {
          // Some models reject all-zero inputs (data-dependent shapes); that is no reason not to serve them.
          log.warn({ err: (err as Error).message }, "warm-up inference failed; serving without warm-up");
        }
      }
      if (this.state !== "warming" && this.state !== "loading") return; // unloaded or failed meanwhile
      const batchable = batchableFirstDim(this.signature);
      const m = this.ctx.metrics;
      const st = this.stats;
      this.batcher = new Batcher(this.pool, this.signature, { ...this.settings, batchable }, {
        queued: (s) => st.queue.observe(s),
        batch: (rows, s) => {
          st.batch.observe(rows);
          st.compute.observe(s);
        },
        pending: (n) => st.pending.set(n),
      });
      const seconds = (performance.now() - started) / 1000;
      m.loadDuration.set(this.labels, seconds);
      this.setState("ready", undefined);
      log.info({ seconds, batchable, digest: this.digest }, "model ready");
    } catch (err) {
      if (this.state !== "unloaded") this.fail((err as Error).message);
    }
  }

  private setState(state: ModelState, reason: string | undefined): void {
    this.state = state;
    this.reason = reason;
    this.ctx.metrics.modelReady.set(this.labels, state === "ready" ? 1 : 0);
  }

  private fail(reason: string): void {
    this.setState("failed", reason);
    this.ctx.log.error({ ...this.labels, reason }, "model failed");
  }

  /** Lets queued and running requests finish, then releases the sessions. */
  async unload(): Promise<void> {
    this.setState("unloaded", "unloaded");
    this.abort.abort();
    await this.batcher?.idle();
    await this.pool?.close();
  }

  /** Stops at once: queued requests fail, workers are terminated. */
  async close(): Promise<void> {
    this.setState("unloaded", "server closing");
    this.abort.abort();
    this.batcher?.rejectQueued(new Error("the server is shutting down"));
    await this.pool?.close();
  }
}
