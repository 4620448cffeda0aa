/**
 * Property paths into captured inputs, in Pulumi's own syntax: `spec.template`, `containers[0]`, and
 * `data["config.yaml"]` for keys that are not plain identifiers. Kubernetes keys are full of dots and slashes
 * (`.dockerconfigjson`, `app.kubernetes.io/name`), so a dotted join alone could not be walked back.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function joinPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/** The keys of a path made by joinPath (array indices as strings, as object keys of arrays are). */
export function splitPath(path: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === ".") i++;
    if (path[i] === "[") {
      if (path[i + 1] === '"') {
        // A JSON string: find its closing quote, skipping escaped characters.
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === "\\" ? 2 : 1;
        keys.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        i = j + 2; // past `"]`
      } else {
        const end = path.indexOf("]", i);
        keys.push(path.slice(i + 1, end));
        i = end + 1;
      }
    } else {
      const m = /^[^.[]+/.exec(path.slice(i));
      if (!m) break;
      keys.push(m[0]);
      i += m[0].length;
    }
  }
  return keys;
}
