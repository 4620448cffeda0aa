/** `modelplane/policies` as a library user imports it: checkManifests and the result shape issue 5 specifies. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkManifests, rules, type KubeObject } from "modelplane/policies";

const pod = (name: string, image: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "apps" },
  spec: { containers: [{ name: "c", image }] },
});
const svc: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type: "NodePort" } };

describe("checkManifests (modelplane/policies)", () => {
  it("gives one result per (rule, object the rule applies to), passes included, in the documented shape", async () => {
    const objects = [pod("pinned", "registry.k8s.io/pause:3.9"), pod("latest", "nginx:latest"), svc];
    const { results } = await checkManifests(objects, { environment: "prod" });
    const keys = results.map((r) => `${r.rule}|${r.resource.kind}/${r.resource.name}`);
    assert.equal(new Set(keys).size, keys.length, "no duplicate (rule, resource)");
    for (const r of results) {
      assert.deepEqual(Object.keys(r.resource).sort(), r.resource.namespace ? ["apiVersion", "kind", "name", "namespace"] : ["apiVersion", "kind", "name"]);
      assert.ok(["pass", "fail", "exempt", "not-applicable"].includes(r.verdict));
      assert.ok(["mandatory", "advisory"].includes(r.enforcement));
      if (r.verdict === "fail") assert.ok(r.message);
    }
    const tag = (name: string) => results.find((r) => r.rule === "image-tag-pinned" && r.resource.name === name);
    assert.deepEqual([tag("pinned")?.verdict, tag("latest")?.verdict, tag("latest")?.enforcement], ["pass", "fail", "mandatory"]);
    assert.deepEqual(tag("pinned")?.resource, { apiVersion: "v1", kind: "Pod", name: "pinned", namespace: "apps" });
    assert.equal(results.find((r) => r.rule === "service-type")?.verdict, "fail");
    // Pod rules say nothing about the Service, and every Pod gets every rule that judges Pods.
    assert.ok(!results.some((r) => r.rule === "image-tag-pinned" && r.resource.kind === "Service"));
    const podRules = rules.filter((r) => r.kinds === "*" || r.kinds.includes("Pod")).map((r) => r.id).sort();
    assert.deepEqual(results.filter((r) => r.resource.name === "pinned").map((r) => r.rule).sort(), podRules);
  });

  it("dev only advises; exemptions make failures exempt", async () => {
    const dev = await checkManifests([pod("latest", "nginx:latest")], { environment: "dev" });
    assert.ok(dev.results.every((r) => r.enforcement === "advisory"));
    const exempt = await checkManifests([pod("latest", "nginx:latest")], {
      environment: "prod",
      exemptions: [{ rule: "image-tag-pinned", target: "Pod/apps/latest", reason: "vendor image, TICKET-1", owner: "ops", expires: "2999-01-01" }],
    });
    assert.equal(exempt.results.find((r) => r.rule === "image-tag-pinned")?.verdict, "exempt");
  });

  it("rejects what is not a list of Kubernetes objects with a clear error", async () => {
    await assert.rejects(checkManifests([null] as never), /objects\[0\] is not a Kubernetes object/);
    await assert.rejects(checkManifests([{ kind: "Pod" }] as never), /objects\[0\] is not a Kubernetes object/);
    await assert.rejects(checkManifests("pods" as never), /must be an array/);
  });
});
