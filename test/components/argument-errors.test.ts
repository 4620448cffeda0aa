import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError } from "../../components/errors.ts";
import { ModelPlatform } from "../../components/ModelPlatform.ts";
import { main } from "../../platform/cli/main.ts";
import { resolveSpec } from "../../platform/spec/index.ts";
import { memoryIO } from "../helpers/cli-io.ts";
import { build } from "../helpers/components.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";

const artifact = `oci://model-registry.ml.svc.cluster.local:5000/models/m@sha256:${"a".repeat(64)}`;

test("an argument error is what the Pulumi CLI treats as a user error (message, no stack)", () => {
  assert.equal(pulumi.RunError.isInstance(new ArgumentError("x: bad")), true);
});

test("an in-cluster registry with nothing to run is refused before anything is registered", async () => {
  const spec = resolveSpec({ environment: "dev", models: [{ name: "m", artifact }] }, { stack: "dev" });
  await assert.rejects(build(() => { new ModelPlatform("mp", { spec }); }), (err: Error) => err instanceof ArgumentError && /^server\.image: required with an in-cluster registry/.test(err.message));
  const withImage = resolveSpec({ environment: "dev", server: { image: `r.example.com/inference@sha256:${"b".repeat(64)}` }, models: [{ name: "m", artifact }] }, { stack: "dev" });
  const b = await build(() => { new ModelPlatform("mp", { spec: withImage }); });
  assert.equal(b.ofType("docker:index/image:Image").length, 0);
});

test("`modelplane synth` reports a component's refusal as bad input: exit 2, one line, no stack", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "argerr-"));
  try {
    const file = path.join(dir, "Pulumi.dev.yaml");
    await writeFile(file, `config:\n  modelplane:platform:\n    environment: dev\n    models:\n      - name: m\n        artifact: ${artifact}\n`);
    const m = memoryIO({ cwd: dir });
    assert.equal(await main(["synth", "--stack", file], m.io), 2);
    assert.match(m.err(), /^modelplane synth: server\.image: required with an in-cluster registry/);
    assert.doesNotMatch(m.err(), /\n\s+at /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
