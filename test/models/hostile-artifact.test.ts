/**
 * Artifacts crafted by someone else: whatever their manifest and config say, a pull writes
 * only verified layers, only inside its target folder, and never through a symbolic link.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { main } from "../../platform/cli/main.ts";
import { digestOf } from "../../platform/models/digest.ts";
import { LayoutStore } from "../../platform/models/layout-store.ts";
import { ANNOTATION_FILEPATH, MODEL_ARTIFACT_TYPE, MODEL_CONFIG_TYPE, MODEL_WEIGHT_RAW, OCI_MANIFEST } from "../../platform/models/media-types.ts";
import { pullArtifact } from "../../platform/models/pull.ts";
import { pullModel } from "../../platform/models/source.ts";
import { tinyModelBytes } from "./fixtures.ts";
import { listTree, tempDir } from "./helpers.ts";

interface Layer {
  path: string;
  bytes: Buffer;
  digest?: string;
  size?: unknown;
}

/** Write blobs and a manifest by hand into a layout, as a hostile pusher could; returns the manifest digest. */
async function craft(dir: string, layers: Layer[], config: unknown = { modelplane: { modelFile: "model.onnx" } }, artifactType = MODEL_ARTIFACT_TYPE): Promise<string> {
  const store = new LayoutStore(dir);
  const configBytes = Buffer.isBuffer(config) ? config : Buffer.from(JSON.stringify(config));
  for (const bytes of [configBytes, ...layers.map((l) => l.bytes)]) {
    const blob = { digest: digestOf(bytes), size: bytes.length, open: (s: number, e: number) => Readable.from([bytes.subarray(s, e)]) };
    if (!(await store.hasBlob("x", blob.digest))) await store.pushBlob("x", blob);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: MODEL_CONFIG_TYPE, digest: digestOf(configBytes), size: configBytes.length },
    layers: layers.map((l) => ({
      mediaType: MODEL_WEIGHT_RAW,
      digest: l.digest ?? digestOf(l.bytes),
      size: l.size ?? l.bytes.length,
      annotations: { [ANNOTATION_FILEPATH]: l.path },
    })),
  };
  return new LayoutStore(dir).putManifest("x", "v1", Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST);
}

const model = tinyModelBytes();

