/**
 * Field paths as users read them: `models[0].autoscaling.maxReplicas`, `labels["example.com/team"]`.
 * Errors carry segments; only the message shows text, so one path can be located in YAML and printed.
 */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** ajv's instancePath is a JSON pointer: `/models/0/name`. Array indexes come back as numbers. */
export function fromJsonPointer(pointer: string, data: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(key);
      out.push(index);
      node = node[index];
    } else {
      out.push(key);
      node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}
