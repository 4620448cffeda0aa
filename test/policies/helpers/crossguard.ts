/**
 * Calls the pack's policies the way the Pulumi CLI's analyzer host (@pulumi/policy's server.js) does: level from
 * the policy config (else the policy's own), disabled policies skipped, `getConfig()` returning the config
 * without `enforcementLevel`, props wrapped in the SDK's own unknown-checking proxy, `notApplicable()` throwing,
 * resource policies once per resource with its inputs, stack policies once with every resource's outputs.
 */
import { createRequire } from "node:module";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { ModelplanePolicy } from "../../../policies/pack-policies.ts";

const require = createRequire(import.meta.url);
// The SDK's internal proxy, so props behave exactly as under the CLI.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy.js") as { unknownCheckingProxy: <T>(v: T) => T };

export interface CliResource {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface Diagnostic {
  policy: string;
  urn: string | undefined;
  message: string;
  enforcementLevel: string;
}

export interface CliRun {
  diagnostics: Diagnostic[];
  /** Resource policies: `policy|urn` pairs reported not applicable. */
  notApplicable: Set<string>;
  /** Resource policies: `policy|urn` pairs that ran to the end (applicable). */
  ran: Set<string>;
}

class NotApplicable extends Error {}

type PackConfig = Record<string, Record<string, unknown> & { enforcementLevel?: string }>;

function getConfigOf(config: PackConfig, name: string): () => Record<string, unknown> {
  return () => {
    const { enforcementLevel: _ignored, ...props } = config[name] ?? {};
    return props;
  };
}

function reporter(out: Diagnostic[], policy: string, level: string, defaultUrn?: string) {
  return (message: unknown, urn?: string) => {
    if (message && typeof message === "object") {
      const m = message as { message?: string; urn?: string; enforcementLevel?: string };
      out.push({ policy, urn: m.urn ?? defaultUrn, message: m.message ?? "", enforcementLevel: m.enforcementLevel ?? level });
    } else out.push({ policy, urn: defaultUrn ?? urn, message: String(message ?? ""), enforcementLevel: level });
  };
}

const opts = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

export async function runLikeCli(policies: readonly ModelplanePolicy[], resources: readonly CliResource[], config: PackConfig): Promise<CliRun> {
  const run: CliRun = { diagnostics: [], notApplicable: new Set(), ran: new Set() };
  const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
  };
  for (const p of policies) {
    let level = (config[p.name]?.enforcementLevel as string | undefined) ?? p.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    if (level === "remediate") level = "mandatory";
    if ("validateResource" in p && p.validateResource) {
      const validate = (p as ResourceValidationPolicy).validateResource as Exclude<ResourceValidationPolicy["validateResource"], undefined | unknown[]>;
      for (const r of resources) {
        const args = {
          type: r.type,
          props: unknownCheckingProxy(structuredClone(r.inputs)),
          urn: r.urn,
          name: r.name,
          opts,
          stackTags: new Map<string, string>(),
          isType: () => false,
          asType: () => undefined,
          getConfig: getConfigOf(config, p.name),
          notApplicable,
        };
        try {
          await validate(args as never, reporter(run.diagnostics, p.name, level, r.urn) as never);
          run.ran.add(`${p.name}|${r.urn}`);
        } catch (e) {
          if (e instanceof NotApplicable) run.notApplicable.add(`${p.name}|${r.urn}`);
          else throw e;
        }
      }
    } else if ("validateStack" in p) {
      const stackResources = resources.map((r) => ({
        type: r.type,
        props: unknownCheckingProxy(structuredClone(r.outputs)),
        urn: r.urn,
        name: r.name,
        opts,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      }));
      try {
        await (p as StackValidationPolicy).validateStack(
          { resources: stackResources, getConfig: getConfigOf(config, p.name), stackTags: new Map(), notApplicable } as never,
          reporter(run.diagnostics, p.name, level) as never,
        );
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return run;
}
