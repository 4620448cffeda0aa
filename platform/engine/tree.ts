/** The resource tree (component → children) and counts by kind, as `modelplane synth` prints them. */
import { isDeployable, type CapturedResource } from "./types.ts";

export function kindOf(r: CapturedResource): string {
  if (r.type.startsWith("kubernetes:") && typeof r.inputs["kind"] === "string") return r.inputs["kind"] as string;
  return r.type;
}

export function renderTree(resources: CapturedResource[]): string {
  const children = new Map<string, CapturedResource[]>();
  const roots: CapturedResource[] = [];
  const urns = new Set(resources.map((r) => r.urn));
  for (const r of resources) {
    if (r.parent && urns.has(r.parent)) {
      const list = children.get(r.parent) ?? [];
      list.push(r);
      children.set(r.parent, list);
    } else roots.push(r);
  }
  const lines: string[] = [];
  const walk = (r: CapturedResource, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
    const label = r.custom ? `${kindOf(r)} ${displayName(r)}` : `${r.type} ${r.name}`; // components: type and logical name
    lines.push(`${prefix}${branch}${label}`);
    const kids = (children.get(r.urn) ?? []).slice().sort(byKindThenName);
    const nextPrefix = depth === 0 ? "" : prefix + (last ? "   " : "│  ");
    kids.forEach((k, i) => walk(k, nextPrefix, i === kids.length - 1, depth + 1));
  };
  roots.forEach((r) => walk(r, "", true, 0));
  return lines.join("\n");
}

function displayName(r: CapturedResource): string {
  const meta = r.inputs["metadata"] as { name?: unknown; namespace?: unknown } | undefined;
  if (meta && typeof meta.name === "string") return typeof meta.namespace === "string" ? `${meta.namespace}/${meta.name}` : meta.name;
  return r.name;
}

function byKindThenName(a: CapturedResource, b: CapturedResource): number {
  return Number(a.custom) - Number(b.custom) || kindOf(a).localeCompare(kindOf(b)) || a.name.localeCompare(b.name);
}

export function countByKind(resources: CapturedResource[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of resources) {
    if (!isDeployable(r)) continue;
    counts.set(kindOf(r), (counts.get(kindOf(r)) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
