/**
 * Container entry: `node --import tsx services/inference/main.ts [flags]`, configured by MODELPLANE_*
 * environment variables (see README.md). Exits 2 on bad configuration, 0 after a clean drain.
 */
import { parseServerArgs } from "./config.ts";
import { ConfigError } from "./errors.ts";
import { runUntilSignal } from "./lifecycle.ts";

try {
  const config = parseServerArgs(process.argv.slice(2), process.env);
  process.exitCode = await runUntilSignal(config);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (err instanceof ConfigError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
    process.stderr.write(`modelplane-inference: ${(err as Error).message}\n`);
    process.exitCode = 2;
  } else throw err;
}
