import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { platformSchema } from "../../platform/spec/index.ts";
import type { PlatformSpec } from "../../platform/spec/index.ts";
import { REPO } from "./helpers.ts";

type Schema = Record<string, unknown>;

/** Every subschema with its JSON pointer. */
function* walk(node: unknown, pointer = "#"): Generator<[string, Schema]> {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* walk(item, `${pointer}/${i}`);
    return;
  }
  yield [pointer, node as Schema];
  for (const [k, v] of Object.entries(node)) if (k !== "enum" && k !== "required") yield* walk(v, `${pointer}/${k}`);
}

describe("platform.schema.json", () => {
  const schema = platformSchema();

  it("is a draft 2020-12 schema ajv compiles in strict mode", () => {
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    ajv.addKeyword("patternErrorMessage");
    ajv.addKeyword("errorMessage");
    assert.doesNotThrow(() => ajv.compile(schema));
  });

  it("closes every object and explains every pattern", () => {
    for (const [pointer, s] of walk(schema)) {
      // Maps (labels, rules) constrain their values with a schema; records allow nothing undeclared.
      if (s.type === "object") assert.notEqual(s.additionalProperties, undefined, `${pointer} is an open object`);
      if (s.type === "object" && s.properties) assert.equal(s.additionalProperties, false, `${pointer} additionalProperties`);
      if (typeof s.pattern === "string") assert.equal(typeof s.patternErrorMessage, "string", `${pointer} patternErrorMessage`);
    }
  });

  it("references only definitions that exist, and every definition is used", () => {
    const defs = Object.keys(schema.$defs as Schema);
    const text = JSON.stringify(schema);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)].map((m) => m[1]));
    for (const ref of refs) assert.ok(defs.includes(ref!), `missing $defs/${ref}`);
    for (const def of defs) assert.ok(refs.has(def), `unused $defs/${def}`);
  });

  it("names every top-level field of PlatformSpec", () => {
    const spec: Record<keyof PlatformSpec, true> = {
      environment: true, namespace: true, labels: true, gpu: true, registry: true, monitoring: true, server: true, models: true, policy: true,
    };
    assert.deepEqual(Object.keys(schema.properties as Schema).sort(), Object.keys(spec).sort());
  });

  it("patterns accept what they should and reject the rest", () => {
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
    ajv.addSchema(schema, "p");
    const check = (def: string, value: unknown) => ajv.validate({ $ref: `p#/$defs/${def}` }, value);
    const digest = "sha256:" + "a".repeat(64);
    const good: [string, unknown][] = [
      ["byteQuantity", "4Gi"], ["byteQuantity", "512Mi"], ["byteQuantity", "100G"], ["cpuQuantity", "500m"], ["cpuQuantity", 2], ["cpuQuantity", "0.5"],
      ["duration", "15d"], ["duration", "1h30m"], ["duration", "30s"], ["artifact", `oci://r.example.com:5000/a/b@${digest}`], ["artifact", "oci://localhost:5000/m:1.0"],
      ["image", `ghcr.io/acme/server:1.2@${digest}`], ["image", "busybox"], ["date", "2027-03-31"], ["dnsLabel", "a-b-1"], ["labelKey", "nvidia.com/gpu.product"],
      ["host", "registry.example.com:5000"], ["chartVersion", "v25.3.0"], ["ruleId", "run-as-non-root"],
    ];
    const bad: [string, unknown][] = [
      ["byteQuantity", "4GB"], ["byteQuantity", "-1Gi"], ["cpuQuantity", "1.5 cores"], ["cpuQuantity", 0], ["duration", "15 days"], ["artifact", "r.example.com/a:1"],
      ["artifact", `oci://r.example.com/a@sha256:${"a".repeat(63)}`], ["artifact", "oci://r.example.com/A:1"], ["image", "ghcr.io/acme/server@sha256:short"],
      ["date", "31.03.2027"], ["dnsLabel", "-a"], ["dnsLabel", "A"], ["dnsLabel", "a".repeat(64)], ["host", "https://r.example.com"], ["chartVersion", "latest"],
      ["ruleId", "RunAsNonRoot"],
    ];
    for (const [def, v] of good) assert.equal(check(def, v), true, `${def} should accept ${JSON.stringify(v)}`);
    for (const [def, v] of bad) assert.equal(check(def, v), false, `${def} should reject ${JSON.stringify(v)}`);
  });

  it("stack.schema.json lets editors check whole stack files (secure values as objects)", () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    ajv.addKeyword("patternErrorMessage");
    ajv.addKeyword("errorMessage");
    ajv.addSchema(schema, "platform.schema.json");
    const validate = ajv.compile(JSON.parse(readFileSync(`${REPO}/platform/spec/stack.schema.json`, "utf8")) as Schema);
    for (const env of ["dev", "staging", "prod"]) {
      const text = readFileSync(`${REPO}/stacks/Pulumi.${env}.yaml`, "utf8");
      assert.match(text, /^# yaml-language-server: \$schema=\.\.\/platform\/spec\/stack\.schema\.json\n/);
      assert.equal(validate(parse(text)), true, `${env}: ${JSON.stringify(validate.errors)}`);
    }
    assert.equal(validate(parse("config:\n  modelplane:platform:\n    gpus: 1\n")), false);
    assert.equal(validate(parse("confg: {}\n")), false);
    assert.equal(validate(parse("config:\n  kubernetes:context: any\n")), true);
  });
});
