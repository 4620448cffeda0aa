import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { countByKind, printableResource, renderResources, renderTree, synthesizeLoaded } from "../../engine/index.ts";
import { loadStack, SpecValidationError } from "../../spec/index.ts";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { println } from "../io.ts";

const usage = `usage: modelplane synth --stack <name|path> [--out DIR] [--update] [--json]

Runs the Pulumi program offline under mocks and writes every resource it would create.
  --stack    stack name (stacks/Pulumi.<name>.yaml) or a stack file path
  --out      directory for the manifests (emptied first if an earlier synth wrote it; any other
             non-empty directory is refused); without it nothing is written
  --update   fill computed outputs as after an update (image digests); default is a preview,
             where values only known at deploy time are shown as placeholders
  --json     print the resources and outputs as JSON instead of the tree`;

/** Marks a folder synth wrote, so a later synth may empty it; nothing else is ever emptied. */
export const OUT_MARKER = ".modelplane-synth";

/** `--out` is emptied before writing: only when it is missing, empty, or an earlier synth's output. */
async function prepareOutDir(out: string, given: string): Promise<string> {
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return out;
    if (code === "ENOTDIR") throw new UsageError(`--out ${given}: is a file, not a directory`);
    throw err;
  }
  if (entries.length > 0 && !entries.includes(OUT_MARKER)) {
    throw new UsageError(`--out ${given}: directory is not empty and was not written by modelplane synth; refusing to empty it (choose a new or empty directory)`);
  }
  return out;
}

export const command: Command = {
  name: "synth",
  summary: "run the Pulumi program offline and write Kubernetes manifests",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { stack: { type: "string" }, out: { type: "string" }, update: { type: "boolean" }, json: { type: "boolean" } },
      strict: true,
    });
    if (!values.stack) throw new UsageError(`--stack is required\n${usage}`);
    let loaded;
    try {
      loaded = loadStack(values.stack, { cwd: io.cwd });
    } catch (err) {
      if (err instanceof SpecValidationError) {
        println(io.stderr, err.message);
        return 2;
      }
      throw err;
    }
    // Refused before the (slow) synthesis, so a wrong --out costs nothing.
    const out = values.out ? await prepareOutDir(path.resolve(io.cwd, values.out), values.out) : undefined;
    const result = await synthesizeLoaded(loaded, { preview: !values.update });
    const files = renderResources(result.resources);
    if (out) {
      await rm(out, { recursive: true, force: true });
      await mkdir(out, { recursive: true });
      await writeFile(path.join(out, OUT_MARKER), "written by modelplane synth; the next synth into this folder replaces it\n");
      for (const f of files) {
        const target = path.join(out, f.path);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, f.content);
      }
    }
    if (values.json) {
      // Secrets masked as in the manifests: JSON output ends up in CI logs.
      const resources = result.resources.map(printableResource);
      println(io.stdout, JSON.stringify({ stack: result.stack, preview: result.preview, outputs: result.outputs, resources }, null, 2));
      return 0;
    }
    println(io.stdout, renderTree(result.resources));
    println(io.stdout);
    const counts = countByKind(result.resources);
    const total = counts.reduce((n, [, c]) => n + c, 0);
    println(io.stdout, `${total} resources (${result.preview ? "preview" : "update"}):`);
    for (const [kind, count] of counts) println(io.stdout, `  ${String(count).padStart(4)}  ${kind}`);
    println(io.stdout);
    println(io.stdout, "outputs:");
    for (const [key, value] of Object.entries(result.outputs)) println(io.stdout, `  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
    if (out) println(io.stdout, `\nwrote ${files.length} manifests to ${path.relative(io.cwd, out) || "."}`);
    return 0;
  },
};
