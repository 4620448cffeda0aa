/** Builds components under Pulumi mocks (the engine's capture) and finds what they emitted. */
import { captureProgram, type Program } from "../../platform/engine/capture.ts";
import type { CapturedResource } from "../../platform/engine/types.ts";
import { isKubernetesObject, manifestOf } from "../../platform/engine/manifests.ts";

export type Obj = Record<string, any>;

export interface Built {
  resources: CapturedResource[];
  outputs: Record<string, unknown>;
  /** Kubernetes objects, as they would be applied (secrets not masked). */
  objects: Obj[];
  byKind(kind: string): Obj[];
  one(kind: string, name?: string): Obj;
  ofType(type: string): CapturedResource[];
}

export async function build(program: Program, opts: { preview?: boolean; stack?: string } = {}): Promise<Built> {
  const { resources, outputs } = await captureProgram(program, { project: "test", stack: opts.stack ?? "test", preview: opts.preview ?? false, config: {} });
  const objects = resources.filter(isKubernetesObject).map((r) => manifestOf(r, false) as Obj);
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  return {
    resources,
    outputs,
    objects,
    byKind,
    one(kind, name) {
      const found = byKind(kind).filter((o) => name === undefined || o.metadata?.name === name);
      if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` named ${name}` : ""}, found ${found.length}`);
      return found[0]!;
    },
    ofType: (type) => resources.filter((r) => r.type === type),
  };
}

/** Containers of a Deployment's pod template. */
export function podSpec(deployment: Obj): Obj {
  return deployment.spec.template.spec;
}
