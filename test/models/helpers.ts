/** Shared by the model-artifact tests: temp folders and small model directories. */
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
