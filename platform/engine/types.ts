/**
 * What the offline engine captures when it runs the Pulumi program under mocks: every resource registration,
 * in registration order, with the inputs as the Pulumi CLI would hand them to a policy pack.
 */

/** Stands in for a value Pulumi cannot know until deploy (an unknown output during preview). */
export const UNKNOWN = "<unknown: computed at deploy>";
/** Replaces a secret value wherever the engine prints or writes it (manifests, --json, stack outputs). */
export const SECRET_MASK = "<secret>";
/** Stands in for a `secure:` stack value the engine cannot and must not decrypt. */
export const SECRET_PLACEHOLDER = "<secret: set with pulumi config set --secret>";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

export interface CapturedResource {
  urn: string;
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment` or `modelplane:index:InferenceService`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** false for ComponentResources. */
  custom: boolean;
  /** Inputs, resolved; values unknown at preview are UNKNOWN, secrets are unwrapped (they are marked in `secretPaths`). */
  inputs: Record<string, unknown>;
  /** Outputs the mock returned (state); equal to inputs plus ids for custom resources. */
  outputs: Record<string, unknown>;
  parent?: string;
  /** URNs this resource depends on (explicit dependsOn and through inputs). */
  dependencies: string[];
  /** Paths (Pulumi property-path syntax, see paths.ts) of inputs that were secrets. */
  secretPaths: string[];
}

export interface SynthResult {
  /** The stack name, e.g. `prod`. */
  stack: string;
  preview: boolean;
  resources: CapturedResource[];
  /** Stack outputs of the program. */
  outputs: Record<string, unknown>;
}

/**
 * A resource Pulumi would create: custom resources, and components a provider implements (a Helm release),
 * as opposed to components of this program, which are only grouping.
 */
export function isDeployable(r: Pick<CapturedResource, "custom" | "type">): boolean {
  if (r.custom) return !r.type.startsWith("pulumi:providers:");
  const pkg = r.type.split(":")[0];
  return pkg !== "modelplane" && pkg !== "pulumi";
}

/** Folder (inside a synth output) for descriptors of resources that are not Kubernetes objects. */
export const DESCRIPTOR_DIR = "_pulumi";
