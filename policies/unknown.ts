/**
 * Values unknown during preview. The engine writes UNKNOWN where Pulumi would hold an unknown output; like
 * @pulumi/policy, rules see objects through a proxy that throws when they read such a value, so a rule that
 * needs it is reported as "cannot check during preview" instead of judging a placeholder string.
 */
import { isUnknown } from "../platform/engine/types.ts";

export class UnknownValueError extends Error {
  constructor(readonly path: readonly PropertyKey[]) {
    super(`value at .${path.map(String).join(".")} can't be known during preview`);
    this.name = "UnknownValueError";
  }
}

export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(containsUnknown);
  return Object.values(value as Record<string, unknown>).some(containsUnknown);
}

/** Wraps `value` so that reading an UNKNOWN anywhere inside throws UnknownValueError with its path. */
export function unknownCheckingProxy<T>(value: T, path: readonly PropertyKey[] = []): T {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value as object, {
    get(target, prop, receiver) {
      const field = Reflect.get(target, prop, receiver);
      const at = [...path, prop];
      if (isUnknown(field)) throw new UnknownValueError(at);
      // Proxy invariant: a non-configurable, non-writable own data property must be returned as is.
      const desc = Object.getOwnPropertyDescriptor(target, prop);
      if (desc && "value" in desc && desc.configurable === false && desc.writable === false) return field;
      return unknownCheckingProxy(field, at);
    },
  }) as T;
}
