/** Parsing of container image references the way the container runtimes resolve them. */

export interface ImageRef {
  /** Registry host[:port]; `docker.io` when the reference names none. */
  registry: string;
  /** Repository path inside the registry (`library/nginx` for `nginx`). */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export function parseImage(image: unknown): ImageRef {
  // A non-string image (hand-written YAML) is judged as the reference it prints as, never a crash.
  let rest = String(image).trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  // The first path component is a registry host when it looks like one (has a dot or a port, or is localhost).
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  let registry = "docker.io";
  let repository = rest;
  if (slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first;
    repository = rest.slice(slash + 1);
  }
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = "docker.io";
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  return { registry, repository, tag: tag || undefined, digest: digest || undefined };
}

export function hasValidDigest(ref: ImageRef): boolean {
  return ref.digest !== undefined && DIGEST.test(ref.digest);
}

/** A reference whose content can change under the same name: no digest and no tag, or the `latest` tag. */
export function isMutable(ref: ImageRef): boolean {
  if (hasValidDigest(ref)) return false;
  return ref.tag === undefined || ref.tag === "latest";
}

/**
 * Whether an allow-list entry covers the image. An entry is a registry host (`ghcr.io`), a host plus path prefix
 * (`ghcr.io/acme/`), or `*` for anything; `docker.io` also covers short names (`nginx`).
 */
export function registryAllowed(ref: ImageRef, entry: string): boolean {
  const e = entry.trim().replace(/\/+$/, "");
  if (e === "*") return true;
  const full = `${ref.registry}/${ref.repository}`;
  const norm = e.replace(/^(index\.docker\.io|registry-1\.docker\.io)(?=\/|$)/, "docker.io");
  return full === norm || full.startsWith(`${norm}/`);
}
