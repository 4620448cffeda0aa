/**
 * Runs a Pulumi program in-process under mocks and records every resource registration the way the engine
 * would receive it (type, name, parent, dependencies, inputs on the wire), in registration order.
 */
import * as pulumi from "@pulumi/pulumi";
import { decodeWire } from "./decode.ts";
import { engineMocks } from "./mocks.ts";
import { SECRET_MASK, UNKNOWN, type CapturedResource } from "./types.ts";

// Deep imports: the SDK exposes no public way to run a program as the root stack outside the language host.
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack.js";
import * as settings from "@pulumi/pulumi/runtime/settings.js";

/** Internal in the SDK (marked @internal, so absent from its typings) but what `pulumi up` waits on too. */
const waitForRPCs = (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

export interface CaptureOptions {
  project: string;
  stack: string;
  preview: boolean;
  /** Full config keys (`modelplane:platform`) to plain values; objects are passed as JSON like the CLI does. */
  config: Record<string, unknown>;
}

export type Program = () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): { toJavaScript(): unknown } | undefined;
}

interface Monitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: WireRequest, cb: (err: unknown, res?: unknown) => void): Promise<void>;
}

let running = false;

export async function captureProgram(program: Program, opts: CaptureOptions): Promise<{ resources: CapturedResource[]; outputs: Record<string, unknown> }> {
  // The SDK keeps one global runtime: two programs interleaving would mix their resources.
  if (running) throw new Error("captureProgram: another program is already running in this process");
  running = true;
  // The SDK stamps a stack trace on every promise it creates, for leak reports that only print with
  // PULUMI_DEBUG_PROMISE_LEAKS. Under tsx each trace is source-mapped: at 1,000 models that was a quarter of
  // the CPU time and most of the heap (traces are retained with the promises). Capture none unless asked.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!process.env["PULUMI_DEBUG_PROMISE_LEAKS"]) Error.stackTraceLimit = 0;
  try {
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.config)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
    pulumi.runtime.setAllConfig(config, []);
    await pulumi.runtime.setMocks(engineMocks(opts.preview), opts.project, opts.stack, opts.preview);

    const resources: CapturedResource[] = [];
    const byUrn = new Map<string, CapturedResource>();
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req, cb) => {
      const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
      const wire = decodeWire(req.getObject()?.toJavaScript() ?? {});
      const dependencies = new Set(req.getDependenciesList());
      req.getPropertydependenciesMap().forEach((deps) => deps.getUrnsList().forEach((u) => dependencies.add(u)));
      const captured: CapturedResource = {
        urn,
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        inputs: (wire.value ?? {}) as Record<string, unknown>,
        outputs: {},
        ...(req.getParent() ? { parent: req.getParent() } : {}),
        dependencies: [...dependencies],
        secretPaths: wire.secretPaths,
      };
      resources.push(captured);
      byUrn.set(urn, captured);
      return register(req, (err, res) => {
        const state = (res as { getObject?: () => { toJavaScript(): unknown } } | undefined)?.getObject?.();
        if (state) captured.outputs = (decodeWire(state.toJavaScript()).value ?? {}) as Record<string, unknown>;
        cb(err, res);
      });
    };

    let returned: Record<string, unknown> = {};
    // A program error is kept and rethrown once the stack is complete: thrown inside the stack's init it
    // would also surface later as an unhandled rejection, and half-sent registrations would leak into the next run.
    let failure: { error: unknown } | undefined;
    await runInPulumiStack(async () => {
      try {
        returned = (await program()) ?? {};
      } catch (error) {
        failure = { error };
      }
      return failure ? {} : returned;
    });
    await waitForRPCs();
    if (failure) throw failure.error;
    return { resources, outputs: await resolveOutputs(returned) };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    running = false;
  }
}

interface OutputInternals {
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  promise(withUnknowns?: boolean): Promise<unknown>;
}

/**
 * Stack outputs as plain values; an output unknown at preview is shown as UNKNOWN rather than left out, and a
 * secret one as SECRET_MASK, as `pulumi stack output` shows `[secret]`.
 */
async function resolveOutputs(returned: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(returned)) {
    const o = pulumi.output(value) as unknown as OutputInternals;
    if (!(await o.isKnown)) out[key] = UNKNOWN;
    else out[key] = (await o.isSecret) ? SECRET_MASK : decodeWire(await o.promise()).value;
  }
  return out;
}
