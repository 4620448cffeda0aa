import { listLayoutRepositories } from "./layout-store.ts";
import { openRegistry, openStore, type StoreOptions } from "./open-store.ts";
import { formatReference, parseReference } from "./reference.ts";

export interface Listing {
  kind: "repositories" | "tags";
  items: string[];
  /** Where they were listed, as a reference prefix. */
  location: string;
}

/**
 * What `model ls` shows: no target lists the embedded store's repositories,
 * `oci://host` (or a bare host[:port]) a registry's catalog, any other reference
 * that repository's tags.
 */
export async function listModels(target: string | undefined, opts: { storeDir: string; cwd: string; store: StoreOptions }): Promise<Listing> {
  if (!target) {
    return { kind: "repositories", items: await listLayoutRepositories(opts.storeDir), location: `layout:${opts.storeDir}` };
  }
  const hostOnly = /^(?:oci:\/\/)?([^/@]+?)\/?$/.exec(target)?.[1];
  if (hostOnly && (target.startsWith("oci://") || /[.:]/.test(hostOnly) || hostOnly === "localhost")) {
    const client = openRegistry(hostOnly, opts.store);
    try {
      return { kind: "repositories", items: (await client.catalog()).sort(), location: `oci://${hostOnly}` };
    } finally {
      client.close();
    }
  }
  const ref = parseReference(target, { storeDir: opts.storeDir, cwd: opts.cwd });
  const { store, repo } = openStore(ref, opts.store);
  try {
    const { tag: _t, digest: _d, ...bare } = ref;
    return { kind: "tags", items: (await store.listTags(repo)).sort(), location: formatReference(bare) };
  } finally {
    store.close();
  }
}
