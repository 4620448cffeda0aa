import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { isDigest } from "./digest.ts";

/**
 * Where a model artifact lives. Accepted forms:
 *   oci://host[:port]/repo[:tag][@sha256:…]   a registry speaking the OCI distribution API
 *   host[:port]/repo[:tag][@sha256:…]         same, when the first segment looks like a host
 *                                              (contains '.' or ':' or is 'localhost'), as docker does
 *   layout:<dir>[:tag][@sha256:…]             an OCI image-layout folder on disk
 *   name[:tag][@sha256:…]                     the embedded store: layout folder <store>/<name>
 * A reference without tag and digest means tag `latest`.
 */
export type ModelRef = RegistryRef | LayoutRef;

export interface RegistryRef {
  kind: "registry";
  host: string; // host[:port]
  repository: string;
  tag?: string;
  digest?: string;
}

export interface LayoutRef {
  kind: "layout";
  dir: string; // absolute
  repository: string; // for messages and the embedded store's listing
  tag?: string;
  digest?: string;
}

const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class ModelRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelRefError";
  }
}

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** The embedded store's root: $MODELPLANE_STORE, else ~/.modelplane/models. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODELPLANE_STORE || join(homedir(), ".modelplane", "models");
}

export interface ParseOptions {
  storeDir?: string;
  cwd?: string;
}

export function parseReference(input: string, opts: ParseOptions = {}): ModelRef {
  const ref = input.trim();
  if (!ref) throw new ModelRefError("empty model reference");
  // user:password@host/... : refused without echoing it, since messages end up in logs.
  if (!ref.startsWith("layout:") && /^(?:oci:\/\/)?[^/@]*@[^/]*\//.test(ref)) {
    throw new ModelRefError(
      "credentials do not belong in a model reference (user:password@host); use --username with --password-stdin, MODELPLANE_REGISTRY_USERNAME/PASSWORD or docker login",
    );
  }
  const { rest, digest } = splitDigest(ref, input);
  if (rest.startsWith("layout:")) {
    const { path, tag } = splitLayoutTag(rest.slice("layout:".length), input);
    if (!path) throw new ModelRefError(`'${input}': layout reference needs a directory (layout:<dir>[:tag][@digest])`);
    const dir = isAbsolute(path) ? path : resolve(opts.cwd ?? process.cwd(), path);
    return withTagDigest({ kind: "layout", dir, repository: dir }, tag, digest);
  }
  let remote = rest;
  let explicit = false;
  if (rest.startsWith("oci://")) {
    remote = rest.slice("oci://".length);
    explicit = true;
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    throw new ModelRefError(`'${input}': unsupported scheme (use oci://, layout: or a plain name)`);
  }
  const slash = remote.indexOf("/");
  const first = slash < 0 ? remote : remote.slice(0, slash);
  const looksLikeHost = slash > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (explicit && !looksLikeHost && slash <= 0) {
    throw new ModelRefError(`'${input}': expected oci://host[:port]/repository[:tag][@digest]`);
  }
  if (explicit || looksLikeHost) {
    const host = first;
    const { name, tag } = splitNameTag(remote.slice(slash + 1), input);
    if (!/^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$|^\[[0-9a-fA-F:]+\](?::[0-9]{1,5})?$/.test(host)) {
      throw new ModelRefError(`'${input}': invalid registry host '${host}'`);
    }
    return withTagDigest({ kind: "registry", host, repository: checkRepo(name, input) }, tag, digest);
  }
  const { name, tag } = splitNameTag(remote, input);
  const repository = checkRepo(name, input);
  const dir = join(opts.storeDir ?? defaultStoreDir(), repository);
  return withTagDigest({ kind: "layout", dir, repository }, tag, digest);
}

/** The canonical text of a reference, pinned to `digest` when given (what a stack should use). */
export function formatReference(ref: ModelRef, digest?: string): string {
  const pin = digest ?? ref.digest;
  const tail = pin ? `@${pin}` : ref.tag ? `:${ref.tag}` : "";
  if (ref.kind === "registry") return `oci://${ref.host}/${ref.repository}${tail}`;
  return `layout:${ref.dir}${tail}`;
}

function splitDigest(ref: string, input: string): { rest: string; digest?: string } {
  const at = ref.lastIndexOf("@");
  if (at < 0) return { rest: ref };
  const digest = ref.slice(at + 1);
  if (!isDigest(digest)) throw new ModelRefError(`'${input}': invalid digest '${digest}' (expected sha256:<64 hex>)`);
  return { rest: ref.slice(0, at), digest };
}

function splitNameTag(s: string, input: string): { name: string; tag?: string } {
  const lastSlash = s.lastIndexOf("/");
  const colon = s.indexOf(":", lastSlash + 1);
  if (colon < 0) return { name: s };
  const tag = s.slice(colon + 1);
  if (!isValidTag(tag)) throw new ModelRefError(`'${input}': invalid tag '${tag}'`);
  return { name: s.slice(0, colon), tag };
}

function splitLayoutTag(s: string, input: string): { path: string; tag?: string } {
  const lastSlash = s.lastIndexOf("/");
  const colon = s.lastIndexOf(":");
  if (colon <= lastSlash) return { path: s };
  const tag = s.slice(colon + 1);
  if (!isValidTag(tag)) throw new ModelRefError(`'${input}': invalid tag '${tag}'`);
  return { path: s.slice(0, colon), tag };
}

function checkRepo(name: string, input: string): string {
  if (!REPO_RE.test(name)) {
    throw new ModelRefError(
      `'${input}': invalid repository name '${name}' (lowercase letters, digits, '.', '_', '-', '/' separated)`,
    );
  }
  return name;
}

function withTagDigest<T extends ModelRef>(ref: T, tag: string | undefined, digest: string | undefined): T {
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = "latest";
  return ref;
}
