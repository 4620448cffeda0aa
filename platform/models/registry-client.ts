import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { Authenticator } from "./auth.ts";
import type { Credentials } from "./credentials.ts";
import { DigestMismatchError, digestOf, isDigest } from "./digest.ts";
import {
  AuthenticationError,
  classifyNetworkError,
  NotFoundError,
  RegistryError,
} from "./errors.ts";
import { drain, header, readBytes, readText, Transport, type RequestInit, type TransportOptions } from "./http.ts";
import { OCI_INDEX, OCI_MANIFEST } from "./media-types.ts";
import type { ArtifactStore, BlobSource, Descriptor, Progress, StoredManifest } from "./store.ts";

export interface RegistryClientOptions extends TransportOptions {
  credentials?: Credentials;
  /** Blobs larger than this go up in PATCH chunks of this size; smaller ones in one PUT. */
  chunkSize?: number;
  /** `n` asked for per page of tags and catalog listings; the rest follows the `Link: rel="next"` headers. */
  pageSize?: number;
}

const DEFAULT_CHUNK = 64 << 20;
const MAX_REDIRECTS = 5;
/**
 * The PUT that closes an upload is answered only once the registry has checked the whole
 * blob's digest, which on object storage can take minutes for a large model: it gets longer.
 */
const FINALIZE_IDLE_MS = 15 * 60_000;

/** A client for the OCI distribution API of one registry host. */
export class RegistryClient implements ArtifactStore {
  readonly location: string;
  private readonly base: URL;
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private readonly chunkSize: number;
  private readonly pageSize: number;

  constructor(
    readonly host: string,
    opts: RegistryClientOptions = {},
  ) {
    this.transport = new Transport(opts);
    this.base = new URL(`${this.transport.scheme}://${host}/`);
    this.location = `registry ${host}`;
    this.auth = new Authenticator(host, this.transport, opts.credentials);
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
    this.pageSize = opts.pageSize ?? 1000;
  }

  /** GET /v2/: the registry is there and speaks the API (and our credentials, if it wants some, work). */
  async ping(signal?: AbortSignal): Promise<void> {
    const res = await this.send("/v2/", "", { method: "GET", ...sig(signal) });
    if (res.statusCode !== 200) throw await this.failure(res, "ping");
    await drain(res);
  }

  async hasBlob(repo: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.send(`/v2/${repo}/blobs/${digest}`, pull(repo), { method: "HEAD", ...sig(signal) });
    await drain(res);
    const status = res.statusCode ?? 0;
    if (status === 200) return true;
    // Registries backed by object storage (distribution with S3 and redirects on, its default) answer
    // HEAD for a blob they hold with a redirect to the storage URL, just as they do GET.
    if (status >= 300 && status < 400 && header(res.headers, "location")) return true;
    if (status === 404) return false;
    throw await this.failure(res, `blob ${digest}`);
  }

  async pushBlob(repo: string, blob: BlobSource, onProgress?: Progress, signal?: AbortSignal): Promise<void> {
    const scope = push(repo);
    let location = await this.startUpload(repo, scope, signal);
    const octet = { "Content-Type": "application/octet-stream" };
    if (blob.size > this.chunkSize) {
      // Chunked: each PATCH streams one byte range from disk, so no chunk is ever held in memory.
      for (let start = 0; start < blob.size; start += this.chunkSize) {
        const end = Math.min(blob.size, start + this.chunkSize);
        const res = await this.send(location, scope, {
          method: "PATCH",
          headers: { ...octet, "Content-Length": end - start, "Content-Range": `${start}-${end - 1}` },
          body: () => counting(blob.open(start, end), onProgress),
          ...sig(signal),
        });
        if (res.statusCode !== 202) throw await this.failure(res, `upload of ${blob.digest}`);
        await drain(res);
        location = this.nextLocation(res, location);
      }
      const res = await this.send(withDigest(location, blob.digest), scope, {
        method: "PUT",
        headers: { ...octet, "Content-Length": 0 },
        idleTimeoutMs: FINALIZE_IDLE_MS,
        ...sig(signal),
      });
      if (res.statusCode !== 201) throw await this.failure(res, `upload of ${blob.digest}`);
      await drain(res);
      return;
    }
    const res = await this.send(withDigest(location, blob.digest), scope, {
      method: "PUT",
      headers: { ...octet, "Content-Length": blob.size },
      body: () => counting(blob.open(0, blob.size), onProgress),
      idleTimeoutMs: FINALIZE_IDLE_MS,
      ...sig(signal),
    });
    if (res.statusCode !== 201) throw await this.failure(res, `upload of ${blob.digest}`);
    await drain(res);
  }

