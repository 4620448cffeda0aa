import { applyDefaults, environmentDefaults } from "./defaults.ts";
import { SpecValidationError, type SpecError, type SpecIssue } from "./errors.ts";
import type { PlatformInput } from "./input.ts";
import { formatPath, type Path, type PathSegment } from "./path.ts";
import { schemaIssues, describe } from "./schema.ts";
import { replaceSecureValues } from "./secrets.ts";
import { semanticIssues } from "./semantic.ts";
import type { Environment, PlatformSpec } from "./types.ts";

const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

export interface ResolveOptions {
  /** The environment the caller expects (e.g. from the Pulumi stack); `environment` in the spec must agree. */
  environment?: Environment;
  /** The stack name (`Pulumi.<stack>.yaml`): `<env>` or `<env>-<suffix>`. Gives the environment when the spec omits it. */
  stack?: string;
  /** Where `raw` came from, for messages only. */
  file?: string;
}

export interface CheckResult {
  /** Present when there are no issues. */
  spec?: PlatformSpec;
  issues: SpecIssue[];
  /** Paths (inside modelplane:platform) of `{ secure: ... }` values replaced by the placeholder. */
  secretPaths: string[];
}

/**
 * Schema, then defaults, then semantic checks, collecting every issue. Values that fail the schema are dropped
 * before defaults apply, so semantic checks still run on the rest; a semantic issue that involves a dropped
 * value is left out (it would be about a default the user never wrote).
 */
export function checkPlatform(raw: unknown, opts: ResolveOptions = {}): CheckResult {
  const secretPaths: string[] = [];
  const data = replaceSecureValues(raw, [], secretPaths);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return { issues: [{ path: [], message: `must be a mapping (got ${describe(data)})` }], secretPaths };
  }
  const schema = schemaIssues(data);
  const input = prune(data, schema.invalid) as PlatformInput;
  const issues = [...schema.issues];
  const env = environmentOf(input, opts, issues);
  const spec = applyDefaults(input, env);
  const blocked = [...schema.invalid, ...schema.issues.map((i) => i.path)];
  for (const issue of semanticIssues(spec, input)) {
    if (!involves(issue, blocked)) issues.push(issue);
  }
  return issues.length ? { issues, secretPaths } : { spec, issues, secretPaths };
}

/** validate + defaults + semantic checks on a plain object; throws SpecValidationError with path-only errors. */
export function resolveSpec(raw: unknown, opts: ResolveOptions = {}): PlatformSpec {
  const result = checkPlatform(raw, opts);
  if (!result.spec) {
    const errors = result.issues.map((issue) => issueToError(issue, opts.file));
    throw new SpecValidationError(errors);
  }
  return result.spec;
}

export function issueToError(issue: SpecIssue, file?: string): SpecError {
  const path = formatPath(issue.path) || "modelplane:platform";
  return file === undefined ? { path, message: issue.message } : { file, path, message: issue.message };
}

/** `prod`, `prod-eu`, `prod.eu` → prod. */
export function environmentOfStack(stack: string): Environment | undefined {
  return ENVIRONMENTS.find((env) => stack === env || stack.startsWith(env + "-") || stack.startsWith(env + "."));
}

function environmentOf(input: PlatformInput, opts: ResolveOptions, issues: SpecIssue[]): Environment {
  const fromStack = opts.stack === undefined ? undefined : environmentOfStack(opts.stack);
  const given = input.environment;
  if (given !== undefined) {
    if (opts.stack !== undefined && fromStack !== undefined && fromStack !== given) {
      issues.push({ path: ["environment"], message: `is ${given} but the stack is '${opts.stack}' (stack names start with their environment)` });
    } else if (opts.environment !== undefined && opts.environment !== given) {
      issues.push({ path: ["environment"], message: `is ${given} but the program runs ${opts.environment}` });
    }
    return given;
  }
  const inferred = opts.environment ?? fromStack;
  if (inferred) return inferred;
  const why = opts.stack === undefined ? "" : ` (stack '${opts.stack}' does not start with dev, staging or prod)`;
  issues.push({ path: ["environment"], message: `is required${why}` });
  return "dev";
}

/** A deep copy without the values at `paths`; a dropped list item becomes undefined to keep indexes. */
function prune(data: object, paths: PathSegment[][]): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const path of paths) {
    if (path.length === 0) continue;
    let node: unknown = copy;
    for (const seg of path.slice(0, -1)) {
      node = node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[seg] : undefined;
    }
    const last = path[path.length - 1]!;
    if (Array.isArray(node)) node[last as number] = undefined;
    else if (node !== null && typeof node === "object") delete (node as Record<string | number, unknown>)[last];
  }
  return copy;
}

function involves(issue: SpecIssue, blocked: Path[]): boolean {
  const paths = [issue.path, ...(issue.related ?? [])];
  return paths.some((p) => blocked.some((b) => isPrefix(b, p) || isPrefix(p, b)));
}

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}

export { environmentDefaults };
