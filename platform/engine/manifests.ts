/**
 * Kubernetes manifests from captured resources: a `kubernetes:*` custom resource's inputs are the object it
 * would apply. Secrets are masked, unknowns stay visible as placeholders. Non-Kubernetes resources (Helm
 * releases, image builds) are described rather than dropped, so the output accounts for everything.
 */
import { stringify } from "yaml";
import { splitPath } from "./paths.ts";
import { DESCRIPTOR_DIR, SECRET_MASK, isDeployable, type CapturedResource } from "./types.ts";

export { SECRET_MASK } from "./types.ts";

export interface RenderedFile {
  /** Relative path inside the output directory. */
  path: string;
  content: string;
  kind: string;
}

export function isKubernetesObject(r: CapturedResource): boolean {
  return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && typeof r.inputs["kind"] === "string";
}

/** The object as it would be applied, secrets masked. */
export function manifestOf(r: CapturedResource, maskSecrets = true): Record<string, unknown> {
  return maskSecrets ? masked(r.inputs, r.secretPaths) : structuredClone(r.inputs);
}

/** A copy of `value` with every path in `secretPaths` replaced by SECRET_MASK. */
export function masked(value: Record<string, unknown>, secretPaths: string[]): Record<string, unknown> {
  const obj = structuredClone(value);
  for (const p of secretPaths) setPath(obj, p, SECRET_MASK);
  return obj;
}

/** A captured resource safe to print: inputs, and the outputs that echo them, with secrets masked. */
export function printableResource(r: CapturedResource): CapturedResource {
  return { ...r, inputs: masked(r.inputs, r.secretPaths), outputs: masked(r.outputs, r.secretPaths) };
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  if (path === "") return;
  const keys = splitPath(path);
  let cur: unknown = obj;
  for (const [i, key] of keys.entries()) {
    if (cur === null || typeof cur !== "object") return;
    const container = cur as Record<string, unknown>;
    if (i === keys.length - 1) {
      if (key in container) container[key] = maskDeep(container[key], value);
      return;
    }
    cur = container[key];
  }
}

/** A masked map keeps its keys (Secret data keys are not secret), masking each value. */
function maskDeep(current: unknown, mask: unknown): unknown {
  if (current && typeof current === "object" && !Array.isArray(current)) {
    return Object.fromEntries(Object.keys(current).map((k) => [k, mask]));
  }
  return mask;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "unnamed";
}

export function renderResources(resources: CapturedResource[]): RenderedFile[] {
  const files: RenderedFile[] = [];
  const seen = new Set<string>();
  const unique = (p: string) => {
    let candidate = p;
    for (let i = 2; seen.has(candidate); i++) candidate = p.replace(/\.yaml$/, `-${i}.yaml`);
    seen.add(candidate);
    return candidate;
  };
  for (const r of resources) {
    if (!isDeployable(r)) continue;
    if (isKubernetesObject(r)) {
      const obj = manifestOf(r);
      const kind = String(obj["kind"]);
      const meta = (obj["metadata"] ?? {}) as { name?: unknown; namespace?: unknown };
      const folder = typeof meta.namespace === "string" ? slug(meta.namespace) : "_cluster";
      const file = unique(`${folder}/${slug(kind)}-${slug(String(meta.name ?? r.name))}.yaml`);
      files.push({ path: file, content: stringify(obj, { lineWidth: 0 }), kind });
    } else {
      // Not something kubectl could apply: keep a descriptor of what Pulumi would create.
      const descriptor = { pulumiType: r.type, name: r.name, inputs: manifestOf(r) };
      files.push({ path: unique(`${DESCRIPTOR_DIR}/${slug(r.type.split(":").pop() ?? r.type)}-${slug(r.name)}.yaml`), content: stringify(descriptor, { lineWidth: 0 }), kind: r.type });
    }
  }
  return files;
}
