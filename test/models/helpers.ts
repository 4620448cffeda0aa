/** Shared by the model-artifact tests: temp folders and small model directories. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { writeTinyModel } from "./fixtures.ts";

export function tempDir(prefix = "mp-models-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A model directory: model.onnx plus side files, one of them nested. */
export function modelDir(root: string, seed = 1): string {
  const dir = join(root, `model-${seed}`);
  mkdirSync(join(dir, "tokenizer"), { recursive: true });
  writeTinyModel(join(dir, "model.onnx"), 4, seed);
  writeFileSync(join(dir, "labels.txt"), `cat\ndog\nseed ${seed}\n`);
  writeFileSync(join(dir, "tokenizer", "vocab.json"), JSON.stringify({ a: 1, b: seed }));
  return dir;
}

/** Every file under `dir`, relative, sorted (hidden staging folders included, so leftovers show). */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * A pass-through HTTP proxy in front of a registry that records every request line, so a
 * test can assert what actually went over the wire (not what the client believes it sent).
 * The Host header is kept: the registry's upload Location URLs then point back at the proxy.
 */
export async function recordingProxy(target: string): Promise<{ host: string; requests: { method: string; path: string }[]; close: () => Promise<void> }> {
  const requests: { method: string; path: string }[] = [];
  const [targetHost, targetPort] = target.split(":");
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "" });
    const upstream = http.request({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
