/**
 * The rules as CrossGuard policies. Resource rules become ResourceValidationPolicies judging one resource's
 * inputs; rules that need other objects become StackValidationPolicies judging every resource of the stack.
 * Kept apart from pack.ts (the only file that constructs the PolicyPack, which starts a gRPC server) so tests
 * can call each policy exactly as the Pulumi CLI does.
 */
import type {
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Environment, Exemption } from "../platform/spec/types.ts";
import { enforcementOf } from "./enforcement.ts";
import { activeExemption, describeExemption, EXEMPTION_EXPIRED, EXEMPTION_EXPIRED_INFO, isExpired, lapseMessage, todayUtc } from "./exemptions.ts";
import { ENVIRONMENT_KEY, EXEMPTIONS_KEY, type PackExemption } from "./pack-config.ts";
import { rules as allRules } from "./registry.ts";
import { kubeObjectFromResource } from "./resources.ts";
import { NOT_APPLICABLE, type KubeObject, type NotApplicable, type Rule, type RuleContext } from "./rule.ts";
import { appliesToKind, effectiveConfig } from "./runner.ts";

export type ModelplanePolicy = ResourceValidationPolicy | StackValidationPolicy;

export interface BuildOptions {
  rules?: readonly Rule[];
  /** YYYY-MM-DD for exemption expiry; the clock by default. */
  today?: () => string;
}

const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

/** The config schema of a rule's policy (undefined: `exemption-expired`), which the Pulumi CLI validates against. */
export function configSchemaOf(rule: Rule | undefined): PolicyConfigSchema {
  return {
    properties: {
      ...((rule?.configSchema ?? {}) as PolicyConfigSchema["properties"]),
      [ENVIRONMENT_KEY]: { type: "string", enum: [...ENVIRONMENTS] },
      // As strict as the stack's own schema, so the Pulumi CLI rejects a hand-edited config with a broken exemption.
      [EXEMPTIONS_KEY]: {
        type: "array",
        items: {
          type: "object",
          required: ["rule", "target", "reason", "owner", "expires"],
          properties: {
            rule: { type: "string", minLength: 1 },
            target: { type: "string", minLength: 1 },
            reason: { type: "string", minLength: 1 },
            owner: { type: "string", minLength: 1 },
            expires: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
            enforcement: { type: "string", enum: ["advisory", "mandatory", "disabled"] },
          },
        },
      },
    },
  };
}

interface PackSettings {
  environment: Environment | undefined;
  exemptions: Exemption[];
  config: Record<string, unknown>;
}

/** Exemptions that can match anything (rule and target are strings); a lapse is judged by exemption-expired. */
function usableExemptions(raw: unknown): Exemption[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((e): e is Exemption => !!e && typeof e === "object" && typeof e.rule === "string" && typeof e.target === "string");
}

function settingsOf(rule: Rule, raw: Record<string, unknown>): PackSettings {
  const env = raw[ENVIRONMENT_KEY];
  return {
    environment: ENVIRONMENTS.includes(env as Environment) ? (env as Environment) : undefined,
    exemptions: usableExemptions(raw[EXEMPTIONS_KEY]),
    config: effectiveConfig(rule, Object.fromEntries(Object.entries(raw).filter(([k]) => k !== ENVIRONMENT_KEY && k !== EXEMPTIONS_KEY))),
  };
}

/**
 * Reports each message; one covered by an unexpired exemption is reported as advisory and says so (CrossGuard
 * has no "exempt" verdict, and an exemption must stay visible).
 */
function report(
  messages: string[],
  rule: Rule,
  obj: KubeObject,
  s: PackSettings,
  today: string,
  reportViolation: ReportViolation,
  urn?: string,
): void {
  const ex = activeExemption(s.exemptions, rule.id, obj, today);
  const text = messages.join("; ");
  if (!ex) {
    reportViolation(text, urn);
    return;
  }
  // The object form of reportViolation carries its own enforcement level (the SDK accepts it at run time).
  (reportViolation as unknown as (v: Record<string, unknown>) => void)({
    message: `${text} [${describeExemption(ex)}]`,
    enforcementLevel: "advisory",
    ...(urn ? { urn } : {}),
  });
}

/**
 * Runs a rule as the offline runner does (runner.ts): a rule that throws is reported as a violation naming the
 * error instead of failing the whole `pulumi preview` (the SDK turns any other exception into an analyzer error).
 * The SDK's UnknownValueError still propagates: the SDK reports it as "can't run during preview".
 */
