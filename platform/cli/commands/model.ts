import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { println, type CliIO } from "../io.ts";
import { parseArgs } from "node:util";
import { ModelRefError, defaultStoreDir, formatReference, parseReference, type ModelRef } from "../../models/reference.ts";
import { openStore, type StoreOptions } from "../../models/open-store.ts";
import { pushModel } from "../../models/push.ts";
import { fetchModelInfo, moveInto, pullArtifact, stagingDir } from "../../models/pull.ts";
import { listModels } from "../../models/listing.ts";
import { progressBar } from "../../models/progress-bar.ts";
import { InvalidArtifactError } from "../../models/errors.ts";
import { OnnxFormatError } from "../../models/onnx-inspect.ts";
import { layerPath } from "../../models/manifest.ts";

const usage = `usage: modelplane model <subcommand> [options]

  push <file|dir> <ref>   package an ONNX model (or a directory holding one) and push it
  pull <ref> <dir>        pull a model into <dir>, verifying every file's digest
  ls [ref]                list repositories (no ref, or oci://host) or a repository's tags
  inspect <ref>           show a model's digest, signature, files and metadata

references:
  oci://host[:port]/repo[:tag][@sha256:...]   a registry (host/repo also works when host has '.' or ':')
  layout:<dir>[:tag][@sha256:...]             an OCI image-layout folder
  name[:tag][@sha256:...]                     the embedded store (--store, $MODELPLANE_STORE, ~/.modelplane/models)

options:
  --json              machine-readable output
  --name <name>       model name recorded in the artifact (push; default: the repository's last segment)
  --model-version <v> model version recorded in the artifact (push; default: the tag)
  --insecure          plain HTTP to the registry (never the default)
  --ca <file>         extra PEM CA certificates for the registry's TLS
  --username <user>   with --password-stdin; otherwise MODELPLANE_REGISTRY_USERNAME/PASSWORD or docker config.json
  --password-stdin    read the password from standard input
  --store <dir>       embedded store folder

exit codes: 0 ok, 1 the operation failed (unreachable, denied, not found, digest mismatch), 2 bad usage or input`;

const options = {
  json: { type: "boolean" },
  name: { type: "string" },
  "model-version": { type: "string" },
  insecure: { type: "boolean" },
  ca: { type: "string" },
  username: { type: "string" },
  "password-stdin": { type: "boolean" },
  store: { type: "string" },
} as const;

type Flags = { [K in keyof typeof options]?: (typeof options)[K]["type"] extends "boolean" ? boolean : string };

export const command: Command = {
  name: "model",
  summary: "push, pull, list and inspect model artifacts (OCI)",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const flags = values as Flags;
    const [sub, ...args] = positionals;
    const ctx = await context(flags, io);
    try {
      switch (sub) {
        case "push":
          return await push(args, flags, ctx, io);
        case "pull":
          return await pull(args, flags, ctx, io);
        case "ls":
          return await list(args, flags, ctx, io);
        case "inspect":
          return await inspect(args, flags, ctx, io);
        default:
          throw new UsageError(sub ? `unknown subcommand '${sub}' (push, pull, ls, inspect)` : `missing subcommand\n\n${usage}`);
      }
    } catch (err) {
      throw asCliError(err);
    }
  },
};

interface Ctx {
  storeDir: string;
  storeOpts: StoreOptions;
  cwd: string;
}

async function context(flags: Flags, io: CliIO): Promise<Ctx> {
  const storeOpts: StoreOptions = { env: io.env };
  if (flags.insecure) storeOpts.insecure = true;
  if (flags.ca) storeOpts.caFile = resolve(io.cwd, flags.ca);
  if (flags["password-stdin"]) {
    if (!flags.username) throw new UsageError("--password-stdin needs --username");
    storeOpts.credentials = { username: flags.username, password: (await readAll(io.stdin)).replace(/\r?\n$/, "") };
  } else if (flags.username) {
    throw new UsageError("--username needs --password-stdin (passwords never go on the command line)");
  }
  return { storeDir: flags.store ? resolve(io.cwd, flags.store) : defaultStoreDir(io.env), storeOpts, cwd: io.cwd };
}

