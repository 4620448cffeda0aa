/**
 * Pulumi resources as Kubernetes objects. The same conversion serves the pack (a resource's `args.props` under
 * the Pulumi CLI) and the offline check (a resource the engine captured), so both see identical objects.
 */
import type { KubeObject } from "./rule.ts";

/** Kubernetes provider components that carry no object of their own (their children are the objects). */
const COMPONENT_TOKENS = /^kubernetes:(helm\.sh|yaml|kustomize)(\/|:)/;

/**
 * `kubernetes:apps/v1:Deployment` → `apps/v1`, `Deployment`; `kubernetes:core/v1:Service` → `v1`, `Service`.
 * Undefined for tokens that are not plain Kubernetes kinds.
 */
export function kindOfToken(type: string): { apiVersion: string; kind: string } | undefined {
  if (!type.startsWith("kubernetes:") || COMPONENT_TOKENS.test(type)) return undefined;
  const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m || !m[1] || !m[2] || !m[1].includes("/")) return undefined;
  const [group, version] = m[1].split("/") as [string, string];
  return { apiVersion: group === "core" ? version : `${group}/${version}`, kind: m[2] };
}

export function isKubernetesType(type: string): boolean {
  return type.startsWith("kubernetes:") && !COMPONENT_TOKENS.test(type);
}

/**
 * The object a Kubernetes resource's inputs describe, or undefined for anything else. The provider SDK puts
 * `apiVersion` and `kind` in every resource's inputs; the type token is the fallback. A missing
 * `metadata.name` becomes the Pulumi name (reports need a name; auto-naming would add a suffix).
 *
 * Props are not copied when nothing is missing: under the Pulumi CLI they are a proxy that throws on unknown
 * values, and reading them all here would fail rules that never look at the unknown part.
 */
export function kubeObjectFromResource(type: string, props: Record<string, unknown>, name: string): KubeObject | undefined {
  if (!isKubernetesType(type)) return undefined;
  const fromToken = kindOfToken(type);
  const apiVersion = typeof props.apiVersion === "string" ? props.apiVersion : fromToken?.apiVersion;
  const kind = typeof props.kind === "string" ? props.kind : fromToken?.kind;
  if (!apiVersion || !kind) return undefined;
  const metadata = props.metadata && typeof props.metadata === "object" ? (props.metadata as Record<string, unknown>) : undefined;
  const hasName = typeof metadata?.name === "string";
  if (props.apiVersion === apiVersion && props.kind === kind && hasName) return props as KubeObject;
  const obj: Record<string, unknown> = {};
  for (const key of Object.keys(props)) {
    if (key === "apiVersion" || key === "kind" || (key === "metadata" && !hasName)) continue;
    Object.defineProperty(obj, key, { enumerable: true, configurable: true, get: () => props[key] });
  }
  obj.apiVersion = apiVersion;
  obj.kind = kind;
  if (!hasName) {
    Object.defineProperty(obj, "metadata", {
      enumerable: true,
      configurable: true,
      get: () => ({ ...(metadata ?? {}), name }),
    });
  }
  return obj as KubeObject;
}
