/**
 * Validation of a `--policy-pack-config` file before an offline check uses it, as the Pulumi CLI validates it
 * against each policy's config schema before configuring the pack. Without it a mistyped value
 * (`allowedRanges: "5000-6000"`) reaches the rule and a misspelt rule id is silently ignored.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { isEnforcement } from "./enforcement.ts";
import { EXEMPTION_EXPIRED } from "./exemptions.ts";
import { configSchemaOf } from "./pack-policies.ts";
import { rules as allRules } from "./registry.ts";
import type { Rule } from "./rule.ts";

/** One line per problem, `rule-id.property: message`; empty when the config is usable. */
export function packConfigProblems(config: Record<string, unknown>, rules: readonly Rule[] = allRules): string[] {
  const byId = new Map<string, Rule | undefined>(rules.map((r) => [r.id, r]));
  byId.set(EXEMPTION_EXPIRED, undefined);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const problems: string[] = [];
  for (const [id, entry] of Object.entries(config)) {
    if (!byId.has(id)) {
      problems.push(`${id}: no rule of the pack has this id`);
      continue;
    }
    if (typeof entry === "string") {
      if (!isEnforcement(entry)) problems.push(`${id}: "${entry}" is not an enforcement level (advisory, mandatory, disabled)`);
      continue;
    }
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${id}: must be an enforcement level or an object of config properties`);
      continue;
    }
    const { enforcementLevel, ...props } = entry as Record<string, unknown>;
    if (enforcementLevel !== undefined && !isEnforcement(enforcementLevel)) {
      problems.push(`${id}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level (advisory, mandatory, disabled)`);
    }
    const validate: ValidateFunction = ajv.compile({ type: "object", ...configSchemaOf(byId.get(id)) });
    if (validate(props)) continue;
    for (const e of validate.errors ?? []) {
      const at = e.instancePath.split("/").filter(Boolean).join(".");
      problems.push(`${id}${at ? `.${at}` : ""}: ${e.message ?? "invalid"}`);
    }
  }
  return problems;
}
