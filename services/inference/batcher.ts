/**
 * The dynamic batcher of one model version. Requests wait in a bounded FIFO; whenever a worker is
 * idle, the oldest request and the compatible ones behind it (same trailing dimensions) are merged
 * along the first dimension, up to `maxBatchSize` rows, and the outputs are split back by row.
 * With `maxQueueDelayMs` > 0 a partial batch waits that long for company; with 0 it goes at once,
 * and batches still form naturally while every worker is busy.
 */
import { DATATYPES, elementCount, fromOrtType, type NumericArray, type Tensor, type TensorData } from "./datatypes.ts";
import { OverloadedError, TimeoutError } from "./errors.ts";
import type { ModelSignature } from "./signature.ts";
import type { Feed, PooledWorker, RunResult, WorkerPool } from "./worker-pool.ts";

export interface BatcherOptions {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
  timeoutMs: number;
  /** False when the model's first dimension is not a shared dynamic batch dimension. */
  batchable: boolean;
}

export interface BatcherHooks {
  /** Seconds each request waited in the queue. */
  queued(seconds: number): void;
  /** One batch ran: its size in rows and the seconds onnxruntime computed. */
  batch(rows: number, seconds: number): void;
  /** Queued plus in-flight requests changed. */
  pending(count: number): void;
}

export type Outputs = Map<string, Tensor>;

interface Item {
  inputs: Tensor[];
  rows: number;
  key: string;
  enqueued: number;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  resolve: (o: Outputs) => void;
  reject: (e: Error) => void;
}

function concat(parts: TensorData[]): TensorData {
  if (Array.isArray(parts[0])) return ([] as string[]).concat(...(parts as string[][]));
  const first = parts[0] as NumericArray;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new (first.constructor as new (n: number) => NumericArray)(total);
  let off = 0;
  for (const p of parts as NumericArray[]) {
    (out as Float64Array).set(p as Float64Array, off);
    off += p.length;
  }
  return out;
}

/** The trailing dimensions of every input (what must match for requests to merge), e.g. "8|3x4". */
function trailingKey(inputs: Tensor[]): string {
  let key = "";
  for (let i = 0; i < inputs.length; i++) {
    const shape = inputs[i]!.shape;
    if (i > 0) key += "|";
    for (let d = 1; d < shape.length; d++) key += d > 1 ? `x${shape[d]}` : String(shape[d]);
  }
  return key;
}

function slice(data: TensorData, from: number, to: number): TensorData {
  return Array.isArray(data) ? data.slice(from, to) : (data as NumericArray).subarray(from, to);
}

export class Batcher {
  private queue: Item[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private pumpScheduled = false;

  constructor(
    private readonly pool: WorkerPool,
    private readonly sig: ModelSignature,
    private readonly opts: BatcherOptions,
    private readonly hooks: BatcherHooks,
  ) {}

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  submit(inputs: Tensor[]): Promise<Outputs> {
    if (this.queue.length >= this.opts.maxQueueSize) {
      return Promise.reject(new OverloadedError(`the queue of this model is full (${this.opts.maxQueueSize} requests); retry later`));
    }
    return new Promise<Outputs>((resolve, reject) => {
      const batchable = this.opts.batchable && this.opts.maxBatchSize > 1;
      const item: Item = {
        inputs,
        rows: batchable ? inputs[0]!.shape[0]! : 0,
        key: batchable ? trailingKey(inputs) : "",
        enqueued: performance.now(),
        timer: undefined,
        settled: false,
        resolve,
        reject,
      };
      item.timer = setTimeout(() => this.expire(item), this.opts.timeoutMs);
      this.queue.push(item);
      // Pump once per event-loop turn rather than per request: every request parsed in this turn
      // joins one batch and one message to the worker, at no added latency. The pending gauge is
      // set there too, once per turn rather than once per request.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        setImmediate(this.pumpTurn);
      }
    });
  }

  private readonly pumpTurn = (): void => {
    this.pumpScheduled = false;
    this.pump();
    this.hooks.pending(this.pending);
  };

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fails everything still queued (used when the model is unloaded or the server closes). */
  rejectQueued(err: Error): void {
    const items = this.queue;
    this.queue = [];
    for (const item of items) this.settle(item, err);
    this.changed();
  }

  private expire(item: Item): void {
    const i = this.queue.indexOf(item);
    if (i >= 0) this.queue.splice(i, 1);
    this.settle(item, new TimeoutError(`the request did not finish within ${this.opts.timeoutMs} ms`));
    this.changed();
  }

