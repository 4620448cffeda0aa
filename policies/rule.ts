/**
 * The shape every policy rule has. Rules are plain objects judging Kubernetes objects (the same JSON whether it
 * came from a Pulumi resource's inputs, a captured offline stack or a YAML file), so one rule set serves the
 * Pulumi CLI pack, `modelplane check --stack` and `modelplane check --manifests`. Rules never import components.
 */
import type { Environment, RuleGroup } from "../platform/spec/types.ts";

export type { Environment, RuleGroup };

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** Any Kubernetes object; fields beyond these are read through the helpers in kube.ts. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

/** Returned by `validate` when the rule does not apply to this particular object (e.g. a CPU-only pod for a GPU rule). */
export const NOT_APPLICABLE: unique symbol = Symbol("not-applicable");
export type NotApplicable = typeof NOT_APPLICABLE;

/** JSON Schema (draft-07 subset CrossGuard accepts) for one config property; `default` is applied. */
export type ConfigProperty = Record<string, unknown> & { default?: unknown };

export interface RuleContext {
  environment: Environment | undefined;
  /** This rule's config: defaults from `configSchema` merged with what the user set. */
  config: Record<string, unknown>;
  /**
   * Every object of the same input (stack or manifest set), for rules that relate objects
   * (a PDB for a Deployment, a Service's selector). Includes the object under validation.
   */
  inventory: readonly KubeObject[];
}

export interface Rule {
  /** Stable kebab-case id; the canonical id of shared/policy-corpus/checks.md where one fits. */
  id: string;
  group: RuleGroup;
  severity: "high" | "medium" | "low";
  /** One line: what the rule requires. */
  description: string;
  /** Why it matters. */
  rationale: string;
  /** How to fix a violation. */
  remediation: string;
  /** Kinds judged (`Deployment`, ...) or "*" for any object. */
  kinds: readonly string[] | "*";
  /**
   * true when the verdict depends on other objects (ctx.inventory). Such rules run as stack policies under the
   * Pulumi CLI, since a resource policy there sees one resource at a time.
   */
  needsInventory: boolean;
  configSchema?: Record<string, ConfigProperty>;
  /** Violation messages; an empty array is a pass. */
  validate(obj: KubeObject, ctx: RuleContext): string[] | NotApplicable;
}

/**
 * Config property names that carry stack-level facts. A rule that declares one of these in its `configSchema`
 * gets it filled from the stack spec (offline: `policies/spec-config.ts`; Pulumi CLI: the JSON written by
 * `modelplane check --stack ENV --emit-pack-config FILE`). Use these names instead of inventing new ones.
 *   allowedRegistries: string[]  ← spec.registry.allowed (registries images and model artifacts may come from)
 *   gpuBudget: number            ← spec.gpu.budget (0 = no limit)
 *   gpuProductLabel: string      ← spec.gpu.productLabel
 *   gpuTaintKey: string          ← spec.gpu.taint.key
 * `environment` and `exemptions` are reserved: the pack adds them to every policy's config.
 */
export const SPEC_CONFIG_KEYS = ["allowedRegistries", "gpuBudget", "gpuProductLabel", "gpuTaintKey"] as const;
export type SpecConfigKey = (typeof SPEC_CONFIG_KEYS)[number];
