/**
 * The pack as the Pulumi CLI runs it: `pack.ts` started from the pack folder (it constructs the PolicyPack, which
 * serves the analyzer gRPC protocol and prints its port), then configured with the stack's --policy-pack-config
 * JSON and asked to analyze every resource of the prod stack, and the stack as a whole, over gRPC. Its verdicts
 * must be the offline check's.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Ajv } from "ajv";
import { checkSynth } from "../../policies/check.ts";
import { packConfigForSpec } from "../../policies/pack-config.ts";
import { rules } from "../../policies/registry.ts";
import { synthesizeStack } from "../../platform/engine/index.ts";
import type { CapturedResource } from "../../platform/engine/types.ts";
import type { PlatformSpec } from "../../platform/spec/types.ts";
import { capturedFrom } from "./helpers/captured.ts";
import { loadFixture, REPO } from "./helpers/fixtures.ts";

const require = createRequire(import.meta.url);
const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
const fromProto = createRequire(path.join(protoDir, "analyzer_pb.js"));
const grpc = fromProto("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const rpc = fromProto("./analyzer_grpc_pb.js");
const pb = fromProto("./analyzer_pb.js");
const { Struct } = fromProto("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = fromProto("google-protobuf/google/protobuf/empty_pb.js");

const LEVEL: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2 };
const LEVEL_NAME = ["advisory", "mandatory", "disabled", "remediate"];

function call<T>(client: any, method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

/** Resource options as the CLI sends them (the SDK refuses requests without them: "a more recent CLI is required"). */
function optionsOf(r: CapturedResource): unknown {
  const o = new pb.AnalyzerResourceOptions();
  if (r.parent) o.setParent(r.parent);
  return o;
}

interface Diag {
  policy: string;
  message: string;
  level: string;
  urn: string;
}

describe("the pack over the analyzer gRPC protocol", { timeout: 120_000 }, () => {
  let child: ChildProcess;
  let client: any;

  before(async () => {
    child = spawn(process.execPath, ["--import", "tsx", "pack.ts"], { cwd: path.join(REPO, "policies"), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += String(d);
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`pack exited ${code}: ${stderr}`)));
    });
    client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    child?.kill();
  });

  it("describes every rule, and accepts the config the stack emits", async () => {
    const info = await call<any>(client, "getAnalyzerInfo", new Empty());
    assert.equal(info.getName(), "modelplane");
    assert.equal(info.getVersion(), "0.1.0");
    const policies = info.getPoliciesList();
    const names = policies.map((p: any) => p.getName());
    assert.deepEqual(names, [...rules.map((r) => r.id), "exemption-expired"]);
    // The CLI validates --policy-pack-config against each policy's schema before configuring; so do we.
    const spec = (await synthesizeStack("prod", { cwd: REPO, preview: false })).spec;
    const config = packConfigForSpec(spec);
    const ajv = new Ajv({ strict: false });
    for (const p of policies) {
      const schema = { type: "object", properties: p.getConfigschema()?.getProperties()?.toJavaScript() ?? {} };
      const { enforcementLevel: _level, ...props } = config[p.getName()] ?? {};
      assert.ok(ajv.validate(schema, props), `${p.getName()}: ${ajv.errorsText()}`);
    }
  });

  /** Configures the pack with `config`, then analyzes each resource and the stack, as `pulumi preview` does. */
  async function analyzeLikeCli(resources: readonly CapturedResource[], config: ReturnType<typeof packConfigForSpec>): Promise<Diag[]> {
    const req = new pb.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(config)) {
      const { enforcementLevel, ...props } = c;
      const pc = new pb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL[enforcementLevel]);
      pc.setProperties(Struct.fromJavaScript(props));
      req.getPolicyconfigMap().set(name, pc);
    }
    await call(client, "configure", req);
    const kube = resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string");
    const diags: Diag[] = [];
    const collect = (res: any, urn?: string) => {
      for (const d of res.getDiagnosticsList()) {
        diags.push({ policy: d.getPolicyname(), message: d.getMessage(), level: LEVEL_NAME[d.getEnforcementlevel()]!, urn: d.getUrn() || urn || "" });
      }
    };
    for (const r of kube) {
      const a = new pb.AnalyzeRequest();
      a.setType(r.type);
      a.setUrn(r.urn);
      a.setName(r.name);
      a.setProperties(Struct.fromJavaScript(r.inputs));
      a.setOptions(optionsOf(r));
      collect(await call(client, "analyze", a), r.urn);
    }
    const s = new pb.AnalyzeStackRequest();
    s.setResourcesList(
      kube.map((r) => {
        const ar = new pb.AnalyzerResource();
        ar.setType(r.type);
        ar.setUrn(r.urn);
        ar.setName(r.name);
        ar.setProperties(Struct.fromJavaScript(r.outputs));
        ar.setOptions(optionsOf(r));
        if (r.parent) ar.setParent(r.parent);
        ar.setDependenciesList(r.dependencies);
        return ar;
      }),
    );
    collect(await call(client, "analyzeStack", s));
    return diags;
  }

  /** Failures (exempt ones are advisory under the CLI) as `rule urn level`, from both sides. */
  function compare(offline: ReturnType<typeof checkSynth>, diags: Diag[]): void {
    const expected = offline.results
      .filter((r) => (r.verdict === "fail" || r.verdict === "exempt") && r.urn)
      .map((r) => `${r.rule} ${r.urn} ${r.verdict === "exempt" ? "advisory" : r.enforcement}`)
      .sort();
    const got = diags.filter((d) => d.policy !== "exemption-expired").map((d) => `${d.policy} ${d.urn} ${d.level}`).sort();
    assert.deepEqual(got, expected);
    const lapsed = offline.results.filter((r) => r.rule === "exemption-expired" && r.verdict === "fail").map((r) => r.enforcement).sort();
    assert.deepEqual(diags.filter((d) => d.policy === "exemption-expired").map((d) => d.level).sort(), lapsed);
  }

  it("judges the prod stack as the offline check does", async () => {
    const synth = await synthesizeStack("prod", { cwd: REPO, preview: false });
    const diags = await analyzeLikeCli(synth.resources, packConfigForSpec(synth.spec));
    compare(checkSynth(synth), diags);
  });

  it("judges failing fixtures, an exemption and a lapsed one as the offline check does", async () => {
    const base = (await synthesizeStack("prod", { cwd: REPO, preview: false })).spec;
    const spec: PlatformSpec = {
      ...base,
      gpu: { ...base.gpu, budget: 4 },
      policy: {
        ...base.policy,
        exemptions: [
          { rule: "gpu-shm", target: "Pod/disk-shm", reason: "OPS-7", owner: "ml@example.com", expires: "2999-01-01" },
          { rule: "gpu-limits", target: "Pod/*", reason: "OPS-8", owner: "ml@example.com", expires: "2001-01-01" },
        ],
      },
    };
    const objects = ["gpu-shm/fail.yaml", "gpu-budget/fail.yaml", "gpu-limits/fail.yaml", "keda-scaledobject-sane/fail.yaml", "canary-weight/fail.yaml"].flatMap((f) =>
      loadFixture(`ai/${f}`).map((m) => m.object),
    );
    const resources = capturedFrom(objects);
    const offline = checkSynth({ stack: "prod", preview: false, resources, outputs: {}, spec });
    assert.ok(offline.results.some((r) => r.verdict === "exempt"));
    assert.ok(offline.results.some((r) => r.rule === "exemption-expired" && r.verdict === "fail"));
    compare(offline, await analyzeLikeCli(resources, packConfigForSpec(spec)));
  });
});
