import { setTimeout as sleep } from "node:timers/promises";
import { isRetryable } from "./errors.ts";

export interface RetryOptions {
  signal?: AbortSignal;
  /** First delay; doubles each attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (err: Error, attempt: number, delayMs: number) => void;
}

/**
 * Run `fn` until it succeeds, a non-retryable error escapes, or `signal` aborts.
 * No attempt limit: a server waiting for its registry should wait as long as it runs.
 */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const initial = opts.initialDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || opts.signal?.aborted) throw err;
      // Full jitter on the upper half keeps a fleet of pods from retrying in lockstep.
      const ceiling = Math.min(max, initial * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      opts.onRetry?.(err as Error, attempt, delay);
      await sleep(delay, undefined, opts.signal ? { signal: opts.signal } : {});
    }
  }
}
