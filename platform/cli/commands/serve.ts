import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pino } from "pino";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { ConfigError, optionsHelp, parseServerArgs, runUntilSignal } from "../../../services/inference/index.ts";

/** Remote references are checked by the server when it pulls; local paths are checked here so typos exit 2. */
const REMOTE = /^(oci:\/\/|layout:)/;

export const command: Command = {
  name: "serve",
  summary: "serve ONNX models over the Open Inference Protocol",
  usage: [
    "usage: modelplane serve (--model-repository DIR | --model NAME=PATH ...) [options]",
    "",
    "Serves ONNX models over the Open Inference Protocol (KServe V2 REST) with dynamic batching,",
    "until SIGTERM or SIGINT, then drains in-flight requests. Logs are JSON lines on stdout.",
    "Every option can also be set by the environment variable in brackets.",
    "",
    "options:",
    optionsHelp(),
  ].join("\n"),
  async run(argv, io) {
    let config;
    try {
      config = parseServerArgs(argv, io.env);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(err.message);
      throw err;
    }
    const cwd = io.cwd;
    if (config.modelRepository) {
      config.modelRepository = resolve(cwd, config.modelRepository);
      if (!existsSync(config.modelRepository)) throw new UsageError(`--model-repository: no such directory: ${config.modelRepository}`);
    }
    for (const m of config.models) {
      if (REMOTE.test(m.ref)) continue;
      m.ref = resolve(cwd, m.ref);
      if (!existsSync(m.ref)) throw new UsageError(`--model ${m.name}: no such file or directory: ${m.ref}`);
    }
    const logger = pino({ level: config.logLevel, base: { service: "modelplane-inference" } }, io.stdout);
    try {
      return await runUntilSignal(config, { logger });
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(err.message);
      throw err;
    }
  },
};
