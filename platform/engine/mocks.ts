/**
 * What the engine's mocks answer for each resource: the inputs back as state (as a provider would echo them),
 * plus, in update mode, the few computed outputs the program reads. During preview those stay absent, so the
 * SDK marks them unknown exactly as `pulumi preview` would.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

type MockArgs = pulumi.runtime.MockResourceArgs;

/** A digest standing for "what this build would produce": a hash of the build inputs, never a real registry digest. */
function buildDigest(inputs: Record<string, unknown>): string {
  return "sha256:" + createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
}

function computedOutputs(args: MockArgs, preview: boolean): Record<string, unknown> {
  if (preview) return {};
  switch (args.type) {
    case "docker:index/image:Image": {
      const imageName = String(args.inputs["imageName"] ?? "");
      const repo = imageName.replace(/:[^/:]+$/, "");
      return { repoDigest: `${repo}@${buildDigest(args.inputs)}`, baseImageName: imageName };
    }
    default:
      return {};
  }
}

export function engineMocks(preview: boolean): pulumi.runtime.Mocks {
  return {
    newResource(args: MockArgs): { id: string | undefined; state: Record<string, unknown> } {
      const state: Record<string, unknown> = { ...args.inputs, ...computedOutputs(args, preview) };
      // helm.v4.Chart is rendered by the provider at deploy time; offline it has no children to report.
      if (args.type === "kubernetes:helm.sh/v4:Chart") state["resources"] = [];
      return { id: args.custom ? `${args.name}-id` : undefined, state };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      return args.inputs;
    },
  };
}