  private settle(item: Item, result: Outputs | Error): void {
    if (item.settled) return;
    item.settled = true;
    clearTimeout(item.timer);
    if (result instanceof Error) item.reject(result);
    else item.resolve(result);
  }

  private changed(): void {
    this.hooks.pending(this.pending);
    if (this.pending === 0 && this.idleWaiters.length) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private pump(): void {
    const { maxBatchSize, maxQueueDelayMs } = this.opts;
    while (this.queue.length > 0) {
      const worker = this.pool.idleWorker();
      if (!worker) return;
      const head = this.queue[0]!;
      if (head.rows > 0 && maxQueueDelayMs > 0 && head.rows < maxBatchSize) {
        const waited = performance.now() - head.enqueued;
        if (waited < maxQueueDelayMs && this.compatibleRows(head) < maxBatchSize) {
          if (!this.timer) {
            this.timer = setTimeout(() => {
              this.timer = undefined;
              this.pump();
            }, maxQueueDelayMs - waited);
          }
          return;
        }
      }
      this.dispatch(worker, this.take());
    }
  }

  private compatibleRows(head: Item): number {
    let rows = 0;
    for (const item of this.queue) if (item.key === head.key) rows += item.rows;
    return rows;
  }

  /** The head of the queue plus the compatible requests that still fit, in arrival order. */
  private take(): Item[] {
    const head = this.queue.shift()!;
    if (head.rows === 0 || head.rows >= this.opts.maxBatchSize) return [head];
    const batch = [head];
    let rows = head.rows;
    const rest: Item[] = [];
    for (const item of this.queue) {
      if (item.key === head.key && rows + item.rows <= this.opts.maxBatchSize) {
        batch.push(item);
        rows += item.rows;
      } else rest.push(item);
    }
    this.queue = rest;
    return batch;
  }

  private dispatch(worker: PooledWorker, batch: Item[]): void {
    const now = performance.now();
    for (const item of batch) this.hooks.queued((now - item.enqueued) / 1000);
    this.inFlight += batch.length;
    const feeds: Record<string, Feed> = {};
    this.sig.inputs.forEach((spec, i) => {
      const parts = batch.map((b) => b.inputs[i]!);
      const first = parts[0]!;
      const dims = [...first.shape];
      if (parts.length > 1) dims[0] = parts.reduce((n, t) => n + t.shape[0]!, 0);
      feeds[spec.name] = { type: DATATYPES[first.datatype].ort, dims, data: parts.length > 1 ? concat(parts.map((p) => p.data)) : first.data };
    });
    const rows = batch.length > 1 ? batch.reduce((n, b) => n + b.rows, 0) : Math.max(batch[0]!.rows, 1);
    worker
      .run(feeds)
      .then((result) => {
        this.hooks.batch(rows, result.seconds);
        this.deliver(batch, result);
      })
      .catch((err: Error) => {
        for (const item of batch) this.settle(item, err);
      })
      .finally(() => {
        this.inFlight -= batch.length;
        this.changed();
        this.pump();
      });
  }

  private deliver(batch: Item[], result: RunResult): void {
    const perItem: Outputs[] = batch.map(() => new Map());
    for (const [name, wire] of Object.entries(result.outputs)) {
      const datatype = fromOrtType(wire.type)?.v2;
      if (!datatype) throw new Error(`output '${name}' has unsupported type ${wire.type}`);
      if (batch.length === 1) {
        perItem[0]!.set(name, { name, datatype, shape: wire.dims, data: wire.data as TensorData });
        continue;
      }
      const total = batch.reduce((n, b) => n + b.rows, 0);
      if (wire.dims[0] !== total) {
        const err = new Error(`output '${name}' has ${wire.dims[0]} rows for a batch of ${total}; the model cannot be batched`);
        for (const item of batch) this.settle(item, err);
        return;
      }
      const inner = elementCount(wire.dims.slice(1));
      let row = 0;
      batch.forEach((item, i) => {
        const data = slice(wire.data as TensorData, row * inner, (row + item.rows) * inner);
        perItem[i]!.set(name, { name, datatype, shape: [item.rows, ...wire.dims.slice(1)], data });
        row += item.rows;
      });
    }
    batch.forEach((item, i) => this.settle(item, perItem[i]!));
  }
}
