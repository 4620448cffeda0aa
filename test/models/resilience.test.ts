import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "../../platform/models/registry-client.ts";
import { pullArtifact } from "../../platform/models/pull.ts";
import { pushModel } from "../../platform/models/push.ts";
import { pullModel } from "../../platform/models/source.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry.ts";
import { writeLargeModel } from "./fixtures.ts";
import { listTree, tempDir } from "./helpers.ts";

describe("registry outages", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  let file: string;
  let digest: string;
  before(async () => {
    t = tempDir();
    reg = await startRegistry();
    // Far larger than the kernel's socket buffers, so a registry killed after the
    // first bytes cannot have sent the whole blob already.
    file = join(t.path, "big.onnx");
    await writeLargeModel(file, 64_000_000);
    const client = new RegistryClient(reg.host, { insecure: true });
    try {
      digest = (await pushModel(file, client, "big", { name: "big", tag: "v1" })).digest;
    } finally {
      client.close();
    }
  });
  after(async () => {
    await reg?.close();
    t?.remove();
  });

  it("a registry killed in the middle of a blob fails the pull as retryable and leaves nothing", async () => {
    const client = new RegistryClient(reg.host, { insecure: true });
    const out = join(t.path, "mid");
    let killed = false;
    try {
      await assert.rejects(
        pullArtifact(client, "big", digest, out, {
          onProgress: (done) => {
            if (done > 0 && !killed) {
              killed = true;
              void reg.stop();
            }
          },
        }),
        (err: Error & { retryable?: boolean }) => {
          assert.equal(err.name, "RegistryUnreachableError", err.stack);
          assert.match(err.message, /cannot reach registry 127\.0\.0\.1:\d+/);
          assert.equal(err.retryable, true);
          return true;
        },
      );
      assert.ok(killed);
      assert.equal(existsSync(out), false);
    } finally {
      client.close();
    }
  });

  it("pullModel retries with backoff while the registry is down, then succeeds once it is back", async () => {
    await reg.stop();
    const cacheDir = join(t.path, "cache");
    const retries: { message: string; attempt: number; delay: number }[] = [];
    let restarted: Promise<void> | undefined;
    const pulled = await pullModel(`oci://${reg.host}/big@${digest}`, {
      cacheDir,
      insecure: true,
      initialDelayMs: 20,
      maxDelayMs: 80,
      onRetry: (err, attempt, delay) => {
        retries.push({ message: err.message, attempt, delay });
        if (attempt === 3) restarted = reg.start();
      },
    });
    await restarted;
    assert.ok(retries.length >= 3);
    assert.deepEqual(retries.slice(0, 3).map((r) => r.attempt), [1, 2, 3]);
    assert.ok(retries.every((r) => /cannot reach registry .*connection refused/.test(r.message)), JSON.stringify(retries));
    assert.ok(retries.every((r) => r.delay <= 80), "backoff is capped");
    assert.equal(pulled.digest, digest);
    assert.deepEqual(readFileSync(pulled.modelFile), readFileSync(file));

    // Cached and verified: no network needed, no retry.
    await reg.stop();
    let retried = false;
    const again = await pullModel(`oci://${reg.host}/big@${digest}`, { cacheDir, insecure: true, onRetry: () => (retried = true) });
    assert.equal(again.path, pulled.path);
    assert.equal(retried, false);
    assert.deepEqual(listTree(cacheDir).filter((f) => f.includes(".pull-")), [], "no staging leftovers");
  });

  it("stops retrying when its signal aborts", async () => {
    await reg.stop();
    const ac = new AbortController();
    let attempts = 0;
    await assert.rejects(
      pullModel(`oci://${reg.host}/big@${"sha256:" + "1".repeat(64)}`, {
        cacheDir: join(t.path, "cache-abort"),
        insecure: true,
        signal: ac.signal,
        initialDelayMs: 10,
        onRetry: () => {
          if (++attempts === 2) ac.abort();
        },
      }),
      { name: "AbortError" },
    );
    assert.equal(attempts, 2);
  });
});

// The timeout only turns a hang (the bug) into a failure; nothing asserts how long it took.
describe("a registry that stops answering without closing the connection", { timeout: 20_000 }, () => {
  // A hung registry process or a dead network path: no RST, no FIN, just silence.
  let server: http.Server;
  let host: string;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.includes("/blobs/")) {
        // Headers and the first bytes of the blob, then nothing more.
        res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": 1000 });
        res.write(Buffer.alloc(10));
      }
      // Everything else: never answered at all.
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gives up on a request with no answer as unreachable (retryable), not hanging forever", async () => {
    const client = new RegistryClient(host, { insecure: true, idleTimeoutMs: 200 });
    try {
      await assert.rejects(client.ping(), (err: Error & { retryable?: boolean }) => {
        assert.equal(err.name, "RegistryUnreachableError", err.stack);
        assert.match(err.message, /cannot reach registry 127\.0\.0\.1:\d+: no data for 0\.2 s/);
        assert.equal(err.retryable, true);
        return true;
      });
    } finally {
      client.close();
    }
  });

  it("gives up on a blob whose bytes stop flowing as unreachable (retryable)", async () => {
    const client = new RegistryClient(host, { insecure: true, idleTimeoutMs: 200 });
    try {
      const body = await client.fetchBlob("r", { mediaType: "x", digest: "sha256:" + "2".repeat(64), size: 1000 });
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      await assert.rejects(pipeline(body, sink).catch((err) => { throw client.explain(err); }), (err: Error & { retryable?: boolean }) => {
        assert.equal(err.name, "RegistryUnreachableError", err.stack);
        assert.equal(err.retryable, true);
        return true;
      });
    } finally {
      client.close();
    }
  });
});
