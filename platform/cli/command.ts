import type { CliIO } from "./io.ts";

/** One `modelplane <name>` sub-command. `run` returns the exit code (0 ok, 1 mandatory violations, 2 bad input). */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
