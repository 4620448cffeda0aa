import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../platform/cli/main.ts";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BROKEN = join(REPO, "test", "fixtures", "stacks", "broken");

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `modelplane ...args` in-process, as the binary would, from `cwd`. */
export async function cli(args: string[], cwd = REPO): Promise<CliRun> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr, stdin: Readable.from([]), cwd, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A throwaway folder with the given files (path → text); remove() when done. */
export function tempTree(files: Record<string, string>): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), "mp-spec-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export const DIGEST_A = "6b9dca6d1d5cc27524a9555ebce7deaa183605f60f8942a4cb4cf658653496c7";
export const DIGEST_B = "b0695bbfac1a44773dad501c6f6769d5c7fff2b57cbc578dd9dfe88bede09459";
export const ARTIFACT_A = `oci://registry.ml.example.com/models/purchase-propensity@sha256:${DIGEST_A}`;
export const ARTIFACT_B = `oci://registry.ml.example.com/models/purchase-propensity@sha256:${DIGEST_B}`;
