/**
 * The server as a process: SIGTERM during steady load makes it not ready, lets every accepted request
 * finish, and exits 0. Also `modelplane serve`, in-process for its errors and spawned for real.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { mlp, seededFloats, writeModel } from "../fixtures/onnx/build.ts";
import { main } from "../../platform/cli/main.ts";
import { memoryIO } from "../helpers/cli-io.ts";
import { http, postJson, tempDir } from "./helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dir = tempDir();
const modelFile = writeModel(dir.path, "mlp", "1", mlp());
after(() => dir.remove());

/** Spawns a server and resolves with its URL once it logged "listening" and reports ready. */
async function spawnServer(args: string[]): Promise<{ child: ChildProcess; url: string; exit: Promise<number | null>; logs: string[] }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let buffered = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        logs.push(line);
        try {
          const doc = JSON.parse(line);
          if (doc.msg === "listening") resolve(doc.url);
        } catch {
          /* not a log line */
        }
      }
    });
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
    void exit.then((code) => reject(new Error(`server exited (${code}) before listening:\n${logs.join("\n")}`)));
  });
  for (;;) {
    if ((await http(url, "GET", "/v2/health/ready")).status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url, exit, logs };
}

/**
 * Steady load from 8 keep-alive clients that behave like a load balancer: they stop sending on a
 * connection the server marked `Connection: close` (it does so while draining) or when connections
 * are refused. Any other error or non-200 answer is a failed request.
 */
async function sigtermUnderLoad(drainDelayMs: number): Promise<{ failures: string[]; servedWhileDraining: number; notReady: boolean; code: number | null; logs: string[] }> {
  const { child, url, exit, logs } = await spawnServer(["--import", "tsx", "services/inference/main.ts", "--port", "0", "--model-repository", dir.path, "--drain-delay-ms", String(drainDelayMs), "--max-queue-delay-ms", "1"]);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const body = JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 8], data: Array.from(seededFloats(8, 3)) }] });
  let ok = 0;
  let servedWhileDraining = 0;
  const failures: string[] = [];
  const one = (): Promise<"more" | "stop"> =>
    new Promise((resolve) => {
      const req = request(`${url}/v2/models/mlp/infer`, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const closing = res.headers.connection === "close";
          if (res.statusCode === 200) {
            ok++;
            if (closing) servedWhileDraining++;
          } else failures.push(`${res.statusCode} ${Buffer.concat(chunks).toString()}`);
          resolve(closing ? "stop" : "more");
        });
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "ECONNREFUSED") failures.push(`${err.code}: ${err.message}`);
        resolve("stop");
      });
      req.end(body);
    });
  const clients = Array.from({ length: 8 }, async () => {
    while ((await one()) === "more");
  });
  while (ok < 200) await new Promise((r) => setTimeout(r, 20));
  child.kill("SIGTERM");
  let notReady = false;
  if (drainDelayMs > 0) {
    // Poll until readiness turns 503; a refused connection means the delay passed unobserved (a failure).
    for (;;) {
      const status = (await http(url, "GET", "/v2/health/ready").catch(() => undefined))?.status;
      if (status === undefined || status === 503) {
        notReady = status === 503;
        break;
      }
    }
  }
  const code = await exit;
  await Promise.all(clients);
  agent.destroy();
  return { failures, servedWhileDraining, notReady, code, logs };
}

test("SIGTERM under steady load: not ready during the drain delay, no request fails, exit 0", async () => {
  const r = await sigtermUnderLoad(1500);
  assert.ok(r.notReady, "readiness turned 503 after SIGTERM");
  assert.deepEqual(r.failures, []);
  assert.ok(r.servedWhileDraining > 0, "requests were still served while draining");
  assert.equal(r.code, 0, r.logs.slice(-5).join("\n"));
  assert.ok(r.logs.some((l) => l.includes('"drained"') && l.includes('"clean":true')));
});

test("SIGTERM under steady load without a drain delay: in-flight requests finish, exit 0", async () => {
  const r = await sigtermUnderLoad(0);
  assert.deepEqual(r.failures, []);
  assert.equal(r.code, 0, r.logs.slice(-5).join("\n"));
});


const usageErrors: { name: string; argv: string[]; pattern: RegExp; env?: NodeJS.ProcessEnv }[] = [
  { name: "nothing to serve", argv: ["serve"], pattern: /nothing to serve/ },
  { name: "a model path that does not exist", argv: ["serve", "--model", "m=/no/such/model.onnx"], pattern: /--model m: no such file/ },
  { name: "a malformed --model", argv: ["serve", "--model", "model.onnx"], pattern: /NAME=PATH/ },
  { name: "a port that is not a number", argv: ["serve", "--model", `m=${modelFile}`, "--port", "http"], pattern: /--port: expected an integer/ },
  { name: "an unknown flag", argv: ["serve", "--model", `m=${modelFile}`, "--gpus", "2"], pattern: /Unknown option '--gpus'/ },
  { name: "an environment variable with a bad value", argv: ["serve", "--model", `m=${modelFile}`], pattern: /MODELPLANE_MAX_BATCH_SIZE: expected an integer/, env: { MODELPLANE_MAX_BATCH_SIZE: "lots" } },
  { name: "cuda without the provider", argv: ["serve", "--model", `m=${modelFile}`, "--execution-provider", "cuda"], pattern: /CUDA execution provider is not installed/ },
];

for (const c of usageErrors) {
  test(`modelplane serve: ${c.name} exits 2 with a one-line message`, async () => {
    const io = memoryIO({ cwd: ROOT, env: c.env });
    const code = await main(c.argv, io.io);
    assert.equal(code, 2, io.err());
    assert.match(io.err(), c.pattern);
    assert.equal(io.err().trim().split("\n").length, 1, io.err());
  });
}

test("modelplane serve --help lists the flags and their environment variables", async () => {
  const io = memoryIO({ cwd: ROOT });
  assert.equal(await main(["serve", "--help"], io.io), 0);
  assert.match(io.out(), /--model-repository/);
  assert.match(io.out(), /MODELPLANE_PORT/);
});

test("modelplane serve, spawned: serves a model named on the command line, exits 0 on SIGTERM", async () => {
  const { child, url, exit } = await spawnServer(["bin/modelplane.js", "serve", "--model", `classifier=${modelFile}`, "--port", "0"]);
  const res = await postJson(url, "/v2/models/classifier/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [1, 8], data: Array.from(seededFloats(8, 4)) }] });
  assert.equal(res.status, 200);
  assert.equal(res.json().model_version, "1");
  child.kill("SIGTERM");
  assert.equal(await exit, 0);
});