describe("hostile artifacts", () => {
  let t: ReturnType<typeof tempDir>;
  before(() => {
    t = tempDir();
  });
  after(() => t.remove());

  it("refuses layer paths that would leave the target folder or name one file twice", async () => {
    const cases: [string, Layer[]][] = [
      ["parent", [{ path: "../evil.txt", bytes: Buffer.from("evil") }]],
      ["nested-parent", [{ path: "a/../../evil.txt", bytes: Buffer.from("evil") }]],
      ["absolute", [{ path: join(t.path, "abs-evil.txt"), bytes: Buffer.from("evil") }]],
      ["backslash", [{ path: "..\\evil.txt", bytes: Buffer.from("evil") }]],
      ["empty", [{ path: "", bytes: Buffer.from("evil") }]],
      ["dot-duplicate", [{ path: "model.onnx", bytes: model }, { path: "./model.onnx", bytes: Buffer.from("other") }]],
    ];
    for (const [name, layers] of cases) {
      const dir = join(t.path, "layouts", name);
      const digest = await craft(dir, layers);
      const out = join(t.path, "pulls", name, "out");
      await assert.rejects(pullArtifact(new LayoutStore(dir), "x", digest, out), (err: Error) => {
        assert.equal(err.name, "InvalidArtifactError", `${name}: ${err.message}`);
        assert.match(err.message, /unsafe file path/, name);
        return true;
      });
      assert.equal(existsSync(out), false, name);
      assert.deepEqual(readdirSync(join(t.path, "pulls", name)), [], `${name}: nothing written beside the target`);
    }
    assert.equal(existsSync(join(t.path, "abs-evil.txt")), false);
  });

  it("refuses descriptors whose digest or size is not one (before fetching anything)", async () => {
    const cases: [string, Layer][] = [
      ["digest", { path: "model.onnx", bytes: model, digest: "sha256:../../../../etc/passwd" }],
      ["algorithm", { path: "model.onnx", bytes: model, digest: "md5:" + "0".repeat(32) }],
      ["size", { path: "model.onnx", bytes: model, size: "134" }],
      ["negative", { path: "model.onnx", bytes: model, size: -1 }],
    ];
    for (const [name, layer] of cases) {
      const dir = join(t.path, "bad-desc", name);
      const digest = await craft(dir, [layer]);
      await assert.rejects(pullArtifact(new LayoutStore(dir), "x", digest, join(t.path, "bad-desc-out", name)), (err: Error) => {
        assert.equal(err.name, "InvalidArtifactError", `${name}: ${err.message}`);
        assert.match(err.message, /invalid (digest|size)/, name);
        return true;
      });
    }
  });

  it("refuses a config naming a model file that is not one of its verified layers", async () => {
    const dir = join(t.path, "config-escape");
    const cacheDir = join(t.path, "cache-escape");
    mkdirSync(cacheDir, { recursive: true });
    // Where '../../secret.onnx' points from the cache's staging folder.
    writeFileSync(join(cacheDir, "secret.onnx"), "not verified by anyone");
    const digest = await craft(dir, [{ path: "weights.onnx", bytes: model }], { modelplane: { modelFile: "../../secret.onnx" } });
    await assert.rejects(pullModel(`layout:${dir}@${digest}`, { cacheDir }), (err: Error) => {
      assert.equal(err.name, "InvalidArtifactError", err.message);
      assert.match(err.message, /model file '\.\.\/\.\.\/secret\.onnx'.*not one of its layers/);
      return true;
    });
    assert.deepEqual(listTree(cacheDir), ["secret.onnx"], "nothing cached");
  });

  it("refuses a config that is not a JSON object, and artifacts that are not models", async () => {
    const notJson = join(t.path, "config-not-json");
    const d1 = await craft(notJson, [{ path: "model.onnx", bytes: model }], Buffer.from("{not json"));
    await assert.rejects(pullArtifact(new LayoutStore(notJson), "x", d1, join(t.path, "nj-out")), { name: "InvalidArtifactError", message: /config is not JSON/ });
    const notObject = join(t.path, "config-null");
    const d2 = await craft(notObject, [{ path: "model.onnx", bytes: model }], null);
    await assert.rejects(pullModel(`layout:${notObject}@${d2}`, { cacheDir: join(t.path, "cache-null") }), { name: "InvalidArtifactError", message: /config is not a JSON object/ });
    const image = join(t.path, "image");
    const d3 = await craft(image, [{ path: "model.onnx", bytes: model }], {}, "application/vnd.example.other");
    // The config media type alone still marks a model (ModelPack without artifactType); change both.
    const m = JSON.parse(readFileSync(new LayoutStore(image).blobPath(d3), "utf8"));
    m.config.mediaType = "application/vnd.oci.image.config.v1+json";
    const d4 = await new LayoutStore(image).putManifest("x", "v2", Buffer.from(JSON.stringify(m)), OCI_MANIFEST);
    await assert.rejects(pullArtifact(new LayoutStore(image), "x", d4, join(t.path, "img-out")), { name: "InvalidArtifactError", message: /not a model artifact/ });
  });

  it("model inspect shows a config with a malformed signature instead of crashing", async () => {
    const dir = join(t.path, "odd-config");
    const digest = await craft(dir, [{ path: "model.onnx", bytes: model }], { modelplane: { modelFile: "model.onnx", inputs: "x", outputs: [{ name: "y", dtype: "float32", shape: 3 }] } });
    let out = "";
    let err = "";
    const io = {
      stdout: new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) }),
      stderr: new Writable({ write: (c, _e, cb) => ((err += c.toString()), cb()) }),
      stdin: Readable.from([]),
      cwd: t.path,
      env: { HOME: t.path },
    };
    assert.equal(await main(["model", "inspect", `layout:${dir}@${digest}`], io), 0, err);
    assert.match(out, /model: +model\.onnx\ninputs:\noutputs:\n  y: float32 \[\]\nfiles:/);
  });

  it("model pull never writes through a symbolic link already in the target folder", async () => {
    const dir = join(t.path, "nested");
    const digest = await craft(dir, [
      { path: "model.onnx", bytes: model },
      { path: "tokenizer/vocab.json", bytes: Buffer.from('{"a":1}') },
    ]);
    const outside = join(t.path, "outside");
    mkdirSync(outside);
    const target = join(t.path, "work-tree");
    mkdirSync(target);
    symlinkSync(outside, join(target, "tokenizer"));
    let err = "";
    const io = {
      stdout: new Writable({ write: (_c, _e, cb) => cb() }),
      stderr: new Writable({ write: (c, _e, cb) => ((err += c.toString()), cb()) }),
      stdin: Readable.from([]),
      cwd: t.path,
      env: { HOME: t.path },
    };
    assert.equal(await main(["model", "pull", `layout:${dir}@${digest}`, target], io), 1, err);
    assert.match(err, /^modelplane model: cannot write tokenizer\/vocab\.json: .*tokenizer is a symbolic link\n$/);
    assert.deepEqual(readdirSync(outside), [], "nothing written where the link points");
    assert.deepEqual(readdirSync(target), ["tokenizer"], "target left as it was: no model.onnx, no staging folder");
  });
});

describe("pullArtifact and an existing folder", () => {
  it("refuses to pull into a folder that exists, so a failed pull cannot delete a caller's files", async () => {
    const t = tempDir();
    try {
      const dir = join(t.path, "tampered");
      const digest = await craft(dir, [{ path: "model.onnx", bytes: model }]);
      // Make the pull fail after it started (a layer whose bytes do not match).
      writeFileSync(new LayoutStore(dir).blobPath(digestOf(model)), "tampered");
      const mine = join(t.path, "my-files");
      mkdirSync(mine);
      writeFileSync(join(mine, "notes.txt"), "precious");
      await assert.rejects(pullArtifact(new LayoutStore(dir), "x", digest, mine), /my-files already exists/);
      assert.equal(readFileSync(join(mine, "notes.txt"), "utf8"), "precious");
    } finally {
      t.remove();
    }
  });
});
