/** Kubernetes object names, set explicitly (no Pulumi auto-naming suffixes) so other tools can find them. */
import { ArgumentError } from "./errors.ts";

const MAX_DNS_LABEL = 63;

/** A DNS-1123 label from parts: lower-case, `-`-joined, at most 63 characters (long names keep a stable hash). */
export function k8sName(...parts: string[]): string {
  const joined = parts
    .filter((p) => p.length > 0)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (joined.length <= MAX_DNS_LABEL) return joined;
  const hash = fnv1a(joined).toString(16).padStart(8, "0");
  return `${joined.slice(0, MAX_DNS_LABEL - 9).replace(/-+$/, "")}-${hash}`;
}

/** Throws naming the field when `value` is not a DNS-1123 label: components fail early, not at apply. */
export function assertDnsLabel(field: string, value: string): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) || value.length > MAX_DNS_LABEL) {
    throw new ArgumentError(`${field}: '${value}' is not a valid Kubernetes name (lower-case alphanumerics and '-', at most 63)`);
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
