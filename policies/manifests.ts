/**
 * Plain Kubernetes YAML in: files, folders (every .yaml/.yml/.json below, in name order) or stdin (`-`).
 * Multi-document files and `List` objects (what `kubectl get -o yaml` and Helm produce) are flattened; empty
 * documents are skipped. Every object remembers its file and line so reports can point at it, and every
 * problem is a ManifestError naming file:line.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from "yaml";
import { DESCRIPTOR_DIR } from "../platform/engine/types.ts";
import type { KubeObject } from "./rule.ts";

export interface ManifestSource {
  file: string;
  line: number;
}

export interface LoadedManifest {
  object: KubeObject;
  source: ManifestSource;
}

export class ManifestError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = "ManifestError";
  }
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

export function parseManifests(text: string, file: string): LoadedManifest[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const out: LoadedManifest[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const err = doc.errors[0];
    if (err) throw new ManifestError(file, err.linePos?.[0]?.line ?? 1, err.message.split("\n")[0] ?? "invalid YAML");
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    const node = doc.contents as Node | null;
    const line = lineAt(node?.range?.[0]);
    if (isListObject(value)) {
      const itemsNode = isMap(node) ? node.get("items", true) : undefined;
      const itemNodes = isSeq(itemsNode) ? itemsNode.items : [];
      (value.items as unknown[]).forEach((item, i) => {
        const itemLine = lineAt((itemNodes[i] as Node | undefined)?.range?.[0] ?? node?.range?.[0]);
        if (item === null || item === undefined) return;
        out.push({ object: asKubeObject(item, file, itemLine), source: { file, line: itemLine } });
      });
      continue;
    }
    out.push({ object: asKubeObject(value, file, line), source: { file, line } });
  }
  return out;
}

/** `kind: List` or any `*List` kind (`DeploymentList`) carrying `items`. */
function isListObject(value: unknown): value is { kind: string; items: unknown[] } {
  const v = value as { kind?: unknown; items?: unknown };
  return typeof v === "object" && typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items);
}

function asKubeObject(value: unknown, file: string, line: number): KubeObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ManifestError(file, line, "document is not a Kubernetes object (expected a mapping)");
  }
  const v = value as Record<string, unknown>;
  if (typeof v.apiVersion !== "string" || !v.apiVersion) throw new ManifestError(file, line, "apiVersion: missing");
  if (typeof v.kind !== "string" || !v.kind) throw new ManifestError(file, line, "kind: missing");
  if (v.metadata !== undefined && (v.metadata === null || typeof v.metadata !== "object" || Array.isArray(v.metadata))) {
    throw new ManifestError(file, line, "metadata: must be a mapping");
  }
  return v as KubeObject;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      // `modelplane synth` puts descriptors of non-Kubernetes resources (Helm releases, image builds) there.
      if (e.name === DESCRIPTOR_DIR || e.name.startsWith(".")) continue;
      out.push(...(await filesUnder(p)));
    }
    else if (EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export interface ReadOptions {
  cwd?: string;
  stdin?: NodeJS.ReadableStream;
}

/** Reads one target: a file, a folder, or `-` for stdin. Paths in sources are as the user wrote them. */
export async function readManifests(target: string, opts: ReadOptions = {}): Promise<LoadedManifest[]> {
  if (target === "-") {
    if (!opts.stdin) throw new ManifestError("<stdin>", 1, "no standard input to read");
    return parseManifests(await readStream(opts.stdin), "<stdin>");
  }
  const abs = path.resolve(opts.cwd ?? process.cwd(), target);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new ManifestError(target, 0, "no such file or directory");
  }
  const files = info.isDirectory() ? await filesUnder(abs) : [abs];
  const out: LoadedManifest[] = [];
  for (const file of files) {
    const shown = path.join(target, path.relative(abs, file)) || target;
    out.push(...parseManifests(await readFile(file, "utf8"), info.isDirectory() ? shown : target));
  }
  return out;
}
