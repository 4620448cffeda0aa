/** An in-memory CliIO for calling `main()` in-process and reading what it printed. */
import { PassThrough, Readable } from "node:stream";
import type { CliIO } from "../../platform/cli/io.ts";

export interface MemoryIO {
  io: CliIO;
  out(): string;
  err(): string;
}

export function memoryIO(opts: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string }): MemoryIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => (out += String(c)));
  stderr.on("data", (c) => (err += String(c)));
  const stdin = Readable.from([Buffer.from(opts.stdin ?? "")]);
  return { io: { stdout, stderr, stdin, cwd: opts.cwd, env: opts.env ?? {} }, out: () => out, err: () => err };
}
