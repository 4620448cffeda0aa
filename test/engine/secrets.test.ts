/**
 * Secrets never reach what the engine prints or writes, wherever they sit: under keys with dots or slashes
 * (ConfigMap file names, annotation keys), in the state a mock echoes back, or in a stack output.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { captureProgram } from "../../platform/engine/capture.ts";
import { joinPath, splitPath } from "../../platform/engine/paths.ts";
import { printableResource, renderResources, SECRET_MASK } from "../../platform/engine/index.ts";

const opts = { project: "test", stack: "test", preview: false, config: {} };

test("secrets under keys with dots and slashes are masked in manifests, keys kept", async () => {
  const { resources } = await captureProgram(() => {
    new k8s.core.v1.ConfigMap("cm", {
      metadata: { name: "cm", namespace: "ml", annotations: { "example.com/token": pulumi.secret("annotation-secret") } },
      data: { "config.yaml": pulumi.secret("hunter2"), plain: "visible" },
    });
  }, opts);
  const [file] = renderResources(resources);
  assert.ok(file);
  assert.doesNotMatch(file.content, /hunter2|annotation-secret/);
  assert.match(file.content, /config\.yaml: <secret>/);
  assert.match(file.content, /example\.com\/token: <secret>/);
  assert.match(file.content, /plain: visible/);
});

test("paths round-trip through Pulumi property-path syntax", () => {
  let p = "";
  for (const k of ["data", ".dockerconfigjson", "a.b/c", 3, 'q"uote]', "x"] as const) p = joinPath(p, k);
  assert.equal(p, 'data[".dockerconfigjson"]["a.b/c"][3]["q\\"uote]"].x');
  assert.deepEqual(splitPath(p), ["data", ".dockerconfigjson", "a.b/c", "3", 'q"uote]', "x"]);
  assert.deepEqual(splitPath("spec.template.spec.containers[0].env[1].value"), ["spec", "template", "spec", "containers", "0", "env", "1", "value"]);
});

test("a printable resource masks secrets in its inputs and in the state echoed back", async () => {
  const { resources } = await captureProgram(() => {
    new k8s.core.v1.Secret("s", { metadata: { name: "s", namespace: "ml" }, stringData: { password: pulumi.secret("s3cret") } });
  }, opts);
  const secret = resources.find((r) => r.name === "s")!;
  assert.match(JSON.stringify(secret), /s3cret/, "the capture itself keeps values (policies judge them)");
  assert.doesNotMatch(JSON.stringify(printableResource(secret)), /s3cret/);
});

test("a secret stack output is shown masked, a plain one as is", async () => {
  const { outputs } = await captureProgram(() => ({ token: pulumi.secret("s3cret"), name: pulumi.output("visible") }), opts);
  assert.deepEqual(outputs, { token: SECRET_MASK, name: "visible" });
});
