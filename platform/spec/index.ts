/**
 * The stack spec: what `modelplane:platform` may say (platform.schema.json), how a stack file is read
 * (loadStack) and how a plain object becomes a PlatformSpec (resolveSpec). Pulumi-free by design.
 */
export type * from "./types.ts";
export type { PlatformInput, ModelInput } from "./input.ts";
export { loadStack, PLATFORM_KEY, type LoadedStack, type LoadOptions } from "./loader.ts";
export { resolveSpec, checkPlatform, environmentOfStack, type ResolveOptions, type CheckResult } from "./resolve.ts";
export { SpecValidationError, formatSpecError, displayFile, type SpecError, type SpecIssue } from "./errors.ts";
export {
  applyDefaults,
  environmentDefaults,
  GPU_OPERATOR_CHART_VERSION,
  KUBE_PROMETHEUS_STACK_CHART_VERSION,
  PROD_MANDATORY_GROUPS,
  RULE_GROUPS,
  type EnvironmentDefaults,
} from "./defaults.ts";
export { semanticIssues, isRealDate } from "./semantic.ts";
export { SCHEMA_URL, STACK_SCHEMA_URL, platformSchema } from "./schema.ts";
export { findProjectRoot, readProject, resolveStackRef, type Project } from "./project.ts";
export { formatPath, type Path, type PathSegment } from "./path.ts";
