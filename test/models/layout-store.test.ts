import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LayoutStore, listLayoutRepositories } from "../../platform/models/layout-store.ts";
import { MODEL_ARTIFACT_TYPE, MODEL_CONFIG_TYPE, MODEL_WEIGHT_RAW } from "../../platform/models/media-types.ts";
import { pullArtifact } from "../../platform/models/pull.ts";
import { pushModel } from "../../platform/models/push.ts";
import { pullModel } from "../../platform/models/source.ts";
import { listTree, modelDir, tempDir } from "./helpers.ts";

describe("embedded OCI image-layout store", () => {
  let t: ReturnType<typeof tempDir>;
  let src: string;
  before(() => {
    t = tempDir();
    src = modelDir(t.path);
  });
  after(() => t.remove());

  it("writes a valid image layout with a ModelPack manifest", async () => {
    const dir = join(t.path, "store", "team", "vad");
    const store = new LayoutStore(dir);
    const res = await pushModel(src, store, "team/vad", { name: "vad", version: "1.0", tag: "v1" });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].digest, res.digest);
    assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "v1");
    const manifest = JSON.parse(readFileSync(store.blobPath(res.digest), "utf8"));
    assert.equal(manifest.artifactType, MODEL_ARTIFACT_TYPE);
    assert.equal(manifest.config.mediaType, MODEL_CONFIG_TYPE);
    assert.deepEqual(manifest.layers.map((l: { mediaType: string; annotations: Record<string, string> }) => [l.mediaType, l.annotations["org.cncf.model.filepath"]]), [
      [MODEL_WEIGHT_RAW, "labels.txt"],
      [MODEL_WEIGHT_RAW, "model.onnx"],
      [MODEL_WEIGHT_RAW, "tokenizer/vocab.json"],
    ]);
    assert.equal(manifest.annotations["org.opencontainers.image.version"], "1.0");
    assert.match(manifest.annotations["org.opencontainers.image.created"], /^\d{4}-\d\d-\d\dT/);
    const config = JSON.parse(readFileSync(store.blobPath(manifest.config.digest), "utf8"));
    assert.equal(config.descriptor.name, "vad");
    assert.equal(config.descriptor.version, "1.0");
    assert.equal(config.config.format, "onnx");
    assert.deepEqual(config.modelplane.inputs, [{ name: "x", dtype: "float32", shape: ["batch", 4] }]);
    assert.deepEqual(config.modelplane.outputs, [{ name: "y", dtype: "float32", shape: ["batch", 4] }]);
    assert.equal(config.modelplane.size, manifest.layers.reduce((n: number, l: { size: number }) => n + l.size, 0));
    assert.deepEqual(await listLayoutRepositories(join(t.path, "store")), ["team/vad"]);
    assert.deepEqual(await store.listTags(), ["v1"]);
  });

  it("round-trips byte-identical files and never stores a blob twice", async () => {
    const store = new LayoutStore(join(t.path, "rt"));
    const first = await pushModel(src, store, "rt", { name: "rt", tag: "a" });
    assert.equal(first.uploaded.length, 4); // three files and the config
    const again = await pushModel(src, store, "rt", { name: "rt", tag: "b" });
    assert.equal(again.digest, first.digest, "unchanged files give the same manifest");
    assert.deepEqual(again.uploaded, []);
    assert.deepEqual((await store.listTags()).sort(), ["a", "b"]);
    const out = join(t.path, "rt-out");
    const pulled = await pullArtifact(store, "rt", "b", out);
    assert.equal(pulled.digest, first.digest);
    assert.deepEqual(listTree(out), ["labels.txt", "model.onnx", "tokenizer/vocab.json"]);
    for (const f of listTree(out)) assert.deepEqual(readFileSync(join(out, f)), readFileSync(join(src, f)), f);
  });

  it("keeps every tag when several pushes write one layout at once", async () => {
    const store = new LayoutStore(join(t.path, "busy"));
    const tags = ["a", "b", "c", "d", "e", "f"];
    await Promise.all(tags.map((tag) => pushModel(src, store, "busy", { name: "busy", tag })));
    assert.deepEqual((await store.listTags()).sort(), tags);
    assert.deepEqual(readdirSync(join(t.path, "busy")).sort(), ["blobs", "index.json", "oci-layout"]);
  });

  it("detects a tampered blob: clear error, nothing left behind", async () => {
    const dir = join(t.path, "tamper");
    const store = new LayoutStore(dir);
    const res = await pushModel(src, store, "tamper", { name: "tamper", tag: "v1" });
    const layer = res.artifact.manifest.layers.find((l) => l.annotations?.["org.cncf.model.filepath"] === "model.onnx")!;
    const bytes = readFileSync(store.blobPath(layer.digest));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(store.blobPath(layer.digest), bytes);
    const out = join(t.path, "tamper-out");
    await assert.rejects(pullArtifact(store, "tamper", res.digest, out), (err: Error) => {
      assert.equal(err.name, "DigestMismatchError");
      assert.match(err.message, new RegExp(`expected ${layer.digest}, got sha256:[0-9a-f]{64}`));
      return true;
    });
    assert.equal(existsSync(out), false, "the pull folder is removed");
    const cache = join(t.path, "tamper-cache");
    let retries = 0;
    await assert.rejects(pullModel(`layout:${dir}@${res.digest}`, { cacheDir: cache, onRetry: () => retries++ }), /digest mismatch/);
    assert.equal(retries, 0, "verification failures are not retried");
    assert.deepEqual(listTree(cache), []);
  });

  it("pulls a layout reference into a digest-keyed cache and serves it again with the layout gone", async () => {
    const dir = join(t.path, "cached");
    const res = await pushModel(src, new LayoutStore(dir), "cached", { name: "cached", tag: "v1" });
    const cacheDir = join(t.path, "cache");
    const pulled = await pullModel(`layout:${dir}@${res.digest}`, { cacheDir });
    assert.equal(pulled.digest, res.digest);
    assert.deepEqual(readFileSync(join(pulled.path, "model.onnx")), readFileSync(join(src, "model.onnx")));
    // No store at all any more: the cached, re-verified copy is all it needs.
    const moved = `layout:${join(t.path, "gone")}@${res.digest}`;
    const again = await pullModel(moved, { cacheDir });
    assert.equal(again.path, pulled.path);
    // A damaged cache entry is not served: it is dropped and pulled again (here: fails, the store is gone).
    writeFileSync(join(pulled.path, "labels.txt"), "changed");
    await assert.rejects(pullModel(moved, { cacheDir }), /not found|no OCI image layout/);
    assert.deepEqual(readdirSync(join(cacheDir, "sha256")), []);
  });

  it("lets concurrent pulls of one digest share a cache directory", async () => {
    const dir = join(t.path, "shared");
    const res = await pushModel(src, new LayoutStore(dir), "shared", { name: "shared", tag: "v1" });
    const cacheDir = join(t.path, "cache-shared");
    const ref = `layout:${dir}@${res.digest}`;
    const all = await Promise.all([1, 2, 3, 4].map(() => pullModel(ref, { cacheDir })));
    assert.equal(new Set(all.map((p) => p.path)).size, 1);
    assert.deepEqual(readFileSync(all[0]!.modelFile), readFileSync(join(src, "model.onnx")));
    assert.deepEqual(readdirSync(join(cacheDir, "sha256")).filter((n) => n.startsWith(".pull-")), []);
  });

  it("gives a single-file model the name model.onnx in the cache", async () => {
    const dir = join(t.path, "single");
    const file = join(t.path, "vad.onnx");
    copyFileSync(join(src, "model.onnx"), file);
    const res = await pushModel(file, new LayoutStore(dir), "single", { name: "single", tag: "v1" });
    const pulled = await pullModel(`layout:${dir}:v1`, { cacheDir: join(t.path, "cache2") });
    assert.equal(pulled.digest, res.digest);
    assert.equal(pulled.modelFile, join(pulled.path, "model.onnx"));
    assert.deepEqual(readFileSync(pulled.modelFile), readFileSync(file));
    assert.deepEqual(readFileSync(join(pulled.path, "vad.onnx")), readFileSync(file));
  });
});
