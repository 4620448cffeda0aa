/**
 * Stack-level facts reach rules through their config (see SPEC_CONFIG_KEYS in rule.ts): a rule that declares
 * one of these keys in its configSchema gets the stack's value. The offline check and the pack config written
 * for the Pulumi CLI both come from here, so the two see the same values.
 */
import type { PlatformSpec } from "../platform/spec/types.ts";
import type { Rule } from "./rule.ts";

/** The stack's allow-list plus its own registry (where the server image and models are pushed). */
function registries(spec: PlatformSpec): string[] {
  const server = spec.registry.server?.trim();
  if (spec.registry.allowed.length === 0) return [];
  return [...new Set([...spec.registry.allowed, ...(server ? [server] : [])])];
}

const bindings: Record<string, (spec: PlatformSpec) => unknown> = {
  allowedRegistries: registries,
  // The canonical allowed-registries rule names its list `registries`.
  registries,
  gpuBudget: (s) => s.gpu.budget,
  gpuProductLabel: (s) => s.gpu.productLabel,
  gpuTaintKey: (s) => s.gpu.taint.key,
};

export function specConfigFor(rule: Rule, spec: PlatformSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rule.configSchema ?? {})) {
    const bind = bindings[key];
    if (!bind) continue;
    const value = bind(spec);
    // An empty allow-list in the stack means "not restricted by the stack": the rule keeps its own default.
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

export function specConfig(rules: readonly Rule[], spec: PlatformSpec): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const rule of rules) {
    const c = specConfigFor(rule, spec);
    if (Object.keys(c).length > 0) out[rule.id] = c;
  }
  return out;
}
