import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { SpecValidationError, type SpecError } from "./errors.ts";
import type { PathSegment } from "./path.ts";
import { YamlSource } from "./source.ts";

/**
 * The Pulumi project around a stack file: found by walking up from cwd to Pulumi.yaml, as the Pulumi CLI does.
 * It gives stack names their folder (`stackConfigDir`) and config keys their defaults (the project `config:` block).
 */
export interface Project {
  root: string;
  file: string;
  name: string;
  /** Absolute folder of Pulumi.<stack>.yaml files. */
  stackConfigDir: string;
  /** Project-level values by full key (`modelplane:platform`), with where each was written. */
  defaults: Map<string, ConfigOrigin>;
  source: YamlSource;
}

/** A config value and the YAML node it came from, so errors inside it point at the right file and line. */
export interface ConfigOrigin {
  value: unknown;
  source: YamlSource;
  /** Path of the value from its document's root. */
  path: PathSegment[];
}

const DECLARATION_KEYS = new Set(["type", "description", "default", "value", "secret", "items"]);

export function findProjectRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml")) || existsSync(join(dir, "Pulumi.yml"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function readProject(root: string): Project {
  const file = existsSync(join(root, "Pulumi.yaml")) ? join(root, "Pulumi.yaml") : join(root, "Pulumi.yml");
  const source = YamlSource.parse(file, readFileSync(file, "utf8"));
  const syntax = source.syntaxErrors();
  if (syntax.length) throw new SpecValidationError(syntax);
  const data = asRecord(source.toJS());
  const name = typeof data.name === "string" ? data.name : basename(root);
  const dir = typeof data.stackConfigDir === "string" ? data.stackConfigDir : ".";
  const defaults = new Map<string, ConfigOrigin>();
  for (const [key, entry] of Object.entries(asRecord(data.config))) {
    const full = fullKey(key, name);
    const declared = entry !== null && typeof entry === "object" && !Array.isArray(entry) && Object.keys(entry).every((k) => DECLARATION_KEYS.has(k));
    if (!declared) {
      defaults.set(full, { value: entry, source, path: ["config", key] });
      continue;
    }
    // Pulumi: `default` for the project's own keys, `value` for other namespaces; either is the base value.
    const decl = entry as Record<string, unknown>;
    for (const field of ["value", "default"] as const) {
      if (field in decl) {
        defaults.set(full, { value: decl[field], source, path: ["config", key, field] });
        break;
      }
    }
  }
  return { root, file, name, stackConfigDir: resolve(root, dir), defaults, source };
}

/** Pulumi namespaces a bare key with the project name: `platform` in project modelplane is `modelplane:platform`. */
export function fullKey(key: string, projectName: string): string {
  return key.includes(":") ? key : `${projectName}:${key}`;
}

export interface StackRef {
  file: string;
  /** The name in Pulumi.<name>.yaml; undefined for a file named otherwise. */
  stack: string | undefined;
}

/**
 * `--stack prod` means <stackConfigDir>/Pulumi.prod.yaml, as does the fully qualified `acme/modelplane/prod`
 * (Pulumi names the file after the last part); anything else that looks like a path is a file.
 */
export function resolveStackRef(ref: string, cwd: string, project: Project | undefined): StackRef {
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const qualified = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/([A-Za-z0-9_.-]+)$/.exec(ref);
  if (qualified && !/\.ya?ml$/i.test(ref) && !existsSync(resolve(cwd, ref))) ref = qualified[1]!;
  const looksLikePath = /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref) || isFile(resolve(cwd, ref));
  if (looksLikePath) {
    const file = resolve(cwd, ref);
    return { file, stack: stackNameOf(file) };
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(ref)) {
    throw new SpecValidationError([{ path: "", message: `'${ref}' is neither a stack name nor a path to a stack file` }], cwd);
  }
  if (!project) {
    throw new SpecValidationError(
      [{ path: "", message: `no Pulumi.yaml in ${cwd} or above, so stack '${ref}' cannot be found; pass the stack file's path` }],
      cwd,
    );
  }
  return { file: join(project.stackConfigDir, `Pulumi.${ref}.yaml`), stack: ref };
}

export function stackNameOf(file: string): string | undefined {
  return /^Pulumi\.(.+)\.ya?ml$/.exec(basename(file))?.[1];
}

/** Reads a stack file, turning every way it can fail into a SpecError on the file. */
export function readStackText(file: string, project: Project | undefined): string {
  try {
    if (statSync(file).isDirectory()) throw fail(file, "is a directory, not a stack file");
    return readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof SpecValidationError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw fail(file, `no such stack file${availableStacks(project)}`);
    throw fail(file, `cannot read stack file (${code ?? (err as Error).message})`);
  }
}

function fail(file: string, message: string): SpecValidationError {
  const error: SpecError = { file, path: "", message };
  return new SpecValidationError([error]);
}

function availableStacks(project: Project | undefined): string {
  if (!project) return "";
  try {
    const names = readdirSync(project.stackConfigDir).map((f) => stackNameOf(f)).filter((n): n is string => !!n).sort();
    return names.length ? ` (stacks: ${names.join(", ")})` : "";
  } catch {
    return "";
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
