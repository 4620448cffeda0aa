/**
 * Every canonical Kubernetes rule against its own pass/fail manifests (k8s-cases/), called directly the way the
 * runner calls it; plus the checks that hold across rules: metadata, config schemas, and a compliant stack.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { k8sRules } from "../../policies/rules/k8s/index.ts";
import { runRules } from "../../policies/runner.ts";
import { defaults, judge, stack, type CaseTable } from "./k8s-fixtures.ts";
import { securityCases } from "./k8s-cases/security.ts";
import { supplyChainCases } from "./k8s-cases/supply-chain.ts";
import { networkCases } from "./k8s-cases/network.ts";
import { reliabilityCases } from "./k8s-cases/reliability.ts";
import { governanceCases } from "./k8s-cases/governance.ts";

const tables: CaseTable[] = [securityCases, supplyChainCases, networkCases, reliabilityCases, governanceCases];
const cases: CaseTable = Object.assign({}, ...tables);
const byId = new Map(k8sRules.map((r) => [r.id, r]));

describe("k8s rules: pass/fail manifests", () => {
  for (const [id, list] of Object.entries(cases)) {
    describe(id, () => {
      for (const c of list) {
        it(`${c.expect}: ${c.name}`, () => {
          const rule = byId.get(id);
          assert.ok(rule, `no rule ${id}`);
          const { verdict, messages } = judge(rule, c);
          assert.equal(verdict, c.expect, `messages: ${JSON.stringify(messages)}`);
          if (c.message) assert.ok(messages.some((m) => c.message!.test(m)), `no message matches ${c.message}: ${JSON.stringify(messages)}`);
        });
      }
    });
  }
});

describe("k8s rules: coverage and metadata", () => {
  it("every rule has at least one passing and one failing manifest", () => {
    for (const rule of k8sRules) {
      const list = cases[rule.id] ?? [];
      assert.ok(list.some((c) => c.expect === "pass"), `${rule.id} has no passing case`);
      assert.ok(list.some((c) => c.expect === "fail"), `${rule.id} has no failing case`);
    }
    for (const id of Object.keys(cases)) assert.ok(byId.has(id), `cases for unknown rule ${id}`);
  });

  it("ids are unique kebab-case and every rule explains itself", () => {
    assert.equal(byId.size, k8sRules.length);
    for (const r of k8sRules) {
      assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(["security", "supply-chain", "reliability", "observability", "cost", "gpu"].includes(r.group), r.id);
      for (const text of [r.description, r.rationale, r.remediation]) assert.ok(text.length > 20, `${r.id}: ${text}`);
      assert.ok(r.kinds === "*" || r.kinds.length > 0, r.id);
    }
  });

  it("config defaults are valid against their own schema", () => {
    const ajv = new Ajv({ strict: false });
    for (const r of k8sRules) {
      if (!r.configSchema) continue;
      const schema = { type: "object", properties: r.configSchema };
      assert.ok(ajv.validate(schema, defaults(r)), `${r.id}: ${ajv.errorsText()}`);
    }
  });

  it("covers the canonical checks issue 5 asks for", () => {
    const required = [
      "privileged", "host-namespaces", "host-path", "host-ports", "host-process", "proc-mount", "sysctls", "selinux",
      "apparmor", "seccomp", "volume-types", "capabilities-add-restricted", "capabilities-restricted",
      "capabilities-drop-all", "privilege-escalation", "run-as-non-root", "read-only-root-fs", "runtime-socket-mount",
      "automount-sa-token", "secrets-in-env", "image-tag-pinned", "image-digest", "allowed-registries",
      "image-pull-policy", "resources-requests-limits", "requests-equal-limits", "ephemeral-storage", "probes",
      "probes-distinct", "replicas-min", "pdb-required", "pdb-sane", "hpa-sane", "hpa-required",
      "hpa-replicas-conflict", "topology-spread", "priority-class", "bare-pod", "networkpolicy-required",
      "service-type", "service-external-ips", "ingress-tls", "dangling-reference", "required-labels",
      "default-namespace", "deprecated-api",
    ];
    for (const id of required) assert.ok(byId.has(id), `missing ${id}`);
  });
});

describe("k8s rules: a compliant model-serving stack", () => {
  for (const environment of ["dev", "prod"] as const) {
    it(`passes every rule in ${environment} (restricted pods, KEDA, PDB, NetworkPolicy, /dev/shm)`, () => {
      const failures = runRules(k8sRules, stack, { environment }).filter((o) => o.verdict !== "pass" && o.verdict !== "not-applicable");
      assert.deepEqual(
        failures.map((f) => `${f.rule.id} ${f.object.kind}: ${f.messages.join("; ")}`),
        [],
      );
    });
  }

  it("the same stack without its autoscaler, PDB and NetworkPolicy fails the rules that relate them", () => {
    const alone = stack.filter((o) => !["ScaledObject", "PodDisruptionBudget", "NetworkPolicy"].includes(o.kind));
    const failed = new Set(runRules(k8sRules, alone, { environment: "prod" }).filter((o) => o.verdict === "fail").map((o) => o.rule.id));
    assert.deepEqual([...failed].sort(), ["hpa-required", "networkpolicy-required", "replicas-min"]);
  });
});
