/**
 * What the Kubernetes side relies on from services/inference: its port, health paths, flags and metric names.
 * Kept in one file so a change to the server's interface is a change here, seen by every component and test.
 */

export const SERVER_PORT = 8080;
export const SERVER_PORT_NAME = "http";
export const LIVE_PATH = "/v2/health/live";
export const READY_PATH = "/v2/health/ready";
export const METRICS_PATH = "/metrics";

/** Writable paths under a read-only root filesystem: emptyDirs mounted here. */
export const CACHE_DIR = "/var/cache/modelplane";
export const TMP_DIR = "/tmp";
export const SHM_DIR = "/dev/shm";

export const METRIC_REQUESTS = "modelplane_inference_requests_total";
export const METRIC_REQUEST_DURATION = "modelplane_inference_request_duration_seconds";
export const METRIC_PENDING = "modelplane_inference_pending_requests";

/** Outcome label value of a request that succeeded; every other outcome counts against availability. */
export const OUTCOME_SUCCESS = "success";

export interface ServerFlags {
  model: string;
  artifact: string;
  port: number;
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
  timeoutMs: number;
  /** Latency histogram buckets in seconds; SLO thresholds must be among them. */
  durationBuckets: number[];
  drainSeconds: number;
  /** `cuda` for GPU models: the server then refuses to start without the CUDA provider instead of silently using CPU. */
  executionProvider: "cpu" | "cuda";
}

/**
 * After SIGTERM the server stays up, not ready, this long before it stops accepting connections, so endpoint
 * removal reaches every kube-proxy and gateway first (the job a preStop sleep would do, without needing one).
 */
export const DRAIN_DELAY_SECONDS = 5;

export function serverArgs(f: ServerFlags): string[] {
  return [
    "--host=0.0.0.0",
    `--port=${f.port}`,
    `--model=${f.model}=${f.artifact}`,
    `--cache-dir=${CACHE_DIR}`,
    `--max-batch-size=${f.maxBatchSize}`,
    `--max-queue-delay-ms=${f.maxQueueDelayMs}`,
    `--max-queue-size=${f.maxQueueSize}`,
    `--timeout-ms=${f.timeoutMs}`,
    `--latency-buckets=${f.durationBuckets.join(",")}`,
    `--drain-delay-ms=${DRAIN_DELAY_SECONDS * 1000}`,
    `--drain-timeout-ms=${f.drainSeconds * 1000}`,
    `--execution-provider=${f.executionProvider}`,
  ];
}

/** Default latency buckets (seconds); SLO thresholds are merged in so each one is a bucket edge. */
export const DEFAULT_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function durationBuckets(sloThresholdsSeconds: number[]): number[] {
  return [...new Set([...DEFAULT_DURATION_BUCKETS, ...sloThresholdsSeconds])].sort((a, b) => a - b);
}

/** Pod label telling stable from canary replicas; scraped onto every series as TRACK_METRIC_LABEL. */
export const TRACK_LABEL = "modelplane.dev/track";
/** How prometheus-operator names TRACK_LABEL on scraped series (podTargetLabels, sanitised). */
export const TRACK_METRIC_LABEL = "modelplane_dev_track";
