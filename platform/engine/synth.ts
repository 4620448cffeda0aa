/**
 * `modelplane synth` and `check --stack` in one call: load a stack file as the Pulumi CLI would
 * (project config defaults, `secure:` values replaced), then run the real program under mocks.
 */
import { loadStack, type LoadedStack } from "../spec/index.ts";
import type { PlatformSpec } from "../spec/types.ts";
import { captureProgram, type Program } from "./capture.ts";
import type { SynthResult } from "./types.ts";

export const PROJECT_NAME = "modelplane";

export interface SynthOptions {
  cwd?: string;
  /** Preview (unknown computed outputs, like `pulumi preview`) or update (computed outputs filled in). Default true. */
  preview?: boolean;
  /** Another program than platform/program.ts (tests, benchmarks). */
  program?: Program;
}

export interface StackSynthResult extends SynthResult {
  spec: PlatformSpec;
  file: string;
  secretPaths: string[];
}

async function defaultProgram(): Promise<Program> {
  return (await import("../program.ts")).default;
}

export async function synthesizeLoaded(loaded: LoadedStack, opts: SynthOptions = {}): Promise<StackSynthResult> {
  const preview = opts.preview ?? true;
  const program = opts.program ?? (await defaultProgram());
  const { resources, outputs } = await captureProgram(program, { project: PROJECT_NAME, stack: loaded.stack, preview, config: loaded.config });
  return { stack: loaded.stack, preview, resources, outputs, spec: loaded.spec, file: loaded.file, secretPaths: loaded.secretPaths };
}

export async function synthesizeStack(ref: string, opts: SynthOptions = {}): Promise<StackSynthResult> {
  return synthesizeLoaded(loadStack(ref, { cwd: opts.cwd }), opts);
}
