import { SECRET_PLACEHOLDER } from "../engine/types.ts";
import { formatPath, type PathSegment } from "./path.ts";

/**
 * Pulumi writes `pulumi config set --secret` values as `{ secure: <ciphertext> }`. Offline we cannot (and must
 * not) decrypt them: each becomes SECRET_PLACEHOLDER, and its path is recorded so output can mark it.
 */
export function isSecureValue(value: unknown): value is { secure: string } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** A copy of `value` with every secure value replaced; `found` receives their formatted paths. */
export function replaceSecureValues(value: unknown, path: PathSegment[], found: string[]): unknown {
  if (isSecureValue(value)) {
    found.push(formatPath(path));
    return SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((item, i) => replaceSecureValues(item, [...path, i], found));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceSecureValues(v, [...path, k], found);
    return out;
  }
  return value;
}

export function isSecretPlaceholder(value: unknown): boolean {
  return value === SECRET_PLACEHOLDER;
}
