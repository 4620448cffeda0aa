import { basename } from "node:path";
import { SpecValidationError, type SpecError } from "./errors.ts";
import { formatPath, type PathSegment } from "./path.ts";
import { findProjectRoot, fullKey, readProject, readStackText, resolveStackRef, type ConfigOrigin, type Project } from "./project.ts";
import { checkPlatform, issueToError } from "./resolve.ts";
import { replaceSecureValues } from "./secrets.ts";
import { YamlSource } from "./source.ts";
import type { PlatformSpec } from "./types.ts";

export const PLATFORM_KEY = "modelplane:platform";

export interface LoadedStack {
  /** Absolute path of the stack file. */
  file: string;
  /** Stack name: `prod` for Pulumi.prod.yaml, else the file name without extension. */
  stack: string;
  /** Every key of the stack's config (full keys), project defaults applied, `secure:` values replaced. */
  config: Record<string, unknown>;
  spec: PlatformSpec;
  /**
   * Paths of replaced secrets: inside modelplane:platform relative to it (`registry.password`),
   * other keys by full key (`aws:secretKey`, `app:db.password`).
   */
  secretPaths: string[];
}

export interface LoadOptions {
  cwd?: string;
}

/**
 * Reads a stack like the Pulumi CLI would: the project's config defaults under the stack file's values,
 * secrets replaced by placeholders. Throws SpecValidationError listing every problem at its file:line:col.
 */
export function loadStack(ref: string, opts: LoadOptions = {}): LoadedStack {
  const cwd = opts.cwd ?? process.cwd();
  try {
    return load(ref, cwd);
  } catch (err) {
    // Re-render so messages show files relative to the caller's cwd, not the process's.
    if (err instanceof SpecValidationError) throw new SpecValidationError(err.errors, cwd);
    throw err;
  }
}

function load(ref: string, cwd: string): LoadedStack {
  const root = findProjectRoot(cwd);
  const project: Project | undefined = root ? readProject(root) : undefined;
  const resolved = resolveStackRef(ref, cwd, project);
  const file = resolved.file;
  // The name the Pulumi program will see as pulumi.getStack(): checked here exactly as the program checks it.
  const stack = resolved.stack ?? basename(file).replace(/\.ya?ml$/i, "");
  const source = YamlSource.parse(file, readStackText(file, project));
  const syntax = source.syntaxErrors();
  if (syntax.length) throw new SpecValidationError(syntax);

  const errors: SpecError[] = [];
  const at = (origin: { source: YamlSource; path: PathSegment[] }, rel: PathSegment[], path: string, message: string) => {
    const pos = origin.source.locate([...origin.path, ...rel]);
    errors.push({ file: origin.source.file, line: pos.line, col: pos.col, path, message });
  };

  const origins = configOrigins(source, project, (path, message) => at({ source, path: [] }, path, formatPath(path), message));
  const config: Record<string, unknown> = {};
  const secretPaths: string[] = [];
  for (const [key, origin] of origins) {
    if (key === PLATFORM_KEY) continue;
    const found: string[] = [];
    config[key] = replaceSecureValues(origin.value, [], found);
    secretPaths.push(...found.map((p) => (p ? `${key}${p.startsWith("[") ? "" : "."}${p}` : key)));
  }

  const platform = origins.get(PLATFORM_KEY);
  if (!platform) {
    if (!errors.length) at({ source, path: [] }, ["config"], "config", `${PLATFORM_KEY} is required`);
    throw new SpecValidationError(errors);
  }
  const result = checkPlatform(platform.value, { stack });
  config[PLATFORM_KEY] = replaceSecureValues(platform.value, [], []);
  secretPaths.unshift(...result.secretPaths);
  for (const issue of result.issues) {
    const error = issueToError(issue);
    at(platform, [...issue.path], error.path, error.message);
  }
  if (errors.length || !result.spec) throw new SpecValidationError(errors);
  return {
    file,
    stack,
    config: sortKeys(config),
    spec: result.spec,
    secretPaths,
  };
}

/** Top-level keys of a Pulumi stack settings file. */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/** Project defaults, then the stack's own values over them, key by key (Pulumi does not deep-merge). */
function configOrigins(
  source: YamlSource,
  project: Project | undefined,
  report: (path: PathSegment[], message: string) => void,
): Map<string, ConfigOrigin> {
  const origins = new Map<string, ConfigOrigin>(project?.defaults ?? []);
  const doc = source.toJS();
  if (doc === null || doc === undefined) return origins;
  if (typeof doc !== "object" || Array.isArray(doc)) {
    report([], "a stack file must be a mapping with a config: block");
    return origins;
  }
  for (const key of Object.keys(doc)) {
    if (!STACK_FILE_KEYS.includes(key)) {
      report([key], `unknown stack file key (a Pulumi stack file holds ${STACK_FILE_KEYS.join(", ")})`);
    }
  }
  const block = (doc as Record<string, unknown>).config;
  if (block === undefined || block === null) return origins;
  if (typeof block !== "object" || Array.isArray(block)) {
    report(["config"], "must be a mapping of config keys");
    return origins;
  }
  for (const [key, value] of Object.entries(block)) {
    origins.set(fullKey(key, project?.name ?? "modelplane"), { value, source, path: ["config", key] });
  }
  return origins;
}

function sortKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
}
