/**
 * Validates Kubernetes objects against the published schemas: core APIs from `kubernetes-models`, CRDs from
 * the KEDA, prometheus-operator and Gateway API model packages. Unknown apiVersion/kind is an error, so a
 * manifest can never pass by not being checked.
 */
const crdPackages: Record<string, string> = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
};

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

const cache = new Map<string, Record<string, unknown>>();

function modulePath(apiVersion: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") as [string, string] : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}`;
  const pkg = crdPackages[group];
  return pkg ? `${pkg}/${group}/${version}` : `kubernetes-models/${group}/${version}`;
}

export async function modelClassFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const path = modulePath(apiVersion);
  let mod = cache.get(path);
  if (!mod) {
    try {
      mod = (await import(path)) as Record<string, unknown>;
    } catch {
      throw new Error(`no schema package for apiVersion ${apiVersion}`);
    }
    cache.set(path, mod);
  }
  const cls = mod[kind];
  if (typeof cls !== "function") throw new Error(`no schema for ${apiVersion} ${kind}`);
  return cls as ModelClass;
}

/** Throws with the schema's complaint and the object's identity. */
export async function validateAgainstSchema(obj: Record<string, unknown>): Promise<void> {
  const apiVersion = String(obj["apiVersion"]);
  const kind = String(obj["kind"]);
  const Cls = await modelClassFor(apiVersion, kind);
  try {
    new Cls(obj).validate();
  } catch (err) {
    const meta = (obj["metadata"] ?? {}) as { name?: string };
    throw new Error(`${kind}/${meta.name ?? "?"} (${apiVersion}) fails its schema: ${(err as Error).message}`);
  }
}
