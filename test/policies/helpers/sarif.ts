/**
 * The SARIF 2.1.0 JSON Schema as Microsoft ships it in @microsoft/jest-sarif (the OASIS TC's schema, release
 * rtm.5, written in draft-04 syntax). Ajv 8 reads it once the draft-04 `$schema`/`id` markers are dropped; the
 * schema uses no draft-04-only keyword forms. One of its patterns is not valid in unicode mode, hence
 * unicodeRegExp: false.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

export function sarifValidator() {
  const require = createRequire(import.meta.url);
  const file = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  assert.match(String(schema.title), /SARIF\) Version 2\.1\.0/);
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(schema);
}
