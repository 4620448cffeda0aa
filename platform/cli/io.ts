import type { Writable } from "node:stream";

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
}

export function println(stream: Writable, text = ""): void {
  stream.write(text.endsWith("\n") ? text : text + "\n");
}
