import { test } from "node:test";
import assert from "node:assert/strict";
import { ModelRegistry } from "../../components/ModelRegistry.ts";
import { UNKNOWN } from "../../platform/engine/types.ts";
import { validateAgainstSchema } from "../helpers/kube-schemas.ts";
import { build, podSpec } from "../helpers/components.ts";

test("in-cluster: registry Deployment with PVC, credentials, htpasswd at start, Service, PDB, NetworkPolicy, pull Secret", async () => {
  const b = await build(() => ({ address: new ModelRegistry("reg", { namespace: "ml", mode: "in-cluster", username: "robot", password: "s3cret", storageSize: "20Gi" }).address }));
  assert.deepEqual(b.objects.map((o) => o.kind).sort(), ["Deployment", "NetworkPolicy", "PersistentVolumeClaim", "PodDisruptionBudget", "Secret", "Secret", "Service"]);
  for (const o of b.objects) await validateAgainstSchema(o);
  assert.equal(b.outputs.address, "model-registry.ml.svc.cluster.local:5000");
  const pod = podSpec(b.one("Deployment"));
  assert.match(pod.containers[0].image, /@sha256:[0-9a-f]{64}$/);
  assert.match(pod.initContainers[0].image, /@sha256:[0-9a-f]{64}$/);
  assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
  assert.equal(b.one("PersistentVolumeClaim").spec.resources.requests.storage, "20Gi");
  const pull = b.one("Secret", "model-registry-pull");
  assert.equal(pull.type, "kubernetes.io/dockerconfigjson");
  const auths = JSON.parse(pull.stringData[".dockerconfigjson"]).auths;
  assert.deepEqual(Object.keys(auths), ["model-registry.ml.svc.cluster.local:5000"]);
  assert.equal(Buffer.from(auths["model-registry.ml.svc.cluster.local:5000"].auth, "base64").toString(), "robot:s3cret");
});

test("the password is a Pulumi secret everywhere it goes", async () => {
  const b = await build(() => { new ModelRegistry("reg", { namespace: "ml", mode: "in-cluster", username: "robot", password: "s3cret" }); });
  for (const r of b.resources.filter((r) => r.type === "kubernetes:core/v1:Secret")) {
    assert.ok(r.secretPaths.some((p) => p.startsWith("stringData")), `${r.name} marks its data secret`);
  }
});

test("external: only the pull Secret, for the given server", async () => {
  const b = await build(() => { new ModelRegistry("reg", { namespace: "ml", mode: "external", server: "ghcr.io", username: "u", password: "p" }); });
  assert.deepEqual(b.objects.map((o) => o.kind), ["Secret"]);
  assert.deepEqual(Object.keys(JSON.parse(b.one("Secret").stringData[".dockerconfigjson"]).auths), ["ghcr.io"]);
});

test("the server image is built from services/inference and referenced by digest (unknown until built)", async () => {
  const program = () => {
    const r = new ModelRegistry("reg", {
      namespace: "ml", mode: "external", server: "ghcr.io", username: "u", password: "p",
      serverImage: { context: "/repo", dockerfile: "/repo/services/inference/Dockerfile", repository: "acme/inference", tag: "prod" },
    });
    return { image: r.serverImage };
  };
  const updated = await build(program);
  const image = updated.ofType("docker:index/image:Image")[0]!;
  assert.equal(image.inputs["imageName"], "ghcr.io/acme/inference:prod");
  assert.deepEqual(image.inputs["build"], { context: "/repo", dockerfile: "/repo/services/inference/Dockerfile", platform: "linux/amd64" });
  assert.match(String(updated.outputs.image), /^ghcr\.io\/acme\/inference@sha256:[0-9a-f]{64}$/);
  const preview = await build(program, { preview: true });
  assert.equal(preview.outputs.image, UNKNOWN);
});

test("invalid combinations throw naming the field", async () => {
  await assert.rejects(build(() => { new ModelRegistry("r", { namespace: "ml", mode: "s3", username: "u", password: "p" }); }), /registry\.mode/);
  await assert.rejects(build(() => { new ModelRegistry("r", { namespace: "ml", mode: "external", username: "u", password: "p" }); }), /registry\.server/);
});
