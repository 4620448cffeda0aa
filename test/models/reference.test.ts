import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseChallenge } from "../../platform/models/auth.ts";
import { resolveCredentials } from "../../platform/models/credentials.ts";
import { formatReference, parseReference } from "../../platform/models/reference.ts";
import { isRemoteModelRef } from "../../platform/models/source.ts";
import { tempDir } from "./helpers.ts";

const D = "sha256:" + "ab".repeat(32);

describe("model references", () => {
  it("parses registry references with and without the oci:// scheme", () => {
    assert.deepEqual(parseReference(`oci://reg.example.com:5000/team/vad:v1@${D}`), {
      kind: "registry", host: "reg.example.com:5000", repository: "team/vad", tag: "v1", digest: D,
    });
    assert.deepEqual(parseReference("127.0.0.1:5000/vad"), { kind: "registry", host: "127.0.0.1:5000", repository: "vad", tag: "latest" });
    assert.deepEqual(parseReference(`localhost/a/b@${D}`), { kind: "registry", host: "localhost", repository: "a/b", digest: D });
  });

  it("parses layout references, with a tag only after the last slash", () => {
    assert.deepEqual(parseReference(`layout:/srv/models/vad:prod@${D}`), { kind: "layout", dir: "/srv/models/vad", repository: "/srv/models/vad", tag: "prod", digest: D });
    assert.deepEqual(parseReference("layout:rel/dir", { cwd: "/srv/project" }), { kind: "layout", dir: "/srv/project/rel/dir", repository: "/srv/project/rel/dir", tag: "latest" });
  });

  it("maps plain names to the embedded store", () => {
    assert.deepEqual(parseReference("team/vad:v2", { storeDir: "/store" }), { kind: "layout", dir: "/store/team/vad", repository: "team/vad", tag: "v2" });
  });

  it("rejects malformed references with the reason", () => {
    assert.throws(() => parseReference("vad@sha256:123"), /invalid digest 'sha256:123'/);
    assert.throws(() => parseReference("Team/VAD"), /invalid repository name 'Team\/VAD'/);
    assert.throws(() => parseReference("vad:bad/tag:"), /invalid/);
    assert.throws(() => parseReference("https://x.io/vad"), /unsupported scheme/);
    assert.throws(() => parseReference("oci://vad"), /expected oci:\/\/host/);
    assert.throws(() => parseReference(""), /empty/);
  });

  it("refuses credentials inside a reference without repeating them", () => {
    for (const ref of [`oci://alice:s3cret@reg.io/vad@${D}`, "oci://alice:s3cret@reg.io/vad:v1", "alice:s3cret@reg.io:5000/vad"]) {
      assert.throws(() => parseReference(ref), (err: Error) => {
        assert.match(err.message, /credentials do not belong in a model reference/);
        assert.doesNotMatch(err.message, /s3cret/);
        return true;
      });
    }
    assert.equal(parseReference(`vad@${D}`, { storeDir: "/s" }).digest, D, "a digest is not mistaken for credentials");
  });

  it("formats a pinned reference for stacks", () => {
    const r = parseReference("oci://reg.io/team/vad:v1");
    assert.equal(formatReference(r, D), `oci://reg.io/team/vad@${D}`);
    assert.equal(formatReference(parseReference("layout:/x:v1")), "layout:/x:v1");
  });

  it("tells the server which references are remote", () => {
    assert.equal(isRemoteModelRef(`oci://reg.io/vad@${D}`), true);
    assert.equal(isRemoteModelRef(`layout:/models/vad@${D}`), true);
    assert.equal(isRemoteModelRef("models/vad/model.onnx"), false);
  });
});

describe("registry auth helpers", () => {
  it("parses bearer challenges with quoted commas", () => {
    const c = parseChallenge('Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull,push"');
    assert.equal(c.scheme, "bearer");
    assert.deepEqual(c.params, { realm: "https://auth.io/token", service: "registry.io", scope: "repository:a/b:pull,push" });
    assert.deepEqual(parseChallenge('Basic realm="x"'), { scheme: "basic", params: { realm: "x" } });
  });

  it("resolves credentials: options, then env, then docker config.json", () => {
    const t = tempDir();
    try {
      mkdirSync(join(t.path, ".docker"));
      const auth = Buffer.from("carol:from-docker").toString("base64");
      writeFileSync(join(t.path, ".docker", "config.json"), JSON.stringify({ auths: { "https://reg.io:5000/v1/": { auth }, other: { username: "x", password: "y" } } }));
      const env = { HOME: t.path };
      assert.deepEqual(resolveCredentials("reg.io:5000", undefined, env), { username: "carol", password: "from-docker" });
      assert.equal(resolveCredentials("unknown.io", undefined, env), undefined);
      const withEnv = { ...env, MODELPLANE_REGISTRY_USERNAME: "bob", MODELPLANE_REGISTRY_PASSWORD: "env" };
      assert.deepEqual(resolveCredentials("reg.io:5000", undefined, withEnv), { username: "bob", password: "env" });
      assert.deepEqual(resolveCredentials("reg.io:5000", { username: "al", password: "opt" }, withEnv), { username: "al", password: "opt" });
      assert.deepEqual(resolveCredentials("reg.io:5000", undefined, { DOCKER_CONFIG: join(t.path, ".docker") }), { username: "carol", password: "from-docker" });
    } finally {
      t.remove();
    }
  });
});
