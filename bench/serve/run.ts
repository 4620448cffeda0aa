/**
 * bench/serve: batch-1 requests to a small MLP, measured with wrk in one run against
 *   ceiling  a hello-world Node HTTP server (same port setup, same request),
 *   ours     services/inference (batching on: max batch 32, no queue delay),
 *   naive    a server calling session.run per request on its event loop,
 *   inproc   session.run in a loop in this process (no HTTP at all).
 * Prints requests/s, p50/p99 and the ratios ours/ceiling and ours/naive, then p99 of ours at about
 * half its peak (wrk has no fixed-rate mode, so the connection count whose rate is nearest half of
 * peak stands in for it).
 *
 *   node --import tsx bench/serve/run.ts [--duration 8] [--connections 32] [--threads 1] [--hidden 64]
 * (--hidden widens the MLP: with more compute per request the naive server blocks its event loop.)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import ort from "onnxruntime-node";
import { mlp, seededFloats } from "../../test/fixtures/onnx/build.ts";

const { values } = parseArgs({ options: { duration: { type: "string", default: "8" }, connections: { type: "string", default: "32" }, threads: { type: "string", default: "1" }, hidden: { type: "string", default: "64" } } });
const duration = Number(values.duration);
const connections = Number(values.connections);
const threads = Number(values.threads);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "bench-serve-"));
const modelFile = join(work, "mlp.onnx");
const hidden = Number(values.hidden);
writeFileSync(modelFile, mlp(hidden));
const x = Array.from(seededFloats(8, 42));
const body = JSON.stringify({ inputs: [{ name: "x", datatype: "FP32", shape: [1, 8], data: x }] });
const script = join(work, "post.lua");
writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`);

interface Result { rps: number; p50ms: number; p99ms: number; errors: number }

function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (c: Buffer) => {
      buf += c.toString();
      const m = /"msg":"listening".*?"url":"([^"]+)"|"url":"([^"]+)".*?"msg":"listening"/.exec(buf);
      if (m) resolve({ child, url: (m[1] ?? m[2])! });
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}`)));
  });
}

async function waitReady(url: string): Promise<void> {
  for (;;) {
    const ok = await fetch(`${url}/v2/health/ready`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function toMs(v: string, unit: string): number {
  return Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!;
}

function wrk(url: string, conns: number, seconds: number): Result {
  const out = spawnSync("wrk", ["-t", String(Math.min(threads, conns)), "-c", String(conns), "-d", `${seconds}s`, "--latency", "-s", script, url], { encoding: "utf8" }).stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p = (q: string): number => {
    const m = new RegExp(`\\s${q}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (sockErr ? sockErr.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return { rps, p50ms: p("50"), p99ms: p("99"), errors };
}

async function measure(name: string, args: string[], path: string, ready: boolean): Promise<Result> {
  const { child, url } = await startServer(args);
  try {
    if (ready) await waitReady(url);
    wrk(url + path, connections, 2); // warm-up: JIT, connection setup
    const r = wrk(url + path, connections, duration);
    console.log(`${name.padEnd(8)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50ms.toFixed(2)} ms   p99 ${r.p99ms.toFixed(2)} ms   errors ${r.errors}`);
    return r;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

async function inProcess(): Promise<Result> {
  const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1 });
  const data = Float32Array.from(x);
  const lat: number[] = [];
  const end = performance.now() + duration * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    await session.run({ x: new ort.Tensor("float32", data, [1, 8]) });
    lat.push(performance.now() - t);
  }
  await session.release();
  lat.sort((a, b) => a - b);
  const r = { rps: lat.length / duration, p50ms: lat[Math.floor(lat.length * 0.5)]!, p99ms: lat[Math.floor(lat.length * 0.99)]!, errors: 0 };
  console.log(`${"inproc".padEnd(8)} ${r.rps.toFixed(0).padStart(8)} run/s   p50 ${r.p50ms.toFixed(3)} ms   p99 ${r.p99ms.toFixed(3)} ms`);
  return r;
}

console.log(`bench/serve: MLP 8→${hidden}→3, batch-1 JSON requests, wrk -t${threads} -c${connections} -d${duration}s, ${(await import("node:os")).cpus().length} CPUs`);
const ceiling = await measure("ceiling", ["--import", "tsx", "bench/serve/hello.ts"], "/", false);
const oursArgs = ["--import", "tsx", "services/inference/main.ts", "--port", "0", "--model", `mlp=${modelFile}`, "--max-batch-size", "32"];
const ours = await measure("ours", oursArgs, "/v2/models/mlp/infer", true);
const naive = await measure("naive", ["--import", "tsx", "bench/serve/naive.ts", modelFile], "/", false);
await inProcess();
console.log(`ratio ours/ceiling ${(ours.rps / ceiling.rps).toFixed(2)} (aim >= 0.8)   ours/naive ${(naive.rps ? ours.rps / naive.rps : NaN).toFixed(2)} (aim >= 2.5)`);

// p99 at about half of peak: try a few connection counts, keep the one whose rate is nearest half of ours.
const { child, url } = await startServer(oursArgs);
try {
  await waitReady(url);
  let best: (Result & { conns: number }) | undefined;
  for (const conns of [1, 2, 4, 8]) {
    const r = { ...wrk(`${url}/v2/models/mlp/infer`, conns, Math.max(3, Math.round(duration / 2))), conns };
    if (!best || Math.abs(r.rps - ours.rps / 2) < Math.abs(best.rps - ours.rps / 2)) best = r;
  }
  console.log(`half-peak (-c${best!.conns}: ${best!.rps.toFixed(0)} req/s, ${(best!.rps / ours.rps * 100).toFixed(0)}% of peak)   p50 ${best!.p50ms.toFixed(2)} ms   p99 ${best!.p99ms.toFixed(2)} ms (aim < 5 ms)`);
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(work, { recursive: true, force: true });
}
