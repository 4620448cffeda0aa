/**
 * `modelplane/policies`: the rule set and the checks, for programs and CI.
 *
 *   const { results } = await checkManifests(objects, { environment: "prod" });
 *
 * One result per (rule, object the rule applies to), passes included; verdicts pass | fail | exempt |
 * not-applicable; `enforcement` says whether a failure blocks (mandatory) or only advises.
 */
export { checkManifests, checkStack, checkSynth, evaluate, hasMandatoryViolation } from "./check.ts";
export type { CheckOptions, CheckReport, CheckResult, PackConfig, ResourceRef, StackReport, Verdict } from "./check.ts";
export { DEFAULT_ENFORCEMENT, enforcementOf } from "./enforcement.ts";
export { EXEMPTION_EXPIRED, targetMatches } from "./exemptions.ts";
export { parseManifests, readManifests, ManifestError } from "./manifests.ts";
export type { LoadedManifest, ManifestSource } from "./manifests.ts";
export { packConfigForSpec, stackFactsOf } from "./pack-config.ts";
export { packConfigProblems } from "./config-check.ts";
export { rules, ruleById } from "./registry.ts";
export { renderText } from "./report/text.ts";
export { renderJson } from "./report/json.ts";
export { renderSarif } from "./report/sarif.ts";
export { NOT_APPLICABLE } from "./rule.ts";
export type { KubeObject, Rule, RuleContext } from "./rule.ts";
