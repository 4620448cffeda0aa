/**
 * A model version's onnxruntime sessions, one per worker thread ("instances"). The batcher asks for
 * an idle worker and hands it one batch at a time, so a worker never queues work of its own.
 */
import { Worker } from "node:worker_threads";
import type { TensorData, OrtType } from "./datatypes.ts";
import { toSignature, type ModelSignature, type OrtValueMetadata } from "./signature.ts";
import { transferList } from "./transfer.ts";
import type { FromWorker, ToWorker, WireTensor, WorkerInit } from "./worker.ts";

export interface Feed {
  type: OrtType;
  dims: number[];
  data: TensorData;
}
export interface RunResult {
  outputs: Record<string, WireTensor>;
  seconds: number;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url).href;

/**
 * Worker threads do not inherit loader hooks (bin/modelplane.js registers tsx through its API, and
 * `--import tsx` does not reach a worker's entry in Node 20), so a tiny evaluated bootstrap registers
 * tsx inside the thread before importing the TypeScript worker.
 */
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

function spawnWorker(init: WorkerInit): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: init });
}

class PooledWorker {
  private pending: { resolve: (r: RunResult) => void; reject: (e: Error) => void } | undefined;
  private nextId = 0;
  dead = false;
  constructor(readonly worker: Worker, private readonly onGone: (w: PooledWorker, err: Error) => void) {
    worker.on("message", (msg: FromWorker) => {
      if (msg.kind !== "result" && msg.kind !== "error") return;
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      if (msg.kind === "result") p.resolve({ outputs: msg.outputs, seconds: msg.seconds });
      else p.reject(new Error(msg.message));
    });
    const gone = (err: Error): void => {
      if (this.dead) return;
      this.dead = true;
      this.pending?.reject(err);
      this.pending = undefined;
      this.onGone(this, err);
    };
    worker.on("error", gone);
    worker.on("exit", (code) => gone(new Error(`inference worker exited with code ${code}`)));
  }
  get busy(): boolean {
    return this.pending !== undefined;
  }
  /** Terminating a thread while onnxruntime computes aborts the whole process, so wait for the run first. */
  async stop(): Promise<void> {
    while (this.current) await this.current.catch(() => undefined);
    await this.worker.terminate();
  }

  private current: Promise<RunResult> | undefined;

  run(feeds: Record<string, Feed>): Promise<RunResult> {
    const p = this.send(feeds);
    this.current = p;
    p.then(
      () => this.clearCurrent(p),
      () => this.clearCurrent(p),
    );
    return p;
  }

  private clearCurrent(p: Promise<RunResult>): void {
    if (this.current === p) this.current = undefined;
  }

  private send(feeds: Record<string, Feed>): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      const msg: ToWorker = { kind: "run", id: this.nextId++, feeds: feeds as unknown as Record<string, WireTensor> };
      this.worker.postMessage(msg, transferList(Object.values(feeds)));
    });
  }
}

export interface PoolOptions {
  modelPath: string;
  instances: number;
  intraOpThreads: number;
  executionProviders: string[];
  /** Called once when a worker dies outside a normal close (the model is then broken). */
  onFailure: (err: Error) => void;
}

export class WorkerPool {
  private closed = false;
  private constructor(private readonly workers: PooledWorker[], readonly signature: ModelSignature) {}

  static async start(opts: PoolOptions): Promise<WorkerPool> {
    const init: WorkerInit = { modelPath: opts.modelPath, intraOpThreads: opts.intraOpThreads, executionProviders: opts.executionProviders };
    const raw = Array.from({ length: opts.instances }, () => spawnWorker(init));
    let pool: WorkerPool | undefined;
    try {
      const metas = await Promise.all(raw.map((w) => firstMessage(w)));
      const first = metas[0]!;
      const signature = toSignature(first.inputs as OrtValueMetadata[], first.outputs as OrtValueMetadata[]);
      const onGone = (_: PooledWorker, err: Error): void => {
        if (!pool?.closed) opts.onFailure(err);
      };
      pool = new WorkerPool(raw.map((w) => new PooledWorker(w, onGone)), signature);
      return pool;
    } catch (err) {
      await Promise.all(raw.map((w) => w.terminate()));
      throw err;
    }
  }

  idleWorker(): PooledWorker | undefined {
    return this.workers.find((w) => !w.busy && !w.dead);
  }

  /** Runs the same feeds once on every worker so the first real request does not pay for lazy initialisation. */
  async warm(feeds: Record<string, Feed>): Promise<void> {
    for (const w of this.workers) {
      const copy: Record<string, Feed> = {};
      for (const [k, f] of Object.entries(feeds)) copy[k] = { ...f, data: f.data.slice() as TensorData };
      await w.run(copy);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

export type { PooledWorker };

function firstMessage(w: Worker): Promise<{ inputs: unknown[]; outputs: unknown[] }> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: FromWorker): void => {
      cleanup();
      if (msg.kind === "ready") resolve(msg);
      else if (msg.kind === "failed") reject(new Error(msg.message));
      else reject(new Error(`unexpected first message from worker: ${msg.kind}`));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`inference worker exited with code ${code} while loading`));
    };
    const cleanup = (): void => {
      w.off("message", onMessage);
      w.off("error", onError);
      w.off("exit", onExit);
    };
    w.on("message", onMessage);
    w.on("error", onError);
    w.on("exit", onExit);
  });
}
