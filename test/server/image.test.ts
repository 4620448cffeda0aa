/**
 * No Docker engine runs here, so the server image is checked statically: everything the container's entry
 * point imports at run time is installed or copied by the Dockerfile, and its runtime settings are ones the
 * server understands.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseServerArgs } from "../../services/inference/config.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dockerfile = readFileSync(path.join(ROOT, "services/inference/Dockerfile"), "utf8");

/** Bare packages and repository files reachable from `entry` through static and dynamic imports. */
function importClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, "utf8");
    // Static imports (not type-only), dynamic imports of literals, and modules loaded by URL
    // (`new URL("./worker.ts", import.meta.url)`: worker threads and lazily imported modules).
    const imports = /(?:^|[^.\w])(?:import|export)\s(?!type\s)[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|new URL\(\s*["'](\.[^"']+)["']\s*,\s*import\.meta\.url\s*\)/gm;
    for (const m of source.matchAll(imports)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith("node:")) continue;
      if (spec.startsWith(".")) pending.push(path.resolve(path.dirname(file), spec));
      else packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    }
  }
  return { files, packages };
}

test("the image installs every package and copies every file the server imports", () => {
  const entry = /ENTRYPOINT \[.*"(services\/inference\/[^"]+)"\]/.exec(dockerfile)?.[1];
  assert.ok(entry, "ENTRYPOINT runs a file under services/inference");
  const { files, packages } = importClosure(path.join(ROOT, entry));
  assert.ok([...files].some((f) => f.endsWith("services/inference/worker.ts")), "the worker thread's module is followed");
  assert.ok([...files].some((f) => f.endsWith("platform/models/source.ts")), "remote model pulls are followed");
  const kept = JSON.parse(/const keep = (\[[^\]]*\])/.exec(dockerfile)![1]!.replace(/'/g, '"')) as string[];
  for (const pkg of packages) assert.ok(kept.includes(pkg), `${pkg} is imported at run time but not installed in the image`);
  assert.ok(kept.includes("tsx"), "the entry point runs through tsx");
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm)].map((m) => m[1]!).filter((p) => !p.endsWith(".json"));
  for (const src of copied) assert.ok(existsSync(path.join(ROOT, src)), `COPY source ${src} exists`);
  // Files the dependency stage writes into the app folder (its package.json, read for the server version).
  copied.push(...[...dockerfile.matchAll(/^COPY --from=\S+ \S+ \.\/(\S+)$/gm)].map((m) => m[1]!));
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    assert.ok(copied.some((c) => rel === c || rel.startsWith(c.replace(/\/?$/, "/"))), `${rel} is imported but not copied into the image`);
  }
});

test("the image runs as a numeric non-root user, in both execution-provider variants", () => {
  const user = /^USER (\d+)(?::(\d+))?$/m.exec(dockerfile);
  assert.ok(user && Number(user[1]) > 0, "USER is a non-root UID");
  assert.match(dockerfile, /^ARG EXECUTION_PROVIDER=cpu$/m);
  assert.match(dockerfile, /^FROM \S+ AS runtime-cpu$/m);
  assert.match(dockerfile, /^FROM \S+ AS runtime-cuda$/m);
  assert.match(dockerfile, /^FROM runtime-\$\{EXECUTION_PROVIDER\}$/m);
});

test("the environment the image sets is configuration the server accepts", () => {
  const envBlock = /^ENV ((?:.*\\\n)*.*)$/m.exec(dockerfile)![1]!;
  const env = Object.fromEntries([...envBlock.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const config = parseServerArgs(["--model=m=/models/m.onnx"], env);
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.port, 8080);
  assert.equal(config.cacheDir, env["MODELPLANE_CACHE_DIR"]);
  assert.equal(config.drainDelayMs, Number(env["MODELPLANE_DRAIN_DELAY_MS"]));
  const known = readFileSync(path.join(ROOT, "services/inference/config.ts"), "utf8");
  for (const key of Object.keys(env).filter((k) => k.startsWith("MODELPLANE_"))) {
    assert.ok(known.includes(`env: "${key}"`), `${key} is an environment variable the server reads`);
  }
});
