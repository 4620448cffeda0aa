/**
 * Which enforcement level a rule has in an environment. Precedence: a per-rule override in the stack
 * (`policy.rules[id]`), then the stack's level for the rule's group (`policy.enforcement[group]`), then the
 * built-in defaults below. The stack loader normally resolves every group already; the defaults matter for
 * plain manifests, which have no stack.
 */
import { PROD_MANDATORY_GROUPS } from "../platform/spec/defaults.ts";
import type { Enforcement, Environment, PolicySpec, RuleGroup } from "../platform/spec/types.ts";

export type { Enforcement };

const strict: Record<RuleGroup, Enforcement> = {
  security: "mandatory",
  "supply-chain": "mandatory",
  gpu: "advisory",
  reliability: "advisory",
  observability: "advisory",
  cost: "advisory",
};

/**
 * Defaults: dev advises only; staging and prod block on security and supply chain (staging is where prod's
 * rules are rehearsed, so it blocks on the same groups). Manifests checked without an environment are judged
 * as prod: with no stack to say otherwise, the strict reading is the safe one for a CI gate.
 */
export const DEFAULT_ENFORCEMENT: Record<Environment, Record<RuleGroup, Enforcement>> = {
  dev: {
    security: "advisory",
    "supply-chain": "advisory",
    gpu: "advisory",
    reliability: "advisory",
    observability: "advisory",
    cost: "advisory",
  },
  staging: { ...strict },
  prod: { ...strict },
};

export interface PolicyLevels {
  enforcement?: Partial<Record<RuleGroup, Enforcement>>;
  rules?: Record<string, Enforcement>;
}

export function enforcementOf(
  rule: { id: string; group: RuleGroup },
  environment: Environment | undefined,
  policy?: PolicyLevels | PolicySpec,
): Enforcement {
  const level = policy?.rules?.[rule.id] ?? policy?.enforcement?.[rule.group] ?? DEFAULT_ENFORCEMENT[environment ?? "prod"][rule.group];
  // Prod's floor: the spec refuses a lower group level there, and a per-rule override must not be the back door.
  // Single resources are exempted with an owner and an expiry (policy.exemptions), never by switching a rule off.
  if (environment === "prod" && (PROD_MANDATORY_GROUPS as readonly RuleGroup[]).includes(rule.group)) return "mandatory";
  return level;
}

const levels: readonly string[] = ["mandatory", "advisory", "disabled"];

export function isEnforcement(value: unknown): value is Enforcement {
  return typeof value === "string" && levels.includes(value);
}