function validateSafely(rule: Rule, obj: KubeObject, ctx: RuleContext): string[] | NotApplicable {
  try {
    return rule.validate(obj, ctx);
  } catch (err) {
    if (err instanceof Error && err.constructor.name === "UnknownValueError") throw err;
    return [`rule ${rule.id} failed: ${(err as Error)?.message ?? String(err)}`];
  }
}

/** What the Pulumi CLI shows and configures for a rule, the same for resource and stack policies. */
function policyMetadata(rule: Rule) {
  return {
    name: rule.id,
    description: rule.description,
    // Without a pack config the CLI knows no environment: every policy starts at its prod level.
    enforcementLevel: enforcementOf(rule, undefined),
    severity: rule.severity,
    remediationSteps: rule.remediation,
    tags: [rule.group],
    configSchema: configSchemaOf(rule),
  };
}

function resourcePolicy(rule: Rule, today: () => string): ResourceValidationPolicy {
  return {
    ...policyMetadata(rule),
    validateResource: (args, reportViolation) => {
      const obj = kubeObjectFromResource(args.type, args.props, args.name);
      if (!obj) return args.notApplicable("not a Kubernetes object");
      if (!appliesToKind(rule, obj.kind)) return args.notApplicable(`applies to ${(rule.kinds as string[]).join(", ")}`);
      const s = settingsOf(rule, args.getConfig<Record<string, unknown>>());
      const result = validateSafely(rule, obj, { environment: s.environment, config: s.config, inventory: [obj] });
      if (result === NOT_APPLICABLE) return args.notApplicable();
      if (result.length > 0) report(result, rule, obj, s, today(), reportViolation);
    },
  };
}

function stackPolicy(rule: Rule, today: () => string): StackValidationPolicy {
  return {
    ...policyMetadata(rule),
    validateStack: (args, reportViolation) => {
      const objects: Array<{ obj: KubeObject; urn: string }> = [];
      for (const r of args.resources) {
        const obj = kubeObjectFromResource(r.type, r.props, r.name);
        if (obj) objects.push({ obj, urn: r.urn });
      }
      const inventory = objects.map((o) => o.obj);
      const s = settingsOf(rule, args.getConfig<Record<string, unknown>>());
      const day = today();
      let applied = false;
      for (const { obj, urn } of objects) {
        if (!appliesToKind(rule, obj.kind)) continue;
        const result = validateSafely(rule, obj, { environment: s.environment, config: s.config, inventory });
        if (result === NOT_APPLICABLE) continue;
        applied = true;
        if (result.length > 0) report(result, rule, obj, s, day, reportViolation, urn);
      }
      if (!applied) args.notApplicable(`no object this rule applies to`);
    },
  };
}

/** Expired exemptions, each reported at the level of the rule it exempted from. */
function exemptionPolicy(today: () => string): StackValidationPolicy {
  return {
    name: EXEMPTION_EXPIRED,
    description: EXEMPTION_EXPIRED_INFO.description,
    enforcementLevel: "mandatory",
    severity: EXEMPTION_EXPIRED_INFO.severity,
    remediationSteps: EXEMPTION_EXPIRED_INFO.remediation,
    configSchema: configSchemaOf(undefined),
    validateStack: (args, reportViolation) => {
      const raw = args.getConfig<Record<string, unknown>>()[EXEMPTIONS_KEY];
      const exemptions = (Array.isArray(raw) ? raw : []).filter((e): e is PackExemption => !!e && typeof e === "object");
      if (exemptions.length === 0) args.notApplicable("the stack declares no exemptions");
      const day = today();
      for (const ex of exemptions.filter((e) => isExpired(e, day))) {
        (reportViolation as unknown as (v: Record<string, unknown>) => void)({
          message: lapseMessage(ex),
          enforcementLevel: ex.enforcement ?? "mandatory",
        });
      }
    },
  };
}

export function buildPolicies(opts: BuildOptions = {}): ModelplanePolicy[] {
  const today = opts.today ?? (() => todayUtc());
  const rules = opts.rules ?? allRules;
  return [...rules.map((r) => (r.needsInventory ? stackPolicy(r, today) : resourcePolicy(r, today))), exemptionPolicy(today)];
}
