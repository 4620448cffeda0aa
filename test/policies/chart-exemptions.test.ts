/**
 * Offline, Helm releases are opaque; under `pulumi preview --policy-pack` the pack judges every object a chart
 * renders. Our stacks declare exemptions for the operators' namespaces: this proves they cover a typical
 * privileged chart workload (node-exporter) and that, without them, prod would fail.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { checkManifests, packConfigForSpec, stackFactsOf } from "../../policies/index.ts";
import type { KubeObject } from "../../policies/rule.ts";
import { loadStack } from "../../platform/spec/index.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const nodeExporter: KubeObject = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "kube-prometheus-stack-prometheus-node-exporter", namespace: "monitoring" },
  spec: {
    selector: { matchLabels: { app: "node-exporter" } },
    template: {
      metadata: { labels: { app: "node-exporter" } },
      spec: {
        hostNetwork: true,
        hostPID: true,
        containers: [{
          name: "node-exporter",
          image: "quay.io/prometheus/node-exporter:v1.9.1",
          ports: [{ containerPort: 9100, hostPort: 9100 }],
          volumeMounts: [{ name: "root", mountPath: "/host/root", readOnly: true }],
        }],
        volumes: [{ name: "root", hostPath: { path: "/" } }],
      },
    },
  },
};

for (const env of ["staging", "prod"]) {
  test(`${env}: the stack's exemptions cover privileged chart workloads, reported as exempt`, async () => {
    const { spec } = loadStack(env, { cwd: ROOT });
    // As `check --manifests --config` does with the pack config `check --stack --emit-pack-config` writes.
    const config = packConfigForSpec(spec);
    const withExemptions = await checkManifests([nodeExporter], { config, ...stackFactsOf(config) });
    const mandatoryFails = withExemptions.results.filter((r) => r.verdict === "fail" && r.enforcement === "mandatory");
    assert.deepEqual(mandatoryFails.map((r) => r.rule), []);
    const exempt = withExemptions.results.filter((r) => r.verdict === "exempt").map((r) => r.rule);
    for (const rule of ["host-namespaces", "host-path", "host-ports"]) assert.ok(exempt.includes(rule), `${rule} is reported exempt`);

    const bare = await checkManifests([nodeExporter], { environment: spec.environment });
    const failing = bare.results.filter((r) => r.verdict === "fail" && r.enforcement === "mandatory").map((r) => r.rule);
    assert.ok(failing.includes("host-namespaces") && failing.includes("host-path"), "without the exemptions it would fail");
  });
}
