import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";
import { isKubernetesObject, manifestOf, renderResources, synthesizeStack, SECRET_MASK, UNKNOWN, SECRET_PLACEHOLDER } from "../../platform/engine/index.ts";
import { main } from "../../platform/cli/main.ts";
import { OUT_MARKER } from "../../platform/cli/commands/synth.ts";
import { memoryIO } from "../helpers/cli-io.ts";
import { validateAgainstSchema } from "../helpers/kube-schemas.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STACKS = ["dev", "staging", "prod"] as const;
const run = promisify(execFile);

function objectsOf(result: Awaited<ReturnType<typeof synthesizeStack>>): any[] {
  return result.resources.filter(isKubernetesObject).map((r) => manifestOf(r));
}

for (const stack of STACKS) {
  for (const preview of [true, false]) {
    test(`${stack} (${preview ? "preview" : "update"}): every manifest validates against the Kubernetes schemas`, async () => {
      const result = await synthesizeStack(stack, { cwd: ROOT, preview });
      const objects = objectsOf(result);
      assert.ok(objects.length > 10);
      for (const o of objects) await validateAgainstSchema(o);
    });
  }
}

test("prod: GPU Deployment with toleration and product selection, Service, PDB, NetworkPolicy, monitoring and autoscaling", async () => {
  const objects = objectsOf(await synthesizeStack("prod", { cwd: ROOT, preview: false }));
  const kinds = new Set(objects.map((o) => o.kind));
  for (const k of ["Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule"]) assert.ok(kinds.has(k), k);
  assert.ok(kinds.has("ScaledObject") || kinds.has("HorizontalPodAutoscaler"));
  const gpuDeployments = objects.filter((o) => o.kind === "Deployment" && o.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]);
  assert.ok(gpuDeployments.length >= 2, "prod runs at least two GPU models");
  for (const d of gpuDeployments) {
    const pod = d.spec.template.spec;
    assert.ok(pod.tolerations.some((t: any) => t.key === "nvidia.com/gpu"), "tolerates the GPU taint");
    assert.ok(pod.nodeSelector["nvidia.com/gpu.product"], "selects a GPU product");
    assert.equal(d.spec.replicas, undefined, "the autoscaler owns the replica count");
    const scaler = objects.find((o) => (o.kind === "ScaledObject" || o.kind === "HorizontalPodAutoscaler") && o.spec.scaleTargetRef.name === d.metadata.name);
    assert.ok(scaler, `${d.metadata.name} is autoscaled`);
    assert.ok((scaler.spec.minReplicas ?? scaler.spec.minReplicaCount) >= 2, "min 2 replicas in prod");
  }
});

test("preview shows values known only at deploy as placeholders; update fills the image digest", async () => {
  const preview = objectsOf(await synthesizeStack("prod", { cwd: ROOT, preview: true }));
  const update = objectsOf(await synthesizeStack("prod", { cwd: ROOT, preview: false }));
  const image = (objs: any[]) => objs.find((o) => o.kind === "Deployment").spec.template.spec.containers[0].image;
  assert.equal(image(preview), UNKNOWN);
  assert.match(image(update), /@sha256:[0-9a-f]{64}$/);
});

test("secure: stack values never reach a manifest; secret inputs are masked", async () => {
  const result = await synthesizeStack("prod", { cwd: ROOT, preview: false });
  const files = renderResources(result.resources);
  const secret = files.find((f) => f.kind === "Secret");
  assert.ok(secret, "a Secret is rendered");
  assert.match(secret.content, new RegExp(SECRET_MASK.replace(/[<>]/g, "\\$&")));
  for (const f of files) assert.ok(!f.content.includes("v1:"), `${f.path} holds no ciphertext`);
  assert.ok(result.secretPaths.length > 0);
  assert.ok(JSON.stringify(result.resources).includes(SECRET_PLACEHOLDER), "secure values are replaced by the marked placeholder");
});

test("synthesis is deterministic: two runs give the same manifests", async () => {
  const a = renderResources((await synthesizeStack("staging", { cwd: ROOT, preview: false })).resources);
  const b = renderResources((await synthesizeStack("staging", { cwd: ROOT, preview: false })).resources);
  const key = (files: typeof a) => files.map((f) => f.path + "\n" + f.content).sort();
  assert.deepEqual(key(a), key(b));
});

