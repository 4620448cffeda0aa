import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "../../platform/models/registry-client.ts";
import { pullArtifact } from "../../platform/models/pull.ts";
import { pushModel } from "../../platform/models/push.ts";
import { pullModel } from "../../platform/models/source.ts";
import { main } from "../../platform/cli/main.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry.ts";
import { tinyModelBytes, writeLargeModel } from "./fixtures.ts";
import { digestOf } from "../../platform/models/digest.ts";
import { writeVerified } from "../../platform/models/verify.ts";
import { listTree, modelDir, recordingProxy, tempDir } from "./helpers.ts";

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
    // Watched on the wire: what reaches the registry, not what the client reports.
    const proxy = await recordingProxy(reg.host);
    const viaProxy = new RegistryClient(proxy.host, { insecure: true });
    let again;
    try {
      again = await pushModel(src, viaProxy, "team/vad", { name: "vad", version: "1", tag: "v1-again" });
    } finally {
      viaProxy.close();
      await proxy.close();
    }
    assert.deepEqual(proxy.requests.filter((r) => r.path.includes("/blobs/uploads/")), [], "no upload started");
    assert.equal(proxy.requests.filter((r) => r.method === "HEAD").length, 4);
    assert.deepEqual(proxy.requests.filter((r) => r.method === "PUT").map((r) => r.path), ["/v2/team/vad/manifests/v1-again"]);
    assert.deepEqual(again.uploaded, []);
    assert.equal(again.skipped.length, 4);
    assert.ok(await client.hasBlob("team/vad", again.artifact.files[0]!.digest));
    assert.equal(await client.hasBlob("team/vad", "sha256:" + "0".repeat(64)), false);
    assert.deepEqual((await client.listTags("team/vad")).sort(), ["v1", "v1-again"]);
  });

  it("uploads large blobs in PATCH chunks that the registry reassembles", async () => {
    const file = join(t.path, "chunky.onnx");
    await writeLargeModel(file, 3_500_000);
    const proxy = await recordingProxy(reg.host);
    const chunked = new RegistryClient(proxy.host, { insecure: true, chunkSize: 1 << 20 });
    try {
      const res = await pushModel(file, chunked, "chunky", { name: "chunky", tag: "v1" });
      // 3.5 MB in 1 MiB chunks: POST, four PATCHes following each answer's Location, one closing PUT.
      const upload = proxy.requests.filter((r) => r.path.startsWith("/v2/chunky/blobs/uploads/"));
      assert.deepEqual(upload.map((r) => r.method), ["POST", "PATCH", "PATCH", "PATCH", "PATCH", "PUT", "POST", "PUT"]);
      assert.match(upload[5]!.path, new RegExp(`[?&]digest=${res.artifact.files[0]!.digest.replace(":", "(:|%3A)")}`));
      const out = join(t.path, "chunky-out");
      await pullArtifact(client, "chunky", "v1", out);
      assert.deepEqual(readFileSync(join(out, "chunky.onnx")), readFileSync(file));
      assert.equal((await client.getManifest("chunky", res.digest)).digest, res.digest);
    } finally {
      chunked.close();
      await proxy.close();
    }
  });

  it("follows Link headers through every page of the catalog", async () => {
    const paged = new RegistryClient(reg.host, { insecure: true, pageSize: 1 });
    try {
      const all = (await client.catalog()).sort();
      assert.ok(all.length >= 2, JSON.stringify(all));
      assert.deepEqual((await paged.catalog()).sort(), all);
    } finally {
      paged.close();
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

describe("a registry that redirects blobs to object storage", () => {
  // What distribution does with S3 storage (redirects on by default): GET and HEAD of a blob it
  // holds answer 307 to a presigned storage URL on another host. The storage host gets no credentials.
  const blob = tinyModelBytes();
  const digest = digestOf(blob);
  const storageSaw: { method: string; authorization?: string }[] = [];
  let storage: http.Server;
  let front: http.Server;
  let host: string;
  before(async () => {
    storage = http.createServer((req, res) => {
      storageSaw.push({ method: req.method ?? "", ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.writeHead(200, { "Content-Length": blob.length }).end(req.method === "HEAD" ? undefined : blob);
    });
    await listen(storage);
    const storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}/bucket/${digest.slice(7)}?X-Amz-Signature=x`;
    front = http.createServer((req, res) => {
      if (req.headers.authorization !== "Basic " + Buffer.from("alice:pw").toString("base64")) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="test"' }).end();
      } else if (req.url === `/v2/r/blobs/${digest}`) {
        res.writeHead(307, { Location: storageUrl }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await listen(front);
    host = `127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of [front, storage]) {
      s?.closeAllConnections();
      await new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)));
    }
  });

  it("counts a redirected HEAD as present and fetches through the redirect without sending credentials on", async () => {
    const client = new RegistryClient(host, { insecure: true, credentials: { username: "alice", password: "pw" } });
    const t = tempDir();
    try {
      assert.equal(await client.hasBlob("r", digest), true, "a 307 to storage means the registry holds the blob");
      assert.equal(await client.hasBlob("r", "sha256:" + "0".repeat(64)), false);
      const out = join(t.path, "blob");
      await writeVerified(await client.fetchBlob("r", { mediaType: "x", digest, size: blob.length }), out, { digest, size: blob.length }, "blob");
      assert.deepEqual(readFileSync(out), blob);
      assert.ok(storageSaw.some((r) => r.method === "GET"));
      assert.deepEqual(storageSaw.filter((r) => r.authorization), [], "credentials stay with the registry host");
    } finally {
      client.close();
      t.remove();
    }
  });
});

async function listen(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
}

function sink(): Writable & { text: string } {
  const w = new Writable({ write: (c, _e, cb) => ((w.text += c.toString()), cb()) }) as Writable & { text: string };
  w.text = "";
  return w;
}
