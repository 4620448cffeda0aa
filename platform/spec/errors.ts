import { isAbsolute, relative } from "node:path";

/**
 * One problem in a stack. Without `file` it is a path-only error (a plain object given to resolveSpec);
 * without `line` it concerns the whole file (missing, unreadable).
 */
export interface SpecError {
  /** Absolute path of the file the offending node is in. */
  file?: string;
  /** 1-based line and column of the offending node, or of its parent key when the node is missing. */
  line?: number;
  col?: number;
  /** Field path inside `modelplane:platform`, e.g. `models[0].autoscaling.maxReplicas`; stack-level: `config`. */
  path: string;
  message: string;
}

/** The file as the user should see it: relative to cwd when it lies below it. */
export function displayFile(file: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** `stacks/Pulumi.prod.yaml:23:9 models[0].autoscaling.maxReplicas: must be >= minReplicas (2)` */
export function formatSpecError(error: SpecError, cwd: string = process.cwd()): string {
  const where = error.file === undefined ? "" : displayFile(error.file, cwd) + (error.line ? `:${error.line}:${error.col ?? 1}` : ":");
  const what = error.path ? `${error.path}: ${error.message}` : error.message;
  return where ? `${where} ${what}` : what;
}

/** Orders errors by file, then position, so output reads top to bottom. */
export function sortSpecErrors(errors: SpecError[]): SpecError[] {
  return [...errors].sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.path.localeCompare(b.path),
  );
}

/** Thrown by loadStack and resolveSpec; the message lists every error, one per line. */
export class SpecValidationError extends Error {
  readonly errors: SpecError[];
  constructor(errors: SpecError[], cwd: string = process.cwd()) {
    const sorted = sortSpecErrors(errors);
    super(sorted.map((e) => formatSpecError(e, cwd)).join("\n"));
    this.name = "SpecValidationError";
    this.errors = sorted;
  }

  /** The errors formatted relative to another directory. */
  format(cwd: string = process.cwd()): string[] {
    return this.errors.map((e) => formatSpecError(e, cwd));
  }
}

/** A problem before it is located in a file: a path inside `modelplane:platform` and a message. */
export interface SpecIssue {
  path: import("./path.ts").Path;
  message: string;
  /** Other fields the verdict depends on; a schema error on one of them makes this issue moot. */
  related?: import("./path.ts").Path[];
}
