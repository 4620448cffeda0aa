import { readFileSync } from "node:fs";
import { resolveCredentials, type Credentials } from "./credentials.ts";
import { LayoutStore } from "./layout-store.ts";
import type { ModelRef } from "./reference.ts";
import { RegistryClient } from "./registry-client.ts";
import type { ArtifactStore } from "./store.ts";

export interface StoreOptions {
  /** Plain HTTP. Also on for hosts listed in MODELPLANE_INSECURE_REGISTRIES (comma-separated host[:port]). */
  insecure?: boolean;
  /** PEM file of extra CAs; default MODELPLANE_REGISTRY_CA. */
  caFile?: string;
  credentials?: Partial<Credentials>;
  chunkSize?: number;
  env?: NodeJS.ProcessEnv;
}

/** The store a reference points at, and the repository name to use with it. */
export function openStore(ref: ModelRef, opts: StoreOptions = {}): { store: ArtifactStore; repo: string } {
  if (ref.kind === "layout") return { store: new LayoutStore(ref.dir), repo: ref.repository };
  return { store: openRegistry(ref.host, opts), repo: ref.repository };
}

/** A client for one registry host, with credentials, CA and plain-HTTP choice resolved from options and env. */
export function openRegistry(host: string, opts: StoreOptions = {}): RegistryClient {
  const env = opts.env ?? process.env;
  const insecureHosts = (env.MODELPLANE_INSECURE_REGISTRIES ?? "").split(",").map((h) => h.trim());
  const caFile = opts.caFile ?? env.MODELPLANE_REGISTRY_CA;
  const credentials = resolveCredentials(host, opts.credentials, env);
  return new RegistryClient(host, {
    insecure: opts.insecure === true || insecureHosts.includes(host),
    ...(caFile ? { ca: readCa(caFile) } : {}),
    ...(credentials ? { credentials } : {}),
    ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
  });
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
