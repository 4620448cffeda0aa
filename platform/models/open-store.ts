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
  const env = opts.env ?? process.env;
  const insecureHosts = (env.MODELPLANE_INSECURE_REGISTRIES ?? "").split(",").map((h) => h.trim());
  const caFile = opts.caFile ?? env.MODELPLANE_REGISTRY_CA;
  const credentials = resolveCredentials(ref.host, opts.credentials, env);
  const store = new RegistryClient(ref.host, {
    insecure: opts.insecure === true || insecureHosts.includes(ref.host),
    ...(caFile ? { ca: readCa(caFile) } : {}),
    ...(credentials ? { credentials } : {}),
    ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}),
  });
  return { store, repo: ref.repository };
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
