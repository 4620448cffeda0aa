import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { SpecIssue } from "./errors.ts";
import { fromJsonPointer, type PathSegment } from "./path.ts";

/** Where platform.schema.json lives (for editors, docs and `$schema` references). */
export const SCHEMA_URL = new URL("./platform.schema.json", import.meta.url);
/** A whole stack file's schema (wraps the platform schema under `config:`), for editor modelines. */
export const STACK_SCHEMA_URL = new URL("./stack.schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

export function platformSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as Record<string, unknown>;
}

/** Compiled once per process; ajv compilation costs far more than validating a stack. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
    // Messages editors (VS Code, yaml-language-server) show; the loader shows the same ones.
    ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
    ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
    compiled = ajv.compile(platformSchema());
  }
  return compiled;
}

export interface SchemaResult {
  issues: SpecIssue[];
  /** Paths of values that failed, to drop before defaults and semantic checks run on what is left. */
  invalid: PathSegment[][];
}

/** Every schema error of `data`, each as a readable message at a field path. */
export function schemaIssues(data: unknown): SchemaResult {
  const validate = validator();
  if (validate(data)) return { issues: [], invalid: [] };
  const errors = withoutBranchNoise(validate.errors ?? []);
  const issues: SpecIssue[] = [];
  const invalid: PathSegment[][] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const issue = translate(error, data);
    if (!issue) continue;
    const key = JSON.stringify(issue.path) + "\0" + issue.message;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    if (error.keyword !== "required") invalid.push([...issue.path]);
  }
  return { issues, invalid };
}

/**
 * An anyOf failure also reports why each branch failed; those say nothing to a user. Keep the anyOf error
 * and drop the errors at or below its value (in this schema an anyOf is all there is at its level; branch
 * errors from a `$ref` carry the referenced schema's path, so schemaPath cannot tell them apart).
 */
function withoutBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  return errors.filter((e) => {
    if (e.keyword === "propertyNames") return false;
    return !anyOfs.some(
      (a) => a !== e && (e.instancePath === a.instancePath || e.instancePath.startsWith(a.instancePath + "/")),
    );
  });
}

function translate(error: ErrorObject, data: unknown): SpecIssue | undefined {
  const base = fromJsonPointer(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const got = describe(error.data);
  // propertyNames: the offending thing is the key itself.
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    const inner = translate({ ...error, propertyName: undefined, data: propertyName } as ErrorObject, data);
    return { path: [...base, propertyName], message: `invalid key: ${inner?.message ?? error.message}` };
  }
  switch (error.keyword) {
    case "required":
      return { path: [...base, String(params.missingProperty)], message: "is required" };
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
      const guess = closest(extra, allowed);
      const hint = guess ? `did you mean '${guess}'?` : `allowed: ${allowed.join(", ")}`;
      return { path: [...base, extra], message: `unknown field (${hint})` };
    }
    case "type": {
      // YAML reads 1.10 as the number 1.1 and yes/true as booleans: say how to keep the text.
      const quote = String(params.type) === "string" && (typeof error.data === "number" || typeof error.data === "boolean");
      return { path: base, message: `must be ${typeName(params.type)} (got ${got}${quote ? `; quote it in YAML to keep it text` : ""})` };
    }
    case "enum":
      return { path: base, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => String(v)).join(", ")} (got ${got})` };
    case "const":
      return { path: base, message: `must be ${JSON.stringify(params.allowedValue)} (got ${got})` };
    case "pattern": {
      const message = typeof schema.patternErrorMessage === "string" ? schema.patternErrorMessage : `must match ${String(params.pattern)}`;
      return { path: base, message: `${message} (got ${got})` };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path: base, message: `must be ${String(params.comparison)} ${String(params.limit)} (got ${got})` };
    case "minLength":
      return { path: base, message: params.limit === 1 ? "must not be empty" : `must be at least ${String(params.limit)} characters (got ${got})` };
    case "maxLength":
      return { path: base, message: `must be at most ${String(params.limit)} characters (got ${String((error.data as string).length)})` };
    case "minItems":
      return { path: base, message: `must have at least ${String(params.limit)} items` };
    case "uniqueItems":
      return { path: [...base, Number(params.i)], message: `repeats item ${String(params.j)}` };
    case "anyOf":
    case "oneOf":
      return { path: base, message: typeof schema.errorMessage === "string" ? `${schema.errorMessage} (got ${got})` : `${error.message ?? "is invalid"} (got ${got})` };
    default:
      return { path: base, message: error.message ?? "is invalid" };
  }
}

function typeName(type: unknown): string {
  const names: Record<string, string> = {
    string: "a string",
    number: "a number",
    integer: "an integer",
    boolean: "true or false",
    object: "a mapping",
    array: "a list",
    null: "empty",
  };
  const list = String(type).split(",");
  return list.map((t) => names[t] ?? t).join(" or ");
}

/** A value as a message shows it: strings quoted and cut, containers by kind. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  return String(value);
}

/** The allowed name a typo most likely meant: case-insensitive equal, or within two edits. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    if (c.toLowerCase() === word.toLowerCase()) return c;
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
