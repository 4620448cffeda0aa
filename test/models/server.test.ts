/**
 * The model server (services/inference) serving digest-pinned OCI references through
 * platform/models/source.ts, against a real registry.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { defaultConfig, startServer, type RunningServer } from "../../services/inference/index.ts";
import { DEFAULT_MODEL_SETTINGS } from "../../services/inference/index.ts";
import { RegistryClient } from "../../platform/models/registry-client.ts";
import { pushModel } from "../../platform/models/push.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry.ts";
import { http, postJson } from "../server/helpers.ts";
import { modelDir, tempDir } from "./helpers.ts";

async function serve(ref: string, cacheDir: string): Promise<RunningServer> {
  const config = defaultConfig({
    host: "127.0.0.1",
    port: 0,
    models: [{ name: "tiny", ref }],
    defaults: DEFAULT_MODEL_SETTINGS,
    cacheDir,
    insecureRegistry: true,
  });
  return startServer(config, { logger: pino({ level: "silent" }) });
}

/** Poll until `check` holds; the test's own timeout bounds it, nothing asserts how long it took. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

const infer = { inputs: [{ name: "x", shape: [1, 4], datatype: "FP32", data: [1, 1, 1, 1] }] };

describe("model server with OCI model references", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  let ref: string;
  let tamperedRef: string;
  before(async () => {
    t = tempDir();
    reg = await startRegistry();
    const client = new RegistryClient(reg.host, { insecure: true });
    try {
      ref = `oci://${reg.host}/tiny@${(await pushModel(modelDir(t.path, 1), client, "tiny", { name: "tiny", tag: "v1" })).digest}`;
      const bad = await pushModel(modelDir(t.path, 2), client, "bad", { name: "bad", tag: "v1" });
      const layer = bad.artifact.files.find((f) => f.relPath === "model.onnx")!;
      const data = reg.blobDataPath(layer.digest);
      const bytes = readFileSync(data);
      bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x40;
      writeFileSync(data, bytes);
      tamperedRef = `oci://${reg.host}/bad@${bad.digest}`;
    } finally {
      client.close();
    }
  });
  after(async () => {
    await reg?.close();
    t?.remove();
  });

  it("stays not ready saying why while the registry is down, then serves once it is back", async () => {
    await reg.stop();
    const cacheDir = join(t.path, "cache");
    const server = await serve(ref, cacheDir);
    try {
      let body: { error?: string } = {};
      await until(async () => {
        const r = await http(server.url, "GET", "/v2/health/ready");
        body = r.json();
        return r.status === 503 && /cannot reach registry/.test(JSON.stringify(body));
      });
      assert.match(JSON.stringify(body), new RegExp(`cannot reach registry ${reg.host.replace(/\./g, "\\.")}`));
      const model = await http(server.url, "GET", "/v2/models/tiny/ready");
      assert.equal(model.status, 503);
      await reg.start();
      await until(async () => (await http(server.url, "GET", "/v2/health/ready")).status === 200);
      const r = await postJson(server.url, "/v2/models/tiny/infer", infer);
      assert.equal(r.status, 200, r.body.toString());
      assert.deepEqual(r.json().outputs[0].data, [2, 3, 4, 5]);
    } finally {
      await server.close();
    }

    // Cached by digest: a new server starts with the registry gone.
    await reg.stop();
    const again = await serve(ref, cacheDir);
    try {
      await again.loaded;
      assert.equal((await http(again.url, "GET", "/v2/health/ready")).status, 200);
      assert.equal((await postJson(again.url, "/v2/models/tiny/infer", infer)).status, 200);
    } finally {
      await again.close();
      await reg.start();
    }
  });

  it("refuses a model whose blob was tampered with in the registry", async () => {
    const server = await serve(tamperedRef, join(t.path, "cache-bad"));
    try {
      await server.loaded;
      const ready = await http(server.url, "GET", "/v2/health/ready");
      assert.equal(ready.status, 503);
      assert.match(JSON.stringify(ready.json()), /digest mismatch for model\.onnx/);
      const r = await postJson(server.url, "/v2/models/tiny/infer", infer);
      assert.notEqual(r.status, 200);
    } finally {
      await server.close();
    }
  });
});
