/**
 * The check: rules → runner → enforcement → exemptions → one result per (rule, object the rule applies to),
 * passes included. `checkManifests` judges plain objects; `checkStack` judges what the engine captures from
 * the real Pulumi program, with the stack's environment, enforcement, exemptions and rule config.
 */
import type { CapturedResource, SynthResult } from "../platform/engine/types.ts";
import type { Enforcement, Environment, Exemption, PlatformSpec } from "../platform/spec/types.ts";
import { enforcementOf, isEnforcement, type PolicyLevels } from "./enforcement.ts";
import { activeExemption, describeExemption, EXEMPTION_EXPIRED, globToRegExp, isExpired, lapseMessage, todayUtc } from "./exemptions.ts";
import type { ManifestSource } from "./manifests.ts";
import { rules as allRules } from "./registry.ts";
import { kubeObjectFromResource } from "./resources.ts";
import type { KubeObject, Rule } from "./rule.ts";
import { runRules } from "./runner.ts";
import { specConfig } from "./spec-config.ts";

export type Verdict = "pass" | "fail" | "exempt" | "not-applicable";

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface CheckResult {
  rule: string;
  verdict: Verdict;
  enforcement: Enforcement;
  resource: ResourceRef;
  message?: string;
  /** Set on `exempt` results: the exemption that applied. */
  exemption?: Exemption;
  /** true when the rule needed a value unknown during preview (reported as an advisory failure). */
  unknown?: boolean;
  /** Where the object came from: a manifest file and line, or the stack file. */
  source?: ManifestSource;
  /** Pulumi URN, for stack checks. */
  urn?: string;
}

export interface CheckReport {
  environment?: Environment;
  results: CheckResult[];
}

/**
 * Per-rule config in the shape of `pulumi --policy-pack-config`: a level, or properties with an optional
 * `enforcementLevel`. A level given here beats the stack's (it is what the CLI would do with that file).
 */
export type PackConfig = Record<string, Enforcement | ({ enforcementLevel?: Enforcement } & Record<string, unknown>)>;

export interface CheckOptions {
  environment?: Environment;
  config?: PackConfig;
  /** Levels per group and per rule, as in the stack's `policy`. */
  policy?: PolicyLevels;
  exemptions?: readonly Exemption[];
  /** Rules to run; every rule of the pack by default. */
  rules?: readonly Rule[];
  /** YYYY-MM-DD used for exemption expiry; today (UTC) by default. */
  today?: string;
  /** Where each object came from, for reports. */
  sourceOf?: (obj: KubeObject) => ManifestSource | undefined;
  urnOf?: (obj: KubeObject) => string | undefined;
  /**
   * Objects inventory rules see instead of `objects`, when they differ (the Pulumi CLI hands stack policies a
   * resource's outputs and resource policies its inputs). Same order and length as `objects`.
   */
  inventoryObjects?: readonly KubeObject[];
}

export function resourceRef(obj: KubeObject): ResourceRef {
  // Hand-written YAML may put a number where a name belongs (`name: 2024`); reports promise strings.
  const meta: Record<string, unknown> = obj.metadata && typeof obj.metadata === "object" ? obj.metadata : {};
  const name = meta.name === undefined || meta.name === null || meta.name === "" ? "<unnamed>" : String(meta.name);
  const ref: ResourceRef = { apiVersion: String(obj.apiVersion), kind: String(obj.kind), name };
  if (meta.namespace !== undefined && meta.namespace !== null && meta.namespace !== "") ref.namespace = String(meta.namespace);
  return ref;
}

function levelFromConfig(config: PackConfig | undefined, id: string): Enforcement | undefined {
  const c = config?.[id];
  if (isEnforcement(c)) return c;
  if (c && typeof c === "object" && isEnforcement(c.enforcementLevel)) return c.enforcementLevel;
  return undefined;
}

/** A rule's own config from a pack config: without the level and the keys the pack reserves for itself. */
function propsFromConfig(config: PackConfig | undefined, id: string): Record<string, unknown> | undefined {
  const c = config?.[id];
  if (!c || typeof c !== "object") return undefined;
  const { enforcementLevel: _level, environment: _env, exemptions: _ex, ...props } = c;
  return props;
}

