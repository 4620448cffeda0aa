import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "../../platform/models/registry-client.ts";
import { pullArtifact } from "../../platform/models/pull.ts";
import { pushModel } from "../../platform/models/push.ts";
import { pullModel } from "../../platform/models/source.ts";
import { main } from "../../platform/cli/main.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry.ts";
import { writeLargeModel } from "./fixtures.ts";
import { listTree, modelDir, tempDir } from "./helpers.ts";

describe("OCI distribution client against a real registry (plain HTTP)", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  let src: string;
  let client: RegistryClient;
  before(async () => {
    t = tempDir();
    src = modelDir(t.path);
    reg = await startRegistry();
    client = new RegistryClient(reg.host, { insecure: true });
  });
  after(async () => {
    client?.close();
    await reg?.close();
    t?.remove();
  });

  it("pings, pushes, lists and pulls byte-identical files", async () => {
    await client.ping();
    const res = await pushModel(src, client, "team/vad", { name: "vad", version: "1", tag: "v1" });
    assert.equal(res.uploaded.length, 4);
    assert.deepEqual(await client.listTags("team/vad"), ["v1"]);
    assert.deepEqual(await client.catalog(), ["team/vad"]);
    const byTag = await client.getManifest("team/vad", "v1");
    assert.equal(byTag.digest, res.digest);
    const out = join(t.path, "out");
    const pulled = await pullArtifact(client, "team/vad", res.digest, out);
    assert.deepEqual(pulled.files, ["labels.txt", "model.onnx", "tokenizer/vocab.json"]);
    for (const f of pulled.files) assert.deepEqual(readFileSync(join(out, f)), readFileSync(join(src, f)), f);
  });

  it("never uploads a blob the registry already has", async () => {
    const again = await pushModel(src, client, "team/vad", { name: "vad", version: "1", tag: "v1-again" });
    assert.deepEqual(again.uploaded, []);
    assert.equal(again.skipped.length, 4);
    assert.ok(await client.hasBlob("team/vad", again.artifact.files[0]!.digest));
    assert.equal(await client.hasBlob("team/vad", "sha256:" + "0".repeat(64)), false);
    assert.deepEqual((await client.listTags("team/vad")).sort(), ["v1", "v1-again"]);
  });

  it("uploads large blobs in PATCH chunks that the registry reassembles", async () => {
    const file = join(t.path, "chunky.onnx");
    await writeLargeModel(file, 3_500_000);
    const chunked = new RegistryClient(reg.host, { insecure: true, chunkSize: 1 << 20 });
    try {
      const res = await pushModel(file, chunked, "chunky", { name: "chunky", tag: "v1" });
      const out = join(t.path, "chunky-out");
      await pullArtifact(client, "chunky", "v1", out);
      assert.deepEqual(readFileSync(join(out, "chunky.onnx")), readFileSync(file));
      assert.equal((await client.getManifest("chunky", res.digest)).digest, res.digest);
    } finally {
      chunked.close();
    }
  });

  it("says what is missing", async () => {
    await assert.rejects(client.getManifest("team/vad", "nope"), { name: "NotFoundError", message: /manifest team\/vad:nope not found/ });
    await assert.rejects(pullArtifact(client, "nobody/here", "v1", join(t.path, "x")), { name: "NotFoundError" });
    assert.equal(existsSync(join(t.path, "x")), false);
  });

  it("refuses plain HTTP unless asked, with a hint", async () => {
    const tls = new RegistryClient(reg.host);
    try {
      await assert.rejects(tls.ping(), /--insecure/);
    } finally {
      tls.close();
    }
  });

  it("detects a blob tampered with in the registry's storage and keeps nothing", async () => {
    const res = await pushModel(src, client, "tampered", { name: "t", tag: "v1" });
    const layer = res.artifact.files.find((f) => f.relPath === "model.onnx")!;
    const data = reg.blobDataPath(layer.digest);
    const bytes = readFileSync(data);
    bytes[10] = bytes[10]! ^ 0x01;
    writeFileSync(data, bytes);
    const out = join(t.path, "tampered-out");
    await assert.rejects(pullArtifact(client, "tampered", res.digest, out), (err: Error) => {
      assert.equal(err.name, "DigestMismatchError");
      assert.ok(err.message.includes(`expected ${layer.digest}, got sha256:`), err.message);
      assert.ok(err.message.includes("model.onnx"), err.message);
      return true;
    });
    assert.equal(existsSync(out), false);
    const cacheDir = join(t.path, "tamper-cache");
    let retries = 0;
    await assert.rejects(
      pullModel(`oci://${reg.host}/tampered@${res.digest}`, { cacheDir, insecure: true, onRetry: () => retries++ }),
      /digest mismatch for model\.onnx/,
    );
    assert.equal(retries, 0);
    assert.deepEqual(listTree(cacheDir), []);
  });
});

describe("registry over HTTPS with a private CA", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  before(async () => {
    t = tempDir();
    reg = await startRegistry({ tls: true });
  });
  after(async () => {
    await reg?.close();
    t?.remove();
  });

  it("works with the CA and fails clearly without it", async () => {
    const trusted = new RegistryClient(reg.host, { ca: readFileSync(reg.caFile!) });
    const untrusted = new RegistryClient(reg.host);
    try {
      const res = await pushModel(modelDir(t.path), trusted, "secure", { name: "secure", tag: "v1" });
      assert.equal((await trusted.getManifest("secure", "v1")).digest, res.digest);
      await assert.rejects(untrusted.ping(), /TLS failure talking to 127\.0\.0\.1:\d+: .*--ca/);
    } finally {
      trusted.close();
      untrusted.close();
    }
  });

  it("takes the CA from --ca on the command line and from MODELPLANE_REGISTRY_CA for the server", async () => {
    const src = modelDir(t.path, 3);
    const io = { stdout: sink(), stderr: sink(), stdin: Readable.from([]), cwd: t.path, env: { HOME: t.path } };
    assert.equal(await main(["model", "push", src, `oci://${reg.host}/cli:v1`, "--ca", reg.caFile!], io), 0, io.stderr.text);
    const ref = io.stdout.text.trim();
    assert.match(ref, /@sha256:/);
    const pulled = await pullModel(ref, { cacheDir: join(t.path, "ca-cache"), env: { MODELPLANE_REGISTRY_CA: reg.caFile! } });
    assert.deepEqual(readFileSync(pulled.modelFile), readFileSync(join(src, "model.onnx")));
  });
});

function sink(): Writable & { text: string } {
  const w = new Writable({ write: (c, _e, cb) => ((w.text += c.toString()), cb()) }) as Writable & { text: string };
  w.text = "";
  return w;
}
