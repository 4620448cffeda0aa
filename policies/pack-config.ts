/**
 * The `--policy-pack-config` JSON that makes `pulumi preview --policy-pack policies` judge a stack the way
 * `modelplane check --stack` does: per rule its level in the environment, the environment itself, the stack's
 * exemptions for that rule, and the stack-level facts bound from the spec (spec-config.ts).
 */
import type { Enforcement, Environment, Exemption, PlatformSpec } from "../platform/spec/types.ts";
import { enforcementOf } from "./enforcement.ts";
import { EXEMPTION_EXPIRED, globToRegExp } from "./exemptions.ts";
import { rules as allRules } from "./registry.ts";
import type { Rule } from "./rule.ts";
import { specConfigFor } from "./spec-config.ts";

/** Config keys the pack adds to every policy besides the rule's own. */
export const ENVIRONMENT_KEY = "environment";
export const EXEMPTIONS_KEY = "exemptions";

/** An exemption as `exemption-expired` receives it: with the level its lapse is reported at. */
export type PackExemption = Exemption & { enforcement?: Enforcement };

export type PolicyPackConfigJson = Record<string, { enforcementLevel: Enforcement } & Record<string, unknown>>;

export function exemptionsFor(ruleId: string, exemptions: readonly Exemption[]): Exemption[] {
  return exemptions.filter((ex) => globToRegExp(ex.rule).test(ruleId));
}

export function packConfigForSpec(spec: PlatformSpec, rules: readonly Rule[] = allRules): PolicyPackConfigJson {
  const out: PolicyPackConfigJson = {};
  const levelOf = (r: Rule) => enforcementOf(r, spec.environment, spec.policy);
  for (const rule of rules) {
    out[rule.id] = {
      enforcementLevel: levelOf(rule),
      [ENVIRONMENT_KEY]: spec.environment,
      [EXEMPTIONS_KEY]: exemptionsFor(rule.id, spec.policy.exemptions),
      ...specConfigFor(rule, spec),
    };
  }
  const lapses: PackExemption[] = spec.policy.exemptions.map((ex) => {
    const levels = rules.filter((r) => globToRegExp(ex.rule).test(r.id)).map(levelOf);
    return { ...ex, enforcement: levels.includes("mandatory") ? "mandatory" : "advisory" };
  });
  out[EXEMPTION_EXPIRED] = { enforcementLevel: "mandatory", [ENVIRONMENT_KEY]: spec.environment, [EXEMPTIONS_KEY]: lapses };
  return out;
}

/**
 * What a pack config says about the stack as a whole, so `check --manifests --config FILE` judges plain YAML as
 * `check --stack` would: the environment and every exemption (each rule's entry repeats those naming it).
 */
export function stackFactsOf(config: Record<string, unknown>): { environment?: Environment; exemptions: Exemption[] } {
  let environment: Environment | undefined;
  const exemptions = new Map<string, Exemption>();
  for (const [id, entry] of Object.entries(config)) {
    if (!entry || typeof entry !== "object" || id === EXEMPTION_EXPIRED) continue;
    const e = entry as Record<string, unknown>;
    if (e[ENVIRONMENT_KEY] === "dev" || e[ENVIRONMENT_KEY] === "staging" || e[ENVIRONMENT_KEY] === "prod") environment ??= e[ENVIRONMENT_KEY];
    for (const ex of Array.isArray(e[EXEMPTIONS_KEY]) ? (e[EXEMPTIONS_KEY] as Exemption[]) : []) {
      if (ex && typeof ex.rule === "string" && typeof ex.target === "string") exemptions.set(JSON.stringify(ex), ex);
    }
  }
  return { ...(environment ? { environment } : {}), exemptions: [...exemptions.values()] };
}
