import { parseArgs } from "node:util";
import type { Command } from "./command.ts";
import { ArgumentError } from "../../components/errors.ts";
import { CliError } from "./errors.ts";
import { processIO, println, type CliIO } from "./io.ts";

/**
 * Sub-commands load lazily so `modelplane validate` never pays for onnxruntime
 * and `modelplane serve` never pays for Pulumi.
 */
const commands: Record<string, () => Promise<Command>> = {
  validate: async () => (await import("./commands/validate.ts")).command,
  synth: async () => (await import("./commands/synth.ts")).command,
  check: async () => (await import("./commands/check.ts")).command,
  model: async () => (await import("./commands/model.ts")).command,
  serve: async () => (await import("./commands/serve.ts")).command,
};

const summaries: Record<string, string> = {
  validate: "validate a stack file against the platform schema",
  synth: "run the Pulumi program offline and write Kubernetes manifests",
  check: "check a stack or plain manifests against the policy pack",
  model: "push, pull, list and inspect model artifacts (OCI)",
  serve: "serve ONNX models over the Open Inference Protocol",
};

function help(): string {
  const lines = ["usage: modelplane <command> [options]", "", "commands:"];
  for (const name of Object.keys(commands)) lines.push(`  ${name.padEnd(10)} ${summaries[name] ?? ""}`);
  lines.push("", "Run `modelplane <command> --help` for a command's options.");
  return lines.join("\n");
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    println(name ? io.stdout : io.stderr, help());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    println(io.stderr, `modelplane: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    println(io.stdout, command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return reportError(err, name, io);
  }
}

function reportError(err: unknown, name: string, io: CliIO): number {
  if (err instanceof CliError) {
    println(io.stderr, `modelplane ${name}: ${err.message}`);
    return err.exitCode;
  }
  // A component refusing a combination of settings is bad input, like a spec error.
  if (err instanceof ArgumentError) {
    println(io.stderr, `modelplane ${name}: ${err.message}`);
    return 2;
  }
  // node:util parseArgs throws TypeErrors with these codes for unknown or malformed flags.
  const code = (err as { code?: string } | null)?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    println(io.stderr, `modelplane ${name}: ${(err as Error).message}`);
    return 2;
  }
  println(io.stderr, `modelplane ${name}: internal error: ${(err as Error)?.stack ?? String(err)}`);
  return 70;
}

export { parseArgs };
