/**
 * Prometheus metrics, named `modelplane_inference_*` in base units. Each server owns its registry so
 * several servers in one process (tests) never share counters. Latency buckets are configurable so
 * every SLO threshold can be an exact bucket edge.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const DEFAULT_LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** Outcomes of an infer request, the `outcome` label of `modelplane_inference_requests_total`. */
export type Outcome = "success" | "client_error" | "not_found" | "overloaded" | "timeout" | "unavailable" | "error";

/**
 * A counter child for the hot path: counts in a plain number and hands the total to prom-client when
 * the registry is read, instead of hashing the label set on every increment.
 */
export class DeferredCount {
  private n = 0;
  constructor(private readonly child: { inc(value: number): void }) {}
  inc(): void {
    this.n++;
  }
  flush(): void {
    if (this.n === 0) return;
    this.child.inc(this.n);
    this.n = 0;
  }
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly deferred = new Set<DeferredCount>();
  readonly requests: Counter<"model" | "version" | "outcome">;
  readonly requestDuration: Histogram<"model" | "version">;
  readonly queueDuration: Histogram<"model" | "version">;
  readonly computeDuration: Histogram<"model" | "version">;
  readonly batchSize: Histogram<"model" | "version">;
  readonly pending: Gauge<"model" | "version">;
  readonly loadDuration: Gauge<"model" | "version">;
  readonly modelReady: Gauge<"model" | "version">;

  constructor(latencyBuckets: number[] = DEFAULT_LATENCY_BUCKETS, defaultMetrics = true) {
    const registers = [this.registry];
    const labelNames = ["model", "version"] as const;
    this.requests = new Counter({
      name: "modelplane_inference_requests_total",
      help: "Infer requests answered, by model, version and outcome.",
      labelNames: ["model", "version", "outcome"],
      registers,
      collect: () => {
        for (const d of this.deferred) d.flush();
      },
    });
    this.requestDuration = new Histogram({
      name: "modelplane_inference_request_duration_seconds",
      help: "Time from receiving an infer request to sending its answer.",
      labelNames,
      buckets: latencyBuckets,
      registers,
    });
    this.queueDuration = new Histogram({
      name: "modelplane_inference_queue_duration_seconds",
      help: "Time an infer request waited in the batcher queue.",
      labelNames,
      buckets: latencyBuckets,
      registers,
    });
    this.computeDuration = new Histogram({
      name: "modelplane_inference_compute_duration_seconds",
      help: "Time onnxruntime spent computing one batch.",
      labelNames,
      buckets: latencyBuckets,
      registers,
    });
    this.batchSize = new Histogram({
      name: "modelplane_inference_batch_size",
      help: "Rows per batch sent to onnxruntime (requests per batch for models that cannot be batched).",
      labelNames,
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.pending = new Gauge({
      name: "modelplane_inference_pending_requests",
      help: "Infer requests queued or computing; the autoscaling signal.",
      labelNames,
      registers,
    });
    this.loadDuration = new Gauge({
      name: "modelplane_inference_model_load_duration_seconds",
      help: "Seconds the last load of a model version took (pull, session creation and warm-up).",
      labelNames,
      registers,
    });
    this.modelReady = new Gauge({
      name: "modelplane_inference_model_ready",
      help: "1 when a model version is loaded, warmed and serving, else 0.",
      labelNames,
      registers,
    });
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A hot-path counter of `requests` for one label set, read through `requests` like any other. */
  deferredRequests(labels: { model: string; version: string; outcome: Outcome }): DeferredCount {
    const d = new DeferredCount(this.requests.labels(labels));
    this.deferred.add(d);
    return d;
  }
}

/** Parses "0.1,0.25,0.5" into sorted, unique, positive bucket edges. */
export function parseBuckets(text: string): number[] {
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new Error(`latency buckets must be positive numbers of seconds separated by commas, got '${text}'`);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}
