/**
 * Turns the wire form of resource inputs (what the Pulumi SDK sends the engine) into plain JSON:
 * unknowns become UNKNOWN, secrets are unwrapped with their paths recorded, resource references become URNs,
 * assets and archives become a short description. Nothing is silently dropped.
 */
import * as pulumi from "@pulumi/pulumi";
import { joinPath as join } from "./paths.ts";
import { UNKNOWN } from "./types.ts";

const rpc = pulumi.runtime;

export interface Decoded {
  value: unknown;
  secretPaths: string[];
}

export function decodeWire(raw: unknown): Decoded {
  const secretPaths: string[] = [];
  const value = decode(raw, "", secretPaths);
  return { value, secretPaths };
}

function decode(v: unknown, path: string, secrets: string[]): unknown {
  if (v === rpc.unknownValue) return UNKNOWN;
  if (Array.isArray(v)) return v.map((item, i) => decode(item, join(path, i), secrets));
  if (v === null || typeof v !== "object") return v;
  const obj = v as Record<string, unknown>;
  const sig = obj[rpc.specialSigKey];
  if (sig === rpc.specialSecretSig) {
    secrets.push(path);
    return decode(obj["value"], path, secrets);
  }
  if (sig === rpc.specialResourceSig) return obj["urn"];
  if (sig === rpc.specialOutputValueSig) {
    if (obj["secret"]) secrets.push(path);
    return "value" in obj ? decode(obj["value"], path, secrets) : UNKNOWN;
  }
  if (sig === rpc.specialAssetSig || sig === rpc.specialArchiveSig) {
    return `<asset: ${String(obj["path"] ?? obj["uri"] ?? "inline text")}>`;
  }
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(obj)) {
    // Pulumi drops undefined inputs on the wire; mirror that so manifests have no empty keys.
    if (item === undefined) continue;
    out[k] = decode(item, join(path, k), secrets);
  }
  return out;
}
