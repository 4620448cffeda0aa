import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SECRET_PLACEHOLDER } from "../../platform/engine/types.ts";
import { checkPlatform, resolveSpec, SpecValidationError, type ResolveOptions } from "../../platform/spec/index.ts";
import { ARTIFACT_A, ARTIFACT_B } from "./helpers.ts";

function errorsOf(raw: unknown, opts: ResolveOptions = {}): string[] {
  try {
    resolveSpec(raw, opts);
  } catch (err) {
    assert.ok(err instanceof SpecValidationError, String(err));
    assert.equal(err.message, err.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
    return err.message.split("\n");
  }
  assert.fail("expected a SpecValidationError");
}

describe("resolveSpec on plain objects (the Pulumi program's path)", () => {
  it("resolves a minimal prod spec, taking the environment from the stack name", () => {
    const spec = resolveSpec(
      { models: [{ name: "purchase-propensity", artifact: ARTIFACT_A, resources: { gpuProduct: "NVIDIA-H100-80GB-HBM3" } }] },
      { stack: "prod-eu" },
    );
    assert.equal(spec.environment, "prod");
    assert.equal(spec.namespace, "modelplane-prod");
    assert.equal(spec.models[0]?.autoscaling.minReplicas, 2);
  });

  it("errors carry field paths and no file", () => {
    assert.deepEqual(
      errorsOf({
        environment: "prod",
        models: [{ name: "a", artifact: ARTIFACT_A, resources: { gpuProduct: "NVIDIA-H100-80GB-HBM3" }, autoscaling: { minReplicas: 3, maxReplicas: 2 } }],
      }),
      ["models[0].autoscaling.maxReplicas: must be >= minReplicas (3)"],
    );
  });

  it("reports schema and semantic errors of different fields together", () => {
    assert.deepEqual(
      errorsOf({
        environment: "staging",
        namespace: "kube-system",
        models: [
          { name: "a", artifact: ARTIFACT_A, canary: { artifact: ARTIFACT_B, weight: 101 } },
          { name: "a", artifact: "oci://r.example.com/m:1", resources: { memory: "lots" } },
        ],
      }),
      [
        "models[0].canary.weight: must be <= 100 (got 101)",
        "models[1].artifact: must be pinned by digest (@sha256:<64 hex digits>) in staging",
        "models[1].name: duplicate model name 'a' (first at models[0])",
        "models[1].resources.memory: must be a size such as 4Gi, 512Mi or 100G (got \"lots\")",
        "namespace: must not be a system namespace (default, kube-system, kube-public, kube-node-lease)",
      ],
    );
  });

  it("leaves out semantic verdicts that rest on a value the schema rejected", () => {
    // minReplicas is not a number: comparing maxReplicas with the default floor would blame the wrong field.
    assert.deepEqual(
      errorsOf({ environment: "prod", models: [{ name: "a", artifact: ARTIFACT_A, resources: { gpuProduct: "X" }, autoscaling: { minReplicas: "two", maxReplicas: 1 } }] }),
      ['models[0].autoscaling.minReplicas: must be an integer (got "two")'],
    );
  });

  it("the root must be a mapping", () => {
    assert.deepEqual(errorsOf("prod"), ['modelplane:platform: must be a mapping (got "prod")']);
    assert.deepEqual(errorsOf(null, { stack: "dev" }), ["modelplane:platform: must be a mapping (got nothing)"]);
  });

  it("the environment must be known and agree with the stack and the caller", () => {
    assert.deepEqual(errorsOf({}, { stack: "sandbox" }), ["environment: is required (stack 'sandbox' does not start with dev, staging or prod)"]);
    assert.deepEqual(errorsOf({}), ["environment: is required"]);
    assert.deepEqual(errorsOf({ environment: "dev" }, { stack: "prod" }), ["environment: is dev but the stack is 'prod' (stack names start with their environment)"]);
    assert.deepEqual(errorsOf({ environment: "dev" }, { environment: "staging" }), ["environment: is dev but the program runs staging"]);
    assert.equal(resolveSpec({}, { environment: "staging" }).environment, "staging");
    assert.equal(resolveSpec({ environment: "dev" }, { stack: "dev-alice" }).environment, "dev");
  });

  it("secure values are replaced by the placeholder and their paths reported", () => {
    const result = checkPlatform(
      {
        environment: "dev",
        registry: { password: { secure: "v1:abc:def" } },
        monitoring: { alertReceivers: [{ name: "oncall", type: "pagerduty", target: { secure: "v1:x:y" } }] },
      },
      {},
    );
    assert.deepEqual(result.issues, []);
    assert.equal(result.spec?.registry.password, SECRET_PLACEHOLDER);
    assert.equal(result.spec?.monitoring.alertReceivers[0]?.target, SECRET_PLACEHOLDER);
    assert.deepEqual(result.secretPaths, ["registry.password", "monitoring.alertReceivers[0].target"]);
  });

  it("decrypted secrets (what the Pulumi CLI hands the program) pass as plain strings", () => {
    const spec = resolveSpec({
      environment: "dev",
      registry: { password: "s3cret" },
      monitoring: { alertReceivers: [{ name: "chat", type: "slack", target: "https://hooks.slack.com/services/T0/B0/x" }] },
    });
    assert.equal(spec.registry.password, "s3cret");
    assert.deepEqual(
      errorsOf({ environment: "dev", monitoring: { alertReceivers: [{ name: "chat", type: "slack", target: "not a url" }, { name: "chat", type: "email", target: "ops" }] } }),
      [
        "monitoring.alertReceivers[0].target: must be an http(s) URL for a slack receiver",
        "monitoring.alertReceivers[1].name: duplicate receiver name 'chat' (first at monitoring.alertReceivers[0])",
        "monitoring.alertReceivers[1].target: must be an e-mail address for an email receiver",
      ],
    );
  });

  it("checks each remaining semantic rule", () => {
    const base = { name: "m", artifact: "oci://r.example.com/m:1" };
    const cases: [unknown, string[]][] = [
      [{ environment: "dev", registry: { server: "r.example.com" } }, ["registry.server: only applies when registry.mode is external (the in-cluster registry's address is computed)"]],
      [{ environment: "dev", gpu: { sharing: "none", timeSlicingReplicas: 8 } }, ["gpu.timeSlicingReplicas: only applies when gpu.sharing is time-slicing (it is none)"]],
      [{ environment: "dev", gpu: { sharing: "mig", migStrategy: "mixed" }, models: [{ ...base, resources: { gpu: 1 } }] }, ["models[0].resources.migProfile: is required when gpu.migStrategy is mixed (pods request nvidia.com/mig-<profile>)"]],
      [{ environment: "dev", gpu: { sharing: "mig" }, models: [{ ...base, resources: { gpu: 0, migProfile: "1g.10gb" } }] }, ["models[0].resources.migProfile: only applies when resources.gpu > 0"]],
      [{ environment: "dev", models: [{ ...base, resources: { gpu: 0, gpuProduct: "NVIDIA-L4" } }] }, ["models[0].resources.gpuProduct: only applies when resources.gpu > 0"]],
      [{ environment: "dev", models: [{ ...base, batching: { maxQueueDelayMs: 50, timeoutMs: 50 } }] }, [
        "models[0].batching.maxQueueDelayMs: must be below timeoutMs (50)",
        "models[0].slo.latency.thresholdMs: must be below batching.timeoutMs (50): requests time out before they can miss the SLO",
      ]],
      [{ environment: "dev", models: [{ ...base, batching: { maxQueueDelayMs: 20 }, slo: { latency: { thresholdMs: 10 } } }] }, ["models[0].slo.latency.thresholdMs: must be above batching.maxQueueDelayMs (20): batching alone would miss the SLO"]],
      [{ environment: "dev", monitoring: { enabled: false, alertReceivers: [{ name: "a", type: "webhook", target: "https://x.example.com/hook" }] } }, ["monitoring.alertReceivers: needs monitoring.enabled: true (alerts are routed by the monitoring stack)"]],
      [{ environment: "staging", models: [{ ...base, artifact: ARTIFACT_A, serverImage: "ghcr.io/acme/server:1" }] }, ["models[0].serverImage: must be pinned by digest (@sha256:<64 hex digits>) in staging"]],
      [{ environment: "dev", models: [{ ...base, resources: { migProfile: "1g.10gb" } }] }, ["models[0].resources.migProfile: only allowed when gpu.sharing is mig (it is time-slicing)"]],
    ];
    for (const [raw, errors] of cases) assert.deepEqual(errorsOf(raw), errors, JSON.stringify(raw));
  });

  it("accepts wildcard exemptions and real dates, expired or not (expiry is the policy engine's verdict)", () => {
    const spec = resolveSpec({
      environment: "dev",
      models: [{ name: "m", artifact: "oci://r.example.com/m:1" }],
      policy: {
        exemptions: [
          { rule: "gpu-*", target: "model:m", reason: "sized later this quarter", owner: "ml", expires: "2024-02-29" },
          { rule: "*", target: "*", reason: "sandbox cluster, no policies", owner: "ml", expires: "2030-01-01" },
          { rule: "run-as-non-root", target: "Deployment/modelplane-dev/m*", reason: "legacy image runs as root", owner: "ml", expires: "2030-01-01" },
        ],
      },
    });
    assert.equal(spec.policy.exemptions.length, 3);
  });
});
