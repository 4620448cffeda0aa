import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Authenticator } from "../../platform/models/auth.ts";
import { Transport } from "../../platform/models/http.ts";
import { openStore } from "../../platform/models/open-store.ts";
import { parseReference } from "../../platform/models/reference.ts";
import { RegistryClient } from "../../platform/models/registry-client.ts";
import { pullArtifact } from "../../platform/models/pull.ts";
import { pushModel } from "../../platform/models/push.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry.ts";
import { modelDir, tempDir } from "./helpers.ts";

const users = { alice: "correct horse" };

describe("basic auth (htpasswd)", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  before(async () => {
    t = tempDir();
    reg = await startRegistry({ auth: "htpasswd", users });
  });
  after(async () => {
    await reg?.close();
    t?.remove();
  });

  it("pushes and pulls with the right credentials", async () => {
    const client = new RegistryClient(reg.host, { insecure: true, credentials: { username: "alice", password: "correct horse" } });
    try {
      await client.ping();
      const src = modelDir(t.path);
      const res = await pushModel(src, client, "private/vad", { name: "vad", tag: "v1" });
      const out = join(t.path, "out");
      await pullArtifact(client, "private/vad", res.digest, out);
      assert.deepEqual(readFileSync(join(out, "model.onnx")), readFileSync(join(src, "model.onnx")));
    } finally {
      client.close();
    }
  });

  it("takes credentials from the environment", async () => {
    const env = { MODELPLANE_REGISTRY_USERNAME: "alice", MODELPLANE_REGISTRY_PASSWORD: "correct horse", HOME: t.path };
    const { store, repo } = openStore(parseReference(`oci://${reg.host}/private/vad:v1`), { insecure: true, env });
    try {
      assert.deepEqual(await store.listTags(repo), ["v1"]);
    } finally {
      store.close();
    }
  });

  it("says when credentials are missing or wrong", async () => {
    const anonymous = new RegistryClient(reg.host, { insecure: true });
    const wrong = new RegistryClient(reg.host, { insecure: true, credentials: { username: "alice", password: "nope" } });
    try {
      await assert.rejects(anonymous.listTags("private/vad"), { name: "AuthenticationError", message: /authentication required/ });
      await assert.rejects(wrong.listTags("private/vad"), { name: "AuthenticationError", message: /rejected|denied/ });
    } finally {
      anonymous.close();
      wrong.close();
    }
  });
});

describe("bearer-token auth (token server)", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  before(async () => {
    t = tempDir();
    reg = await startRegistry({ auth: "token", users });
  });
  after(async () => {
    await reg?.close();
    t?.remove();
  });

  it("gets a token per scope, caches it, and round-trips a model", async () => {
    const client = new RegistryClient(reg.host, { insecure: true, credentials: { username: "alice", password: "correct horse" } });
    try {
      const src = modelDir(t.path);
      const res = await pushModel(src, client, "team/vad", { name: "vad", tag: "v1" });
      const afterPush = reg.tokenRequests.length;
      // The registry's challenge lists actions in no fixed order (pull,push or push,pull).
      const scopes = reg.tokenRequests.map((r) => r.scope.replace(/:([a-z,]+)$/, (_, a: string) => ":" + a.split(",").sort().join(",")));
      assert.deepEqual(scopes, ["repository:team/vad:pull", "repository:team/vad:pull,push"]);
      assert.ok(reg.tokenRequests.every((r) => r.user === "alice"));
      // Same scopes again: every token comes from the cache.
      await pushModel(src, client, "team/vad", { name: "vad", tag: "v2" });
      const out = join(t.path, "out");
      await pullArtifact(client, "team/vad", res.digest, out);
      assert.equal(reg.tokenRequests.length, afterPush);
      assert.deepEqual(readFileSync(join(out, "model.onnx")), readFileSync(join(src, "model.onnx")));
      await client.catalog();
      assert.equal(reg.tokenRequests.at(-1)?.scope, "registry:catalog:*");
    } finally {
      client.close();
    }
  });

  it("fetches a new token once the cached one expires, and does not loop on a refused one", async () => {
    const challenge = (await fetch(`http://${reg.host}/v2/team/vad/tags/list`)).headers.get("www-authenticate") ?? undefined;
    assert.match(challenge ?? "", /^Bearer realm=/);
    let now = 1_000_000;
    const transport = new Transport({ insecure: true });
    const auth = new Authenticator(reg.host, transport, { username: "alice", password: "correct horse" }, () => now);
    const scope = "repository:team/vad:pull";
    try {
      const before = reg.tokenRequests.length;
      await auth.challenge(challenge, scope);
      const first = auth.header(scope);
      assert.match(first ?? "", /^Bearer /);
      assert.equal(auth.header(scope), first, "cached");
      // The token server grants 300 s; it is renewed 10 s early.
      now += 289_000;
      assert.equal(auth.header(scope), first);
      now += 2_000;
      assert.equal(auth.header(scope), undefined, "expired: the next request goes out bare and is challenged");
      await auth.challenge(challenge, scope);
      assert.match(auth.header(scope) ?? "", /^Bearer /);
      assert.equal(reg.tokenRequests.length, before + 2);
      // A fresh token the registry still refuses: the scope needs more than it grants. Say so, do not refetch forever.
      await assert.rejects(auth.challenge(challenge, scope), { name: "AuthenticationError", message: /access denied/ });
      assert.equal(reg.tokenRequests.length, before + 2);
    } finally {
      transport.close();
    }
  });

  it("denies anonymous access and rejects wrong passwords at the token server", async () => {
    const anonymous = new RegistryClient(reg.host, { insecure: true });
    const wrong = new RegistryClient(reg.host, { insecure: true, credentials: { username: "alice", password: "nope" } });
    try {
      await assert.rejects(anonymous.listTags("team/vad"), { name: "AuthenticationError", message: /denied/ });
      await assert.rejects(wrong.listTags("team/vad"), { name: "AuthenticationError", message: /token server .* refused/ });
    } finally {
      anonymous.close();
      wrong.close();
    }
  });
});