export function evaluate(objects: readonly KubeObject[], opts: CheckOptions = {}): CheckReport {
  const rules = opts.rules ?? allRules;
  const today = opts.today ?? todayUtc();
  const exemptions = opts.exemptions ?? [];
  const levelOf = (rule: Rule) => levelFromConfig(opts.config, rule.id) ?? enforcementOf(rule, opts.environment, opts.policy);
  const enabled = rules.filter((r) => levelOf(r) !== "disabled");
  const config = Object.fromEntries(enabled.map((r) => [r.id, propsFromConfig(opts.config, r.id)]));
  const runOpts = { environment: opts.environment, config };
  const outcomes = opts.inventoryObjects
    ? [
        ...runRules(enabled.filter((r) => !r.needsInventory), objects, runOpts),
        ...remap(runRules(enabled.filter((r) => r.needsInventory), opts.inventoryObjects, runOpts), opts.inventoryObjects, objects),
      ]
    : runRules(enabled, objects, runOpts);
  // Report order: by rule as registered, then by object as given.
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const objIndex = new Map(objects.map((o, i) => [o, i]));
  outcomes.sort((a, b) => (ruleIndex.get(a.rule.id)! - ruleIndex.get(b.rule.id)!) || (objIndex.get(a.object)! - objIndex.get(b.object)!));

  const results: CheckResult[] = outcomes.map(({ rule, object, verdict, messages }) => {
    const result: CheckResult = { rule: rule.id, verdict: verdict === "unknown" ? "fail" : verdict, enforcement: levelOf(rule), resource: resourceRef(object) };
    if (messages.length > 0) result.message = messages.join("; ");
    if (verdict === "unknown") {
      // As the Pulumi CLI does: a rule that cannot see a value during preview only advises.
      result.unknown = true;
      result.enforcement = "advisory";
    }
    if (result.verdict === "fail") {
      const ex = activeExemption(exemptions, rule.id, object, today);
      if (ex) {
        result.verdict = "exempt";
        result.exemption = ex;
        result.message = `${result.message ?? ""} [${describeExemption(ex)}]`.trim();
      }
    }
    const source = opts.sourceOf?.(object);
    if (source) result.source = source;
    const urn = opts.urnOf?.(object);
    if (urn) result.urn = urn;
    return result;
  });
  results.push(...exemptionResults(exemptions, rules, today, levelOf));
  return { ...(opts.environment ? { environment: opts.environment } : {}), results };
}

function remap<T extends { object: KubeObject }>(outcomes: T[], from: readonly KubeObject[], to: readonly KubeObject[]): T[] {
  const index = new Map(from.map((o, i) => [o, i]));
  return outcomes.map((o) => ({ ...o, object: to[index.get(o.object)!]! }));
}

/**
 * One result per declared exemption under `exemption-expired`: pass while it runs, fail from its expiry day,
 * as strictly enforced as the strictest rule it exempts from.
 */
function exemptionResults(
  exemptions: readonly Exemption[],
  rules: readonly Rule[],
  today: string,
  levelOf: (r: Rule) => Enforcement,
): CheckResult[] {
  return exemptions.map((ex) => {
    const covered = rules.filter((r) => globToRegExp(ex.rule).test(r.id));
    const levels = covered.map(levelOf);
    const enforcement: Enforcement = levels.includes("mandatory") ? "mandatory" : "advisory";
    const resource: ResourceRef = { apiVersion: "modelplane.dev/v1", kind: "PolicyExemption", name: `${ex.rule}@${ex.target}` };
    if (isExpired(ex, today)) {
      return {
        rule: EXEMPTION_EXPIRED,
        verdict: "fail",
        enforcement,
        resource,
        message: `${lapseMessage(ex)}: renew it with a new date or fix the violation`,
      };
    }
    const r: CheckResult = { rule: EXEMPTION_EXPIRED, verdict: "pass", enforcement, resource };
    if (covered.length === 0) r.message = `exemption names no rule of the pack (${ex.rule})`;
    return r;
  });
}

