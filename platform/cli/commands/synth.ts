import { mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { countByKind, renderResources, renderTree, synthesizeLoaded } from "../../engine/index.ts";
import { loadStack, SpecValidationError } from "../../spec/index.ts";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { println } from "../io.ts";

const usage = `usage: modelplane synth --stack <name|path> [--out DIR] [--update] [--json]

Runs the Pulumi program offline under mocks and writes every resource it would create.
  --stack    stack name (stacks/Pulumi.<name>.yaml) or a stack file path
  --out      directory for the manifests (emptied first); without it nothing is written
  --update   fill computed outputs as after an update (image digests); default is a preview,
             where values only known at deploy time are shown as placeholders
  --json     print the resources and outputs as JSON instead of the tree`;

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
    const result = await synthesizeLoaded(loaded, { preview: !values.update });
    const files = renderResources(result.resources);
    if (values.out) {
      const out = path.resolve(io.cwd, values.out);
      await rm(out, { recursive: true, force: true });
      for (const f of files) {
        const target = path.join(out, f.path);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, f.content);
      }
    }
    if (values.json) {
      println(io.stdout, JSON.stringify({ stack: result.stack, preview: result.preview, outputs: result.outputs, resources: result.resources }, null, 2));
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
    if (values.out) println(io.stdout, `\nwrote ${files.length} manifests to ${path.relative(io.cwd, path.resolve(io.cwd, values.out)) || "."}`);
    return 0;
  },
};
