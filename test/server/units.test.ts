/** The server's pure parts: FP16 conversion, JSON tensor text, the depth guard, configuration, batchability. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromHalfBits, toHalfBits } from "../../services/inference/fp16.ts";
import { decodeJsonData, encodeJsonData } from "../../services/inference/tensor-json.ts";
import { checkJsonDepth } from "../../services/inference/json-depth.ts";
import { parseServerArgs } from "../../services/inference/config.ts";
import { selectVersions } from "../../services/inference/model-repository.ts";
import { batchableFirstDim, toSignature } from "../../services/inference/signature.ts";
import { chooseProviders } from "../../services/inference/execution-provider.ts";
import { ConfigError } from "../../services/inference/errors.ts";

test("FP16: every finite half value survives half → number → half", () => {
  for (let h = 0; h < 0x10000; h++) {
    const exp = (h >>> 10) & 0x1f;
    if (exp === 0x1f) continue; // Inf/NaN checked below
    assert.equal(toHalfBits(fromHalfBits(h)), h, `0x${h.toString(16)}`);
  }
  assert.equal(toHalfBits(Infinity), 0x7c00);
  assert.equal(toHalfBits(-1e10), 0xfc00);
  assert.ok(Number.isNaN(fromHalfBits(toHalfBits(NaN))));
  assert.equal(toHalfBits(1 + 2 ** -11), toHalfBits(1), "ties round to even");
  assert.equal(toHalfBits(2 ** -25), 0, "underflow to zero");
});

test("JSON text keeps -0, writes non-finite as null, and prints 64-bit integers exactly", () => {
  assert.equal(encodeJsonData("FP32", Float32Array.from([1.5, -0, NaN, Infinity])), "[1.5,-0,null,null]");
  assert.equal(encodeJsonData("INT64", BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n])), "[-9223372036854775808,9223372036854775807]");
  assert.equal(encodeJsonData("BOOL", Uint8Array.from([1, 0])), "[true,false]");
  assert.equal(encodeJsonData("BYTES", ['a"b', "é"]), '["a\\"b","é"]');
  assert.deepEqual(JSON.parse(encodeJsonData("FP32", Float32Array.from([0.1]))), [Math.fround(0.1)]);
});

test("nested JSON data must follow the shape exactly", () => {
  assert.deepEqual(Array.from(decodeJsonData("x", "INT32", [2, 2], 4, [[1, 2], [3, 4]]) as Int32Array), [1, 2, 3, 4]);
  assert.throws(() => decodeJsonData("x", "INT32", [2, 2], 4, [[1, 2, 3], [4]]), /does not match shape/);
  assert.throws(() => decodeJsonData("x", "UINT8", [1], 1, [256]), /integer in \[0, 255\]/);
  assert.throws(() => decodeJsonData("x", "BOOL", [1], 1, [1]), /true or false/);
});

test("the depth guard counts brackets, not brackets inside strings", () => {
  checkJsonDepth(Buffer.from(JSON.stringify({ s: "[[[[[[[[[[[[", t: '\\"[[[[' })), 3);
  assert.throws(() => checkJsonDepth(Buffer.from("[[[[1]]]]"), 3), /deeper than 3/);
});

test("configuration: environment first, flags win, errors name the source", () => {
  const env = { MODELPLANE_PORT: "9000", MODELPLANE_MODELS: "a=/m/a.onnx,b=oci://r/b@sha256:" + "1".repeat(64), MODELPLANE_MAX_BATCH_SIZE: "4" };
  const fromEnv = parseServerArgs([], env);
  assert.equal(fromEnv.port, 9000);
  assert.deepEqual(fromEnv.models.map((m) => m.name), ["a", "b"]);
  assert.equal(fromEnv.defaults.maxBatchSize, 4);
  const flags = parseServerArgs(["--port", "0", "--model", "c=/m/c.onnx", "--latency-buckets", "0.3,0.1,0.3"], env);
  assert.equal(flags.port, 0);
  assert.deepEqual(flags.models, [{ name: "c", ref: "/m/c.onnx" }]);
  assert.deepEqual(flags.latencyBuckets, [0.1, 0.3]);
  assert.throws(() => parseServerArgs(["--model", "a=x", "--model", "a=y"]), (e: Error) => e instanceof ConfigError && /given twice/.test(e.message));
  assert.throws(() => parseServerArgs(["--model", "a=x", "--latency-buckets", "0.1,-1"]), /--latency-buckets/);
  assert.throws(() => parseServerArgs(["--model", "a=x"], { MODELPLANE_DRAIN_TIMEOUT_MS: "soon" }), /MODELPLANE_DRAIN_TIMEOUT_MS/);
});

test("version policies pick the right versions", () => {
  assert.deepEqual(selectVersions(["1", "2", "10"], { latest: 2 }), ["2", "10"]);
  assert.deepEqual(selectVersions(["1", "2", "10"], { all: true }), ["1", "2", "10"]);
  assert.deepEqual(selectVersions(["1", "2", "10"], { specific: ["1", "10", "7"] }), ["1", "10"]);
});

test("batchable only with one shared dynamic first dimension on every input and output", () => {
  const t = (name: string, shape: (number | string)[]) => ({ name, isTensor: true, type: "float32", shape });
  assert.equal(batchableFirstDim(toSignature([t("x", ["n", 4])], [t("y", ["n", 1])])), true);
  assert.equal(batchableFirstDim(toSignature([t("x", [-1, 4])], [t("y", [-1, 1])])), true);
  assert.equal(batchableFirstDim(toSignature([t("x", [2, 4])], [t("y", [2, 1])])), false);
  assert.equal(batchableFirstDim(toSignature([t("x", ["n", 4]), t("s", [])], [t("y", ["n"])])), false);
  assert.equal(batchableFirstDim(toSignature([t("x", ["n", 4])], [t("y", ["m", 1])])), false);
  assert.throws(() => toSignature([{ name: "q", isTensor: true, type: "int4", shape: [1] }], []), /cannot carry/);
});

test("execution providers: cuda needs the library unless CPU fallback is allowed", () => {
  assert.deepEqual(chooseProviders("cpu", false, () => false).providers, ["cpu"]);
  assert.deepEqual(chooseProviders("cuda", false, () => true).providers, ["cuda", "cpu"]);
  assert.throws(() => chooseProviders("cuda", false, () => false), ConfigError);
  const fallback = chooseProviders("cuda", true, () => false);
  assert.deepEqual(fallback.providers, ["cpu"]);
  assert.match(fallback.fallbackReason ?? "", /not installed/);
});