export async function checkManifests(
  objects: readonly KubeObject[],
  opts: { environment?: Environment; config?: PackConfig; exemptions?: readonly Exemption[]; today?: string } = {},
): Promise<CheckReport> {
  assertKubeObjects(objects);
  return evaluate(objects, opts);
}

/** Library callers get a clear error for input that is not a list of objects, not a TypeError from a rule. */
function assertKubeObjects(objects: unknown): asserts objects is readonly KubeObject[] {
  if (!Array.isArray(objects)) throw new TypeError("checkManifests: objects must be an array of Kubernetes objects");
  objects.forEach((o: unknown, i) => {
    const v = o as { apiVersion?: unknown; kind?: unknown } | null;
    if (!v || typeof v !== "object" || Array.isArray(v) || typeof v.apiVersion !== "string" || typeof v.kind !== "string") {
      throw new TypeError(`checkManifests: objects[${i}] is not a Kubernetes object (a mapping with string apiVersion and kind)`);
    }
  });
}

export function hasMandatoryViolation(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.verdict === "fail" && r.enforcement === "mandatory");
}

/** The Kubernetes objects of a captured stack: inputs (what resource policies see) and outputs (stack policies). */
export function stackObjects(resources: readonly CapturedResource[]): Array<{ input: KubeObject; output: KubeObject; resource: CapturedResource }> {
  const out: Array<{ input: KubeObject; output: KubeObject; resource: CapturedResource }> = [];
  for (const r of resources) {
    if (!r.custom) continue;
    const input = kubeObjectFromResource(r.type, r.inputs, r.name);
    if (!input) continue;
    const output = kubeObjectFromResource(r.type, r.outputs, r.name) ?? input;
    out.push({ input, output, resource: r });
  }
  return out;
}

export interface StackReport extends CheckReport {
  stack: string;
  preview: boolean;
}

/** Checks what the engine captured, with everything the stack's spec says about policy. */
export function checkSynth(
  synth: SynthResult & { spec: PlatformSpec },
  opts: { today?: string; rules?: readonly Rule[]; stackFile?: string; config?: PackConfig } = {},
): StackReport {
  const rules = opts.rules ?? allRules;
  const objs = stackObjects(synth.resources);
  const byInput = new Map(objs.map((o) => [o.input, o.resource]));
  const spec = synth.spec;
  const config: PackConfig = { ...specConfig(rules, spec) };
  for (const [id, c] of Object.entries(opts.config ?? {})) config[id] = c;
  const file = opts.stackFile ?? `stacks/Pulumi.${synth.stack}.yaml`;
  const report = evaluate(
    objs.map((o) => o.input),
    {
      environment: spec.environment,
      policy: spec.policy,
      exemptions: spec.policy.exemptions,
      config,
      rules,
      ...(opts.today ? { today: opts.today } : {}),
      inventoryObjects: objs.map((o) => o.output),
      // The stack file, not a line in it: the objects come from the program, not from YAML the user wrote.
      sourceOf: () => ({ file, line: 0 }),
      urnOf: (o) => byInput.get(o)?.urn,
    },
  );
  // Exemptions are declared in the stack file too: their results point there (code scanning needs a file).
  for (const r of report.results) if (r.rule === EXEMPTION_EXPIRED && !r.source) r.source = { file, line: 0 };
  return { ...report, stack: synth.stack, preview: synth.preview };
}

/**
 * Loads the stack, runs the real program under mocks (preview: unknown outputs stay unknown, as in
 * `pulumi preview`; update: filled in) and checks the result. Pulumi is loaded only here, on demand.
 */
export async function checkStack(
  ref: string,
  opts: { cwd?: string; preview?: boolean; today?: string; config?: PackConfig } = {},
): Promise<StackReport & { file: string }> {
  const cwd = opts.cwd ?? process.cwd();
  const spec = await import("../platform/spec/index.ts");
  const engine = await import("../platform/engine/index.ts");
  const loaded = spec.loadStack(ref, { cwd });
  const synth = await engine.synthesizeLoaded(loaded, { preview: opts.preview ?? false });
  const file = spec.displayFile(synth.file, cwd);
  return { ...checkSynth(synth, { ...opts, stackFile: file }), file };
}
