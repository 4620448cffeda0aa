/** The parsing and matching helpers the Kubernetes rules stand on. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isNamespaced, labelSelectorMatches, mapSelectorMatches, parseQuantity } from "../../policies/kube.ts";
import { parseImage, registryAllowed, isMutable } from "../../policies/rules/k8s/image-ref.ts";
import { exposedSocket } from "../../policies/rules/k8s/runtime-socket-mount.ts";
import { versionAtLeast } from "../../policies/rules/k8s/deprecated-api.ts";

describe("parseQuantity", () => {
  it("reads binary, decimal, milli and exponent forms", () => {
    assert.equal(parseQuantity("16Gi"), 16 * 2 ** 30);
    assert.equal(parseQuantity("16384Mi"), 16 * 2 ** 30);
    assert.equal(parseQuantity("500m"), 0.5);
    assert.equal(parseQuantity("2"), 2);
    assert.equal(parseQuantity(4), 4);
    assert.equal(parseQuantity("1e3"), 1000);
    assert.equal(parseQuantity("1.5G"), 1.5e9);
  });
  it("rejects malformed quantities", () => {
    assert.equal(parseQuantity("lots"), undefined);
    assert.equal(parseQuantity("16 Gi"), undefined);
    assert.equal(parseQuantity(undefined), undefined);
  });
});

describe("label selectors", () => {
  const labels = { app: "resnet", tier: "gpu" };
  it("an empty selector selects everything, an absent one nothing", () => {
    assert.equal(labelSelectorMatches({}, labels), true);
    assert.equal(labelSelectorMatches(undefined, labels), false);
  });
  it("matchLabels and every expression operator", () => {
    assert.equal(labelSelectorMatches({ matchLabels: { app: "resnet" } }, labels), true);
    assert.equal(labelSelectorMatches({ matchLabels: { app: "bert" } }, labels), false);
    assert.equal(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "In", values: ["bert", "resnet"] }] }, labels), true);
    assert.equal(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["resnet"] }] }, labels), false);
    assert.equal(labelSelectorMatches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels), true);
    assert.equal(labelSelectorMatches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels), false);
    assert.equal(labelSelectorMatches({ matchExpressions: [{ key: "app", operator: "Bogus" }] }, labels), false);
  });
  it("map selectors (Services) need every pair", () => {
    assert.equal(mapSelectorMatches({ app: "resnet" }, labels), true);
    assert.equal(mapSelectorMatches({ app: "resnet", tier: "cpu" }, labels), false);
    assert.equal(mapSelectorMatches(undefined, labels), false);
  });
});

describe("isNamespaced", () => {
  it("knows the common cluster-scoped kinds", () => {
    assert.equal(isNamespaced("Deployment"), true);
    assert.equal(isNamespaced("ClusterRole"), false);
    assert.equal(isNamespaced("Namespace"), false);
  });
});

describe("image references", () => {
  it("resolves Docker Hub short names, ports and digests", () => {
    assert.deepEqual(parseImage("nginx"), { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined });
    assert.deepEqual(parseImage("localhost:5000/srv:1.0"), { registry: "localhost:5000", repository: "srv", tag: "1.0", digest: undefined });
    const d = "sha256:" + "ab".repeat(32);
    assert.deepEqual(parseImage(`ghcr.io/a/b:2@${d}`), { registry: "ghcr.io", repository: "a/b", tag: "2", digest: d });
    assert.equal(parseImage("acme/server:1").registry, "docker.io");
  });
  it("mutable means no digest and no tag or latest", () => {
    assert.equal(isMutable(parseImage("a/b")), true);
    assert.equal(isMutable(parseImage("a/b:latest")), true);
    assert.equal(isMutable(parseImage("a/b:1.0")), false);
    assert.equal(isMutable(parseImage(`a/b:latest@sha256:${"cd".repeat(32)}`)), false);
  });
  it("allow-list entries match a host or a path prefix, not a string prefix", () => {
    assert.equal(registryAllowed(parseImage("ghcr.io/acme/x:1"), "ghcr.io"), true);
    assert.equal(registryAllowed(parseImage("ghcr.io/acme/x:1"), "ghcr.io/acme/"), true);
    assert.equal(registryAllowed(parseImage("ghcr.io/acmecorp/x:1"), "ghcr.io/acme"), false);
    assert.equal(registryAllowed(parseImage("nginx:1"), "index.docker.io"), true);
    assert.equal(registryAllowed(parseImage("quay.io/x:1"), "*"), true);
  });
});

describe("runtime sockets", () => {
  it("finds the socket behind /run aliases, trailing slashes and parent directories", () => {
    assert.equal(exposedSocket("/var/run/docker.sock"), "/var/run/docker.sock");
    assert.equal(exposedSocket("/run/containerd/containerd.sock"), "/var/run/containerd/containerd.sock");
    assert.equal(exposedSocket("/run/"), "/var/run/docker.sock");
    assert.equal(exposedSocket("/"), "/var/run/docker.sock");
    assert.equal(exposedSocket("/var/log"), undefined);
    assert.equal(exposedSocket("/var/run-other"), undefined);
  });
});

describe("versionAtLeast", () => {
  it("compares minor versions numerically", () => {
    assert.equal(versionAtLeast("1.30", "1.29"), true);
    assert.equal(versionAtLeast("1.9", "1.16"), false);
    assert.equal(versionAtLeast("v1.22", "1.22"), true);
  });
});
