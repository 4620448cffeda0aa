/**
 * Runs rules over a set of objects with the Pulumi CLI's (CrossGuard's) semantics, so an offline check gives
 * the verdicts `pulumi preview --policy-pack` would:
 * - config: each rule's `configSchema` defaults, overlaid by what the caller set;
 * - unknown values: a rule that reads one gets `unknown` (the CLI reports an advisory "can't run during preview");
 * - `NOT_APPLICABLE` from a rule is `not-applicable` (the CLI's `args.notApplicable()`);
 * - rules only see objects of their kinds; inventory rules see every object of the input.
 */
import { NOT_APPLICABLE, type Environment, type KubeObject, type Rule } from "./rule.ts";
import { containsUnknown, unknownCheckingProxy, UnknownValueError } from "./unknown.ts";

export type RawVerdict = "pass" | "fail" | "not-applicable" | "unknown";

export interface RuleOutcome {
  rule: Rule;
  /** The object as given (never the proxy), so callers can look up where it came from. */
  object: KubeObject;
  verdict: RawVerdict;
  messages: string[];
}

export interface RunOptions {
  environment?: Environment;
  /** Config per rule id, overlaid on the rule's schema defaults. */
  config?: Record<string, Record<string, unknown> | undefined>;
}

export function configDefaults(rule: Rule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(rule.configSchema ?? {})) {
    // Clone so a rule mutating its config cannot change the defaults for the next object.
    if (prop.default !== undefined) out[key] = structuredClone(prop.default);
  }
  return out;
}

export function effectiveConfig(rule: Rule, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = configDefaults(rule);
  for (const [k, v] of Object.entries(given ?? {})) if (k !== "enforcementLevel" && v !== undefined) out[k] = v;
  return out;
}

export function appliesToKind(rule: Rule, kind: string): boolean {
  return rule.kinds === "*" || rule.kinds.includes(kind);
}

export function runRules(rules: readonly Rule[], objects: readonly KubeObject[], opts: RunOptions = {}): RuleOutcome[] {
  // Only objects holding an unknown pay for the proxy; manifests never do.
  const views = objects.map((o) => (containsUnknown(o) ? unknownCheckingProxy(o) : o));
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    objects.forEach((object, i) => {
      if (!appliesToKind(rule, object.kind)) return;
      const view = views[i] as KubeObject;
      // A resource rule sees only its object, as a ResourceValidationPolicy does under the Pulumi CLI.
      const inventory = rule.needsInventory ? views : [view];
      // Fresh config per object: a rule that mutates its config cannot leak into the next verdict.
      const config = effectiveConfig(rule, opts.config?.[rule.id]);
      outcomes.push({ rule, object, ...judge(rule, view, { environment: opts.environment, config, inventory }) });
    });
  }
  return outcomes;
}

function judge(rule: Rule, view: KubeObject, ctx: Parameters<Rule["validate"]>[1]): { verdict: RawVerdict; messages: string[] } {
  try {
    const result = rule.validate(view, ctx);
    if (result === NOT_APPLICABLE) return { verdict: "not-applicable", messages: [] };
    return result.length === 0 ? { verdict: "pass", messages: [] } : { verdict: "fail", messages: result };
  } catch (err) {
    if (err instanceof UnknownValueError) {
      return { verdict: "unknown", messages: [`cannot check during preview: ${err.message}`] };
    }
    // A crashing rule is a bug in the pack; report it on the object rather than hide it or abort the run.
    return { verdict: "fail", messages: [`rule ${rule.id} failed: ${(err as Error)?.message ?? String(err)}`] };
  }
}