  async fetchBlob(repo: string, desc: Descriptor, signal?: AbortSignal): Promise<Readable> {
    let url = new URL(`/v2/${repo}/blobs/${desc.digest}`, this.base);
    for (let hop = 0; ; hop++) {
      const res = await this.send(url, pull(repo), { method: "GET", ...sig(signal) });
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && header(res.headers, "location") && hop < MAX_REDIRECTS) {
        await drain(res);
        url = new URL(header(res.headers, "location")!, url);
        continue;
      }
      if (status !== 200) throw await this.failure(res, `blob ${desc.digest}`);
      // A body cut short makes node fail the stream ("aborted"); explain() maps that to a retryable error.
      return res;
    }
  }

  async putManifest(repo: string, tag: string | undefined, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    const digest = digestOf(bytes);
    const res = await this.send(`/v2/${repo}/manifests/${tag ?? digest}`, push(repo), {
      method: "PUT",
      headers: { "Content-Type": mediaType, "Content-Length": bytes.length },
      body: bytes,
      ...sig(signal),
    });
    if (res.statusCode !== 201) throw await this.failure(res, `manifest ${repo}:${tag ?? digest}`);
    await drain(res);
    const said = header(res.headers, "docker-content-digest");
    if (said && said !== digest) throw new RegistryError(`${this.host} stored the manifest as ${said}, expected ${digest}`, 0);
    return digest;
  }

  async getManifest(repo: string, reference: string, signal?: AbortSignal): Promise<StoredManifest> {
    const res = await this.send(`/v2/${repo}/manifests/${reference}`, pull(repo), {
      method: "GET",
      headers: { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
      ...sig(signal),
    });
    if (res.statusCode !== 200) throw await this.failure(res, `manifest ${repo}${isDigest(reference) ? "@" : ":"}${reference}`);
    const bytes = await readBytes(res).catch((err) => {
      throw classifyNetworkError(err, this.host);
    });
    const digest = digestOf(bytes);
    const expected = isDigest(reference) ? reference : header(res.headers, "docker-content-digest");
    if (expected && expected !== digest) {
      throw new DigestMismatchError(expected, digest, `manifest ${repo}@${expected}`);
    }
    return { bytes, digest, mediaType: header(res.headers, "content-type") ?? OCI_MANIFEST };
  }

  async listTags(repo: string, signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    await this.paginate(`/v2/${repo}/tags/list?n=${this.pageSize}`, pull(repo), signal, (body) => {
      out.push(...(((body as { tags?: string[] | null }).tags ?? []) as string[]));
    });
    return out;
  }

  async catalog(signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    await this.paginate(`/v2/_catalog?n=${this.pageSize}`, "registry:catalog:*", signal, (body) => {
      out.push(...(((body as { repositories?: string[] | null }).repositories ?? []) as string[]));
    });
    return out;
  }

  explain(err: unknown): unknown {
    return classifyNetworkError(err, this.host);
  }

  close(): void {
    this.transport.close();
  }

  private async paginate(path: string, scope: string, signal: AbortSignal | undefined, each: (body: unknown) => void): Promise<void> {
    let url: URL | undefined = new URL(path, this.base);
    const seen = new Set<string>();
    while (url) {
      // A registry that links a page to itself would otherwise keep us here forever.
      if (seen.has(url.href)) throw new RegistryError(`${this.host}: ${url.pathname} pagination links back to ${url.pathname}${url.search}`, 0);
      seen.add(url.href);
      const res = await this.send(url, scope, { method: "GET", headers: { Accept: "application/json" }, ...sig(signal) });
      if (res.statusCode !== 200) throw await this.failure(res, url.pathname);
      const text = await readText(res);
      try {
        each(JSON.parse(text));
      } catch {
        throw new RegistryError(`${this.host}: ${url.pathname} answered with an invalid listing (not the JSON the API specifies)`, 0);
      }
      // Link: </v2/_catalog?last=x&n=1000>; rel="next"
      const link = header(res.headers, "link");
      const next = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      url = next ? new URL(next, this.base) : undefined;
    }
  }

  private async startUpload(repo: string, scope: string, signal?: AbortSignal): Promise<URL> {
    const res = await this.send(`/v2/${repo}/blobs/uploads/`, scope, {
      method: "POST",
      headers: { "Content-Length": 0 },
      ...sig(signal),
    });
    if (res.statusCode !== 202) throw await this.failure(res, `upload to ${repo}`);
    await drain(res);
    return this.nextLocation(res);
  }

  private nextLocation(res: IncomingMessage, previous?: URL): URL {
    const loc = header(res.headers, "location");
    if (!loc) {
      if (previous) return previous;
      throw new RegistryError(`${this.host}: upload answer without a Location header`, res.statusCode ?? 0);
    }
    return new URL(loc, this.base);
  }

  /** One request with auth: on a 401 answer the challenge once and send again. */
  private async send(target: string | URL, scope: string, init: RequestInit): Promise<IncomingMessage> {
    const url = typeof target === "string" ? new URL(target, this.base) : target;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string | number> = { ...(init.headers ?? {}) };
      const authorization = url.host === this.base.host ? this.auth.header(scope) : undefined;
      if (authorization) headers.Authorization = authorization;
      let res: IncomingMessage;
      try {
        res = await this.transport.request(url, { ...init, headers });
      } catch (err) {
        throw classifyNetworkError(err, this.host);
      }
      if (res.statusCode === 401 && attempt === 0 && url.host === this.base.host) {
        await drain(res);
        await this.auth.challenge(header(res.headers, "www-authenticate"), scope, init.signal).catch((err) => {
          throw classifyNetworkError(err, this.host);
        });
        continue;
      }
      return res;
    }
  }

  /** Turn an unexpected answer into the error a caller can act on, with the registry's own words. */
  private async failure(res: IncomingMessage, what: string): Promise<Error> {
    const status = res.statusCode ?? 0;
    let code: string | undefined;
    let detail = "";
    try {
      const body = JSON.parse(await readText(res, 1 << 20)) as { errors?: { code?: string; message?: string }[] };
      const first = body.errors?.[0];
      code = first?.code;
      if (first?.message) detail = `: ${first.message}`;
    } catch {
      /* not JSON: the status says enough */
    }
    if (status === 401 || status === 403) {
      return new AuthenticationError(`${this.host}: access to ${what} denied (HTTP ${status}${detail})`, status);
    }
    if (status === 404) return new NotFoundError(`${what} not found in ${this.host}${detail}`);
    return new RegistryError(`${this.host}: ${what} failed with HTTP ${status}${code ? ` ${code}` : ""}${detail}`, status, code);
  }
}

function pull(repo: string): string {
  return `repository:${repo}:pull`;
}

function push(repo: string): string {
  return `repository:${repo}:pull,push`;
}

function sig(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

function withDigest(location: URL, digest: string): URL {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url;
}

function counting(stream: Readable, onProgress?: Progress): Readable {
  if (onProgress) stream.on("data", (chunk: Buffer) => onProgress(chunk.length));
  return stream;
}