test("`modelplane synth --stack prod --out DIR` writes one manifest per resource and prints the tree", async () => {
  const out = await mkdtemp(path.join(tmpdir(), "synth-"));
  try {
    const { stdout } = await run(process.execPath, [path.join(ROOT, "bin/modelplane.js"), "synth", "--stack", "prod", "--out", out], { cwd: ROOT });
    assert.match(stdout, /modelplane:index:ModelPlatform modelplane/);
    assert.match(stdout, /[├└]─ Deployment modelplane-prod\//);
    assert.match(stdout, /[├└]─ kubernetes:helm\.sh\/v4:Chart /, "Helm releases are listed, not dropped");
    const total = Number(/^(\d+) resources \(preview\):/m.exec(stdout)?.[1]);
    const files: string[] = [];
    for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name !== OUT_MARKER) files.push(path.join(entry.parentPath ?? (entry as any).path, entry.name));
    }
    assert.equal(files.length, total, "one file per resource Pulumi would create");
    const kinds = new Set<string>();
    for (const f of files.filter((f) => !f.includes(`${path.sep}_pulumi${path.sep}`))) {
      const obj = parse(await readFile(f, "utf8"));
      await validateAgainstSchema(obj);
      kinds.add(obj.kind);
    }
    for (const k of ["Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule"]) assert.ok(kinds.has(k), k);
    // The written manifests are plain Kubernetes YAML: the manifest policy check reads them as they are.
    const check = await run(process.execPath, [path.join(ROOT, "bin/modelplane.js"), "check", "--manifests", out, "--environment", "prod", "--format", "json"], { cwd: ROOT });
    const report = JSON.parse(check.stdout);
    assert.ok(report.results.length > 0);
    assert.ok(report.results.every((r: any) => !(r.verdict === "fail" && r.enforcement === "mandatory")), "no mandatory violation in prod's own manifests");
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test("`modelplane synth` on a broken stack exits 2 with file:line errors and no stack trace", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "synth-bad-"));
  try {
    const file = path.join(dir, "Pulumi.prod.yaml");
    await (await import("node:fs/promises")).writeFile(file, "config:\n  modelplane:platform:\n    environment: prod\n    models:\n      - name: Bad_Name\n        artifact: x\n");
    const err = await run(process.execPath, [path.join(ROOT, "bin/modelplane.js"), "synth", "--stack", file], { cwd: ROOT }).then(() => undefined, (e) => e);
    assert.ok(err, "exits non-zero");
    assert.equal(err.code, 2);
    assert.match(err.stderr, /Pulumi\.prod\.yaml:5:\d+ models\[0\]\.name: /);
    assert.doesNotMatch(err.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});


test("`synth --out` never empties a directory it did not write; it replaces its own earlier output", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "synth-out-"));
  try {
    const foreign = path.join(dir, "project");
    await mkdir(foreign);
    await writeFile(path.join(foreign, "package.json"), "{}");
    const m = memoryIO({ cwd: ROOT });
    assert.equal(await main(["synth", "--stack", "dev", "--out", foreign], m.io), 2);
    assert.match(m.err(), /--out .*not empty and was not written by modelplane synth/);
    assert.equal(await readFile(path.join(foreign, "package.json"), "utf8"), "{}", "the user's file is untouched");

    const own = path.join(dir, "manifests");
    assert.equal(await main(["synth", "--stack", "dev", "--out", own], memoryIO({ cwd: ROOT }).io), 0);
    await writeFile(path.join(own, "stale.yaml"), "kind: Stale\n");
    assert.equal(await main(["synth", "--stack", "dev", "--out", own], memoryIO({ cwd: ROOT }).io), 0, "a second synth into its own output works");
    await assert.rejects(readFile(path.join(own, "stale.yaml")), "and replaces what was there");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("`synth --json` masks secret inputs like the manifests do", async () => {
  const m = memoryIO({ cwd: ROOT });
  assert.equal(await main(["synth", "--stack", "staging", "--update", "--json"], m.io), 0);
  const printed = JSON.parse(m.out());
  const pull = printed.resources.find((r: any) => r.name.endsWith("registry-pull-secret"));
  assert.deepEqual(pull.inputs.stringData, { ".dockerconfigjson": SECRET_MASK });
  assert.deepEqual(pull.outputs.stringData, { ".dockerconfigjson": SECRET_MASK });
  assert.doesNotMatch(m.out(), /"auths"/, "no registry credentials anywhere in the output");
});