function ref(text: string | undefined, what: string, ctx: Ctx): ModelRef {
  if (!text) throw new UsageError(`missing ${what}`);
  try {
    return parseReference(text, { storeDir: ctx.storeDir, cwd: ctx.cwd });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function expectArgs(args: string[], n: number, shape: string): void {
  if (args.length > n) throw new UsageError(`too many arguments (model ${shape})`);
}

async function push(args: string[], flags: Flags, ctx: Ctx, io: CliIO): Promise<number> {
  expectArgs(args, 2, "push <file|dir> <ref>");
  const [source, target] = args;
  if (!source) throw new UsageError("missing model file or directory (model push <file|dir> <ref>)");
  const r = ref(target, "target reference (model push <file|dir> <ref>)", ctx);
  if (r.digest) throw new UsageError(`push target '${target}' must name a tag, not a digest (the digest is computed)`);
  const { store, repo } = openStore(r, ctx.storeOpts);
  const bar = progressBar(io.stderr, `pushing ${repo}`, !flags.json);
  try {
    const name = flags.name ?? r.repository.split("/").pop() ?? r.repository;
    const version = flags["model-version"] ?? (r.tag && r.tag !== "latest" ? r.tag : undefined);
    let result;
    try {
      result = await pushModel(resolve(ctx.cwd, source), store, repo, {
        name,
        ...(version ? { version } : {}),
        ...(r.tag ? { tag: r.tag } : {}),
        onProgress: (d, t) => bar.update(d, t),
      });
    } catch (err) {
      // Problems with the local model are bad input (2); the store's failures are not.
      if (err instanceof InvalidArtifactError || err instanceof OnnxFormatError) throw new UsageError(err.message);
      throw err;
    } finally {
      bar.end();
    }
    const pinned = formatReference(r, result.digest);
    const sent = result.artifact.files.filter((f) => result.uploaded.includes(f.digest)).reduce((n, f) => n + f.size, 0);
    if (flags.json) {
      println(io.stdout, JSON.stringify({
        reference: pinned,
        digest: result.digest,
        tag: r.tag ?? null,
        files: result.artifact.files.map((f) => ({ path: f.relPath, digest: f.digest, size: f.size })),
        uploaded: result.uploaded,
        skipped: result.skipped,
        config: result.artifact.config,
      }, null, 2));
    } else {
      println(io.stderr, `pushed ${result.artifact.files.length} file(s): ${result.uploaded.length} blob(s) sent (${mb(sent)} MB), ${result.skipped.length} already there`);
      println(io.stdout, pinned);
    }
    return 0;
  } finally {
    store.close();
  }
}

async function pull(args: string[], flags: Flags, ctx: Ctx, io: CliIO): Promise<number> {
  expectArgs(args, 2, "pull <ref> <dir>");
  const r = ref(args[0], "reference (model pull <ref> <dir>)", ctx);
  if (!args[1]) throw new UsageError("missing target directory (model pull <ref> <dir>)");
  const target = resolve(ctx.cwd, args[1]);
  const { store, repo } = openStore(r, ctx.storeOpts);
  const bar = progressBar(io.stderr, `pulling ${repo}`, !flags.json);
  try {
    await mkdir(target, { recursive: true });
    const staging = stagingDir(target);
    const pulled = await pullArtifact(store, repo, r.digest ?? r.tag ?? "latest", staging, { onProgress: (d, t) => bar.update(d, t) });
    await moveInto(staging, pulled.files, target);
    const pinned = formatReference(r, pulled.digest);
    if (flags.json) {
      println(io.stdout, JSON.stringify({ reference: pinned, digest: pulled.digest, directory: target, files: pulled.files }, null, 2));
    } else {
      println(io.stderr, `pulled ${pulled.files.length} file(s) into ${target}, all digests verified`);
      println(io.stdout, pinned);
    }
    return 0;
  } finally {
    bar.end();
    store.close();
  }
}

async function list(args: string[], flags: Flags, ctx: Ctx, io: CliIO): Promise<number> {
  expectArgs(args, 1, "ls [ref]");
  const listing = await listModels(args[0], { storeDir: ctx.storeDir, cwd: ctx.cwd, store: ctx.storeOpts });
  if (flags.json) println(io.stdout, JSON.stringify({ [listing.kind]: listing.items, location: listing.location }, null, 2));
  else for (const i of listing.items) println(io.stdout, i);
  return 0;
}

async function inspect(args: string[], flags: Flags, ctx: Ctx, io: CliIO): Promise<number> {
  expectArgs(args, 1, "inspect <ref>");
  const r = ref(args[0], "reference (model inspect <ref>)", ctx);
  const { store, repo } = openStore(r, ctx.storeOpts);
  try {
    const info = await fetchModelInfo(store, repo, r.digest ?? r.tag ?? "latest");
    const pinned = formatReference(r, info.digest);
    if (flags.json) {
      println(io.stdout, JSON.stringify({ reference: pinned, digest: info.digest, manifest: info.manifest, config: info.config }, null, 2));
      return 0;
    }
    const d = info.config.descriptor ?? {};
    const mp = info.config.modelplane;
    const sig = (t: { name: string; dtype: string; shape: unknown }) => `  ${t.name}: ${t.dtype} [${(Array.isArray(t.shape) ? t.shape : []).map((x) => x ?? "?").join(", ")}]`;
    const lines = [
      `reference: ${pinned}`,
      `name:      ${d.name ?? "-"}`,
      `version:   ${d.version ?? "-"}`,
      `format:    ${info.config.config?.format ?? "-"}`,
      `created:   ${d.createdAt ?? "-"}`,
      `size:      ${info.manifest.layers.reduce((n, l) => n + l.size, 0)} bytes`,
    ];
    // The config is whatever the pusher wrote: show what is there rather than trip over what is not.
    const tensors = (x: unknown) => (Array.isArray(x) ? x.filter((t) => t && typeof t === "object").map(sig) : []);
    if (mp) lines.push(`model:     ${mp.modelFile}`, "inputs:", ...tensors(mp.inputs), "outputs:", ...tensors(mp.outputs));
    lines.push("files:", ...info.manifest.layers.map((l) => `  ${layerPath(l)}  ${l.size} bytes  ${l.digest}`));
    println(io.stdout, lines.join("\n"));
    return 0;
  } finally {
    store.close();
  }
}

/** Known failures become one-line messages: 2 for bad input, 1 for everything the store said no to. */
function asCliError(err: unknown): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof ModelRefError) return new UsageError(err.message);
  const e = err as (Error & { code?: string }) | null;
  if (!e || typeof e !== "object") return err;
  const known = ["RegistryUnreachableError", "RegistryError", "AuthenticationError", "NotFoundError", "DigestMismatchError",
    "SizeMismatchError", "InvalidArtifactError", "OnnxFormatError", "AbortError"];
  if (known.includes(e.name)) return new CliError(e.message, 1);
  if (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) return new CliError(e.message, 1); // fs: EACCES, ENOSPC, ...
  if (e.message?.startsWith("cannot read CA file")) return new UsageError(e.message);
  return err;
}

function mb(n: number): string {
  return (n / 1e6).toFixed(1);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = "";
  for await (const chunk of stream) s += chunk.toString();
  return s;
}

