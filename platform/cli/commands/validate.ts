import { parseArgs } from "node:util";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { println } from "../io.ts";
import { displayFile, loadStack, SpecValidationError } from "../../spec/index.ts";

const usage = `usage: modelplane validate --stack <name|path> [--json]

Checks a stack file: YAML syntax, the platform schema (platform/spec/platform.schema.json), per-environment
defaults and the semantic rules. Prints every problem as file:line:col path: message.

  --stack <name|path>  a stack name (stacks/Pulumi.<name>.yaml) or a stack file
  --json               print the result as JSON on stdout

exit status: 0 valid, 2 invalid (or bad usage)`;

export const command: Command = {
  name: "validate",
  summary: "validate a stack file against the platform schema",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { stack: { type: "string", short: "s" }, json: { type: "boolean", default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n${usage}`);
    if (!values.stack) throw new UsageError(`--stack is required\n${usage}`);
    try {
      const loaded = loadStack(values.stack, { cwd: io.cwd });
      const file = displayFile(loaded.file, io.cwd);
      const n = loaded.spec.models.length;
      if (values.json) {
        println(io.stdout, JSON.stringify({ ok: true, file, stack: loaded.stack, environment: loaded.spec.environment, models: n, secretPaths: loaded.secretPaths, spec: loaded.spec }, null, 2));
      } else {
        println(io.stdout, `ok: ${file} (${loaded.spec.environment}, ${n} ${n === 1 ? "model" : "models"})`);
      }
      return 0;
    } catch (err) {
      if (!(err instanceof SpecValidationError)) throw err;
      if (values.json) {
        const errors = err.errors.map((e) => ({ ...e, file: e.file === undefined ? undefined : displayFile(e.file, io.cwd) }));
        println(io.stdout, JSON.stringify({ ok: false, errors }, null, 2));
      } else {
        for (const line of err.format(io.cwd)) println(io.stderr, line);
      }
      return 2;
    }
  },
};
