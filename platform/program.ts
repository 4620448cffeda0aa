/**
 * The Pulumi program `pulumi up -s <env>` runs (Pulumi.yaml `main`), and the one `modelplane synth` runs
 * offline under mocks: read `modelplane:platform`, build the ModelPlatform, export what teams need.
 * No resource logic lives here.
 */
import * as pulumi from "@pulumi/pulumi";
import { ModelPlatform } from "../components/ModelPlatform.ts";
import { PLATFORM_KEY, SpecValidationError, resolveSpec, type PlatformSpec } from "./spec/index.ts";

export default async function program(): Promise<Record<string, unknown>> {
  const [namespace, key] = PLATFORM_KEY.split(":") as [string, string];
  const raw = new pulumi.Config(namespace).requireObject<unknown>(key);
  const spec = specOrRunError(() => resolveSpec(raw, { stack: pulumi.getStack() }));
  const platform = new ModelPlatform("modelplane", { spec });
  return {
    environment: spec.environment,
    namespace: platform.namespace,
    registryAddress: platform.registryAddress,
    serverImage: platform.serverImage,
    endpoints: platform.endpoints,
  };
}

/** A spec error is the user's to fix: RunError makes the Pulumi CLI print the message without a stack trace. */
function specOrRunError(resolve: () => PlatformSpec): PlatformSpec {
  try {
    return resolve();
  } catch (err) {
    if (err instanceof SpecValidationError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
