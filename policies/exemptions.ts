/**
 * Exemptions declared in the stack: `{ rule, target, reason, owner, expires }`. A matching, unexpired exemption
 * turns a result into `exempt` (reported, never dropped). On or after its expiry day an exemption no longer
 * applies and is itself a violation of `exemption-expired`.
 *
 * Target selectors: `Kind/name` (any namespace), `Kind/namespace/name`, or `model:NAME` (every object labelled
 * as belonging to that model). `*` matches any run of characters, `/` included, so `Deployment/*` covers every
 * Deployment and `*` everything. The rule id may use `*` the same way.
 */
import type { Exemption } from "../platform/spec/types.ts";
import type { KubeObject } from "./rule.ts";
import { nameOf, namespaceOf } from "./kube.ts";

export type { Exemption };

export const EXEMPTION_EXPIRED = "exemption-expired";

/** Labels that name the model an object belongs to, in order of preference. */
const MODEL_LABELS = ["modelplane.dev/model", "app.kubernetes.io/instance"];

const globCache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    re = new RegExp(`^${body}$`);
    globCache.set(glob, re);
  }
  return re;
}

/** The model an object serves or belongs to, read from its labels (InferenceService sets the instance label). */
export function modelOf(obj: KubeObject): string | undefined {
  const labels = obj.metadata?.labels ?? {};
  for (const key of MODEL_LABELS) {
    const v = labels[key];
    if (typeof v === "string" && v) return v;
  }
  return undefined;
}

export function targetMatches(target: string, obj: KubeObject): boolean {
  const t = target.trim();
  if (t.startsWith("model:")) {
    const model = modelOf(obj);
    return model !== undefined && globToRegExp(t.slice("model:".length)).test(model);
  }
  const re = globToRegExp(t);
  const ns = namespaceOf(obj);
  const candidates = [`${obj.kind}/${nameOf(obj)}`];
  if (ns) candidates.push(`${obj.kind}/${ns}/${nameOf(obj)}`);
  return candidates.some((c) => re.test(c));
}

/** Today as YYYY-MM-DD in UTC, the form `expires` is written in. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `expires` is a YYYY-MM-DD date (the stack schema demands it; a hand-written pack config may not have it). */
export function hasValidExpiry(ex: Pick<Exemption, "expires">): boolean {
  return typeof ex.expires === "string" && DATE.test(ex.expires);
}

/**
 * Expired on the expiry day itself ("on or after this day the exemption is a violation"). An exemption without
 * a valid date counts as expired: it must never become a permanent, silent waiver.
 */
export function isExpired(ex: Pick<Exemption, "expires">, today: string): boolean {
  return !hasValidExpiry(ex) || ex.expires <= today;
}

/** Why an exemption no longer applies, for the `exemption-expired` violation. */
export function lapseMessage(ex: Pick<Exemption, "rule" | "target" | "expires" | "owner">): string {
  const what = `exemption from ${String(ex.rule)} for ${String(ex.target)}`;
  const owner = `owner ${String(ex.owner ?? "<none>")}`;
  return hasValidExpiry(ex)
    ? `${what} expired on ${ex.expires} (${owner})`
    : `${what} has no valid expiry date (expires: ${JSON.stringify(ex.expires ?? null)}; ${owner}): it does not apply`;
}

/** The first unexpired exemption covering this rule and object, if any. */
export function activeExemption(
  exemptions: readonly Exemption[],
  ruleId: string,
  obj: KubeObject,
  today: string,
): Exemption | undefined {
  return exemptions.find(
    (ex) => globToRegExp(ex.rule).test(ruleId) && !isExpired(ex, today) && targetMatches(ex.target, obj),
  );
}

/** How exemptions are named where a result needs a resource: the rule and the selector. */
export function exemptionRef(ex: Exemption): string {
  return `${ex.rule} ${ex.target}`;
}

export function describeExemption(ex: Exemption): string {
  return `exempt until ${ex.expires} (owner ${ex.owner}): ${ex.reason}`;
}

/** What reports say about `exemption-expired`, which is not a Rule (it judges the stack's exemptions, not objects). */
export const EXEMPTION_EXPIRED_INFO = {
  id: EXEMPTION_EXPIRED,
  group: "security" as const,
  severity: "medium" as const,
  description: "Exemptions declared in the stack have not reached their expiry date.",
  rationale:
    "An exemption is a debt with a due date: once expired it no longer hides the violation, and the lapse itself " +
    "is reported so the owner renews it deliberately or fixes the cause.",
  remediation: "Fix the exempted violation and delete the exemption, or set a new expires date with the owner's agreement.",
};
