/**
 * One onnxruntime session in its own thread: `session.run` computes synchronously on the calling
 * thread, so running it here keeps the HTTP event loop free. The parent sends feeds, we answer with
 * every output; tensor buffers move by transfer, not copy, where the runtime allows it.
 */
import { parentPort, workerData } from "node:worker_threads";
import ort from "onnxruntime-node";
import { transferList } from "./transfer.ts";

export interface WorkerInit {
  modelPath: string;
  intraOpThreads: number;
  executionProviders: string[];
}
export interface WireTensor {
  type: string;
  dims: number[];
  data: ort.Tensor["data"];
}
export type ToWorker = { kind: "run"; id: number; feeds: Record<string, WireTensor> };
export type FromWorker =
  | { kind: "ready"; inputs: unknown[]; outputs: unknown[] }
  | { kind: "failed"; message: string }
  | { kind: "result"; id: number; outputs: Record<string, WireTensor>; seconds: number }
  | { kind: "error"; id: number; message: string };

const port = parentPort!;
const init = workerData as WorkerInit;

try {
  const session = await ort.InferenceSession.create(init.modelPath, {
    intraOpNumThreads: init.intraOpThreads,
    interOpNumThreads: 1,
    executionProviders: init.executionProviders,
    graphOptimizationLevel: "all",
  });
  const plain = (m: readonly ort.InferenceSession.ValueMetadata[]): unknown[] =>
    m.map((v) => (v.isTensor ? { name: v.name, isTensor: true, type: v.type, shape: [...v.shape] } : { name: v.name, isTensor: false }));
  port.on("message", async (msg: ToWorker) => {
    try {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type as ort.Tensor.Type, t.data as never, t.dims);
      const started = performance.now();
      const result = await session.run(feeds);
      const seconds = (performance.now() - started) / 1000;
      const outputs: Record<string, WireTensor> = {};
      for (const [name, t] of Object.entries(result)) outputs[name] = { type: t.type, dims: [...t.dims], data: t.data };
      const reply: FromWorker = { kind: "result", id: msg.id, outputs, seconds };
      try {
        port.postMessage(reply, transferList(Object.values(outputs)));
      } catch {
        port.postMessage(reply); // a buffer the runtime owns cannot be detached: copy it instead
      }
    } catch (err) {
      port.postMessage({ kind: "error", id: msg.id, message: (err as Error).message } satisfies FromWorker);
    }
  });
  port.postMessage({ kind: "ready", inputs: plain(session.inputMetadata), outputs: plain(session.outputMetadata) } satisfies FromWorker);
} catch (err) {
  port.postMessage({ kind: "failed", message: (err as Error).message } satisfies FromWorker);
}
