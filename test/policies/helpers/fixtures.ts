/** Fixture manifests of the policy tests, read with the pack's own reader. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseManifests, type LoadedManifest } from "../../../policies/manifests.ts";

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/policies");
export const REPO = path.resolve(FIXTURES, "../../..");

export function loadFixture(rel: string): LoadedManifest[] {
  const file = path.join(FIXTURES, rel);
  return parseManifests(readFileSync(file, "utf8"), file);
}

/** The verdict a fixture object declares for the rule under test (annotation test.modelplane.dev/expect). */
export function expectedVerdict(obj: { metadata?: { annotations?: Record<string, string> } }): string | undefined {
  return obj.metadata?.annotations?.["test.modelplane.dev/expect"];
}
