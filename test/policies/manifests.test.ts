import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { ManifestError, parseManifests, readManifests } from "../../policies/manifests.ts";

const multi = `# leading comment
apiVersion: v1
kind: Service
metadata: {name: a}
---
---
# an empty document above and a comment-only one here
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: b}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: c}
`;

describe("manifest reader", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mp-manifests-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads multi-document YAML, flattens List objects, skips empty documents, keeps lines", () => {
    const got = parseManifests(multi, "m.yaml");
    assert.deepEqual(got.map((m) => [m.object.kind, m.object.metadata?.name, m.source.line]), [
      ["Service", "a", 2],
      ["ConfigMap", "b", 12],
      ["Deployment", "c", 15],
    ]);
  });

  it("reports file:line for invalid YAML and for documents that are not objects", () => {
    assert.throws(() => parseManifests("apiVersion: v1\nkind: Service\nmetadata: {name: [\n", "bad.yaml"), (e: unknown) => e instanceof ManifestError && /^bad\.yaml:\d+: /.test(e.message));
    assert.throws(() => parseManifests("apiVersion: v1\nkind: A\n---\n- 1\n- 2\n", "list.yaml"), /list\.yaml:4: document is not a Kubernetes object/);
    assert.throws(() => parseManifests("apiVersion: v1\nmetadata: {}\n", "k.yaml"), /k\.yaml:1: kind: missing/);
    assert.throws(() => parseManifests("kind: A\napiVersion: v1\nkind: B\n", "dup.yaml"), /dup\.yaml:3:/);
  });

  it("reads folders recursively in name order, .yaml/.yml/.json only", async () => {
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "b.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
    writeFileSync(path.join(dir, "a.yml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
    writeFileSync(path.join(dir, "sub", "c.json"), JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }));
    writeFileSync(path.join(dir, "notes.txt"), "not yaml: [");
    const got = await readManifests(dir);
    assert.deepEqual(got.map((m) => [m.object.metadata?.name, path.basename(m.source.file)]), [["a", "a.yml"], ["b", "b.yaml"], ["c", "c.json"]]);
  });

  it("reads stdin for -", async () => {
    const got = await readManifests("-", { stdin: Readable.from([Buffer.from(multi)]) });
    assert.equal(got.length, 3);
    assert.equal(got[0]?.source.file, "<stdin>");
  });

  it("a missing path is a ManifestError naming it", async () => {
    await assert.rejects(readManifests(path.join(dir, "nope.yaml")), (e: unknown) => e instanceof ManifestError && /nope\.yaml: no such file/.test(e.message));
  });
});
