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
 * The three servers run side by side (idle while another is measured) and are measured in interleaved
 * rounds; figures are medians over the rounds, ratios the medians of each round's ratio.
 *
 *   node --import tsx bench/serve/run.ts [--duration 5] [--rounds 3] [--connections 32] [--threads 1] [--hidden 64]
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

const { values } = parseArgs({ options: { duration: { type: "string", default: "5" }, connections: { type: "string", default: "32" }, threads: { type: "string", default: "1" }, hidden: { type: "string", default: "64" }, rounds: { type: "string", default: "3" } } });
const rounds = Math.max(1, Number(values.rounds));
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

interface Running { name: string; child: ChildProcess; url: string; path: string }

const launched: Running[] = [];

async function launch(name: string, args: string[], path: string, ready: boolean): Promise<Running> {
  const { child, url } = await startServer(args);
  const s = { name, child, url, path };
  launched.push(s);
  if (ready) await waitReady(url);
  return s;
}

/** Idempotent: every launched server is stopped again at the end, whatever failed. */
async function stop(s: Running): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once("exit", r));
  s.child.kill("SIGTERM");
  await exited;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function summarise(name: string, runs: Result[]): Result {
  const r = { rps: median(runs.map((x) => x.rps)), p50ms: median(runs.map((x) => x.p50ms)), p99ms: median(runs.map((x) => x.p99ms)), errors: runs.reduce((n, x) => n + x.errors, 0) };
  console.log(`${name.padEnd(8)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50ms.toFixed(2)} ms   p99 ${r.p99ms.toFixed(2)} ms   errors ${r.errors}   (median of ${runs.length}: ${runs.map((x) => x.rps.toFixed(0)).join(", ")})`);
  return r;
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

console.log(`bench/serve: MLP 8→${hidden}→3, batch-1 JSON requests, wrk -t${threads} -c${connections} -d${duration}s × ${rounds} interleaved rounds, ${(await import("node:os")).cpus().length} CPUs, load ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}`);
const oursArgs = ["--import", "tsx", "services/inference/main.ts", "--port", "0", "--model", `mlp=${modelFile}`, "--max-batch-size", "32"];
try {
  const ours = await launch("ours", oursArgs, "/v2/models/mlp/infer", true);
  // The ceiling answers with exactly the bytes ours answers (body and x-request-id length): same work on the wire.
  const sample = await fetch(ours.url + ours.path, { method: "POST", headers: { "content-type": "application/json" }, body });
  const reply = await sample.text();
  const ceiling = await launch("ceiling", ["--import", "tsx", "bench/serve/hello.ts", reply, String(sample.headers.get("x-request-id")?.length ?? 0)], "/", false);
  const naive = await launch("naive", ["--import", "tsx", "bench/serve/naive.ts", modelFile], "/", false);
  const servers = [ceiling, ours, naive];
  const runs = new Map<Running, Result[]>(servers.map((s) => [s, []]));
  const ratios: { ceiling: number[]; naive: number[] } = { ceiling: [], naive: [] };
  for (const s of servers) wrk(s.url + s.path, connections, 2); // warm-up: JIT, connection setup, worker wake-ups
  // Rounds interleave the three servers so drifting machine load hits them alike; each round's ratios pair
  // measurements taken seconds apart, and the medians damp outliers.
  for (let i = 0; i < rounds; i++) {
    const round = servers.map((s) => wrk(s.url + s.path, connections, duration));
    round.forEach((r, j) => runs.get(servers[j]!)!.push(r));
    ratios.ceiling.push(round[1]!.rps / round[0]!.rps);
    ratios.naive.push(round[1]!.rps / round[2]!.rps);
  }
  summarise("ceiling", runs.get(ceiling)!);
  const peak = summarise("ours", runs.get(ours)!);
  summarise("naive", runs.get(naive)!);
  await Promise.all([stop(ceiling), stop(naive)]);
  await inProcess();
  console.log(`ratio ours/ceiling ${median(ratios.ceiling).toFixed(2)} (aim >= 0.8; rounds ${ratios.ceiling.map((r) => r.toFixed(2)).join(", ")})   ours/naive ${median(ratios.naive).toFixed(2)} (aim >= 2.5; rounds ${ratios.naive.map((r) => r.toFixed(2)).join(", ")})`);

  // p99 at about half of peak: try a few connection counts, keep the one whose rate is nearest half of ours.
  let best: (Result & { conns: number }) | undefined;
  for (const conns of [1, 2, 4, 8]) {
    const r = { ...wrk(ours.url + ours.path, conns, Math.max(3, Math.round(duration / 2))), conns };
    if (!best || Math.abs(r.rps - peak.rps / 2) < Math.abs(best.rps - peak.rps / 2)) best = r;
  }
  console.log(`half-peak (-c${best!.conns}: ${best!.rps.toFixed(0)} req/s, ${(best!.rps / peak.rps * 100).toFixed(0)}% of peak)   p50 ${best!.p50ms.toFixed(2)} ms   p99 ${best!.p99ms.toFixed(2)} ms (aim < 5 ms)`);
} finally {
  await Promise.all(launched.map(stop));
  rmSync(work, { recursive: true, force: true });
}
