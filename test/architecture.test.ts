/**
 * The layering rules of the design, checked on the source: a dependency that crosses a boundary fails here
 * before it becomes a habit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith(".ts")) out.push(rel);
  }
  return out;
}

/** Module specifiers a file imports (static, dynamic, re-exports), resolved to repository paths when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*|import\s+)["']([^"']+)["']|new URL\(\s*["'](\.[^"']+)["']/g)].map((m) => (m[1] ?? m[2])!);
  return specs.map((s) => (s.startsWith(".") ? path.normalize(path.join(path.dirname(file), s)) : s));
}

function violations(dirs: string[], forbidden: (spec: string) => boolean): string[] {
  return dirs.flatMap(sources).flatMap((f) => importsOf(f).filter(forbidden).map((s) => `${f} imports ${s}`));
}

test("policies judge resources wherever they came from: they never import components", () => {
  assert.deepEqual(violations(["policies"], (s) => s.startsWith("components/") || s === "components"), []);
});

test("the server and the artifact client never import Pulumi", () => {
  assert.deepEqual(violations(["services", "platform/models"], (s) => s.startsWith("@pulumi/")), []);
});

test("the spec knows nothing of Pulumi resources, and the artifact client nothing of the server", () => {
  assert.deepEqual(violations(["platform/spec"], (s) => s.startsWith("@pulumi/") || s.startsWith("components/")), []);
  assert.deepEqual(violations(["platform/models"], (s) => s.startsWith("services/")), []);
});

test("components never read Pulumi config: they take typed args", () => {
  const readers = sources("components").filter((f) => /\bpulumi\.Config\b|new Config\(/.test(readFileSync(path.join(ROOT, f), "utf8")));
  assert.deepEqual(readers, []);
});
