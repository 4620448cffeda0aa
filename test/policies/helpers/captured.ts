/** Plain objects as the engine would capture them: one `kubernetes:<group>/<version>:<Kind>` resource each. */
import type { CapturedResource } from "../../../platform/engine/types.ts";
import type { KubeObject } from "../../../policies/rule.ts";

export function capturedFrom(objects: readonly KubeObject[]): CapturedResource[] {
  return objects.map((o, i) => {
    const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["core", o.apiVersion];
    const type = `kubernetes:${group}/${version}:${o.kind}`;
    const name = `${o.metadata?.name ?? "obj"}-${i}`;
    return { urn: `urn:pulumi:test::modelplane::${type}::${name}`, type, name, custom: true, inputs: o, outputs: o, dependencies: [], secretPaths: [] };
  });
}
