import { URL } from "node:url";
import type { Credentials } from "./credentials.ts";
import { AuthenticationError } from "./errors.ts";
import { readText, type Transport } from "./http.ts";

export interface Challenge {
  scheme: string; // lowercased: "basic" | "bearer"
  params: Record<string, string>;
}

/** Parse `Bearer realm="...",service="...",scope="..."` (quoted values may contain commas). */
export function parseChallenge(header: string): Challenge {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  const scheme = (m?.[1] ?? "").toLowerCase();
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const p of (m?.[2] ?? "").matchAll(re)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : (p[3] ?? "");
  }
  return { scheme, params };
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

/**
 * Answers registry auth challenges for one registry host. Basic credentials are sent
 * pre-emptively once the registry asked for them; bearer tokens are fetched from the
 * challenge's realm and cached per scope until shortly before they expire.
 */
export class Authenticator {
  private basic = false;
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly registry: string,
    private readonly transport: Transport,
    private readonly credentials: Credentials | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Authorization header to send for a request needing `scope`, if we know one. */
  header(scope: string): string | undefined {
    if (this.basic && this.credentials) return basicHeader(this.credentials);
    const t = this.tokens.get(scope);
    if (t && t.expiresAt > this.now()) return `Bearer ${t.value}`;
    return undefined;
  }

  /** React to a 401's WWW-Authenticate. Throws when no credentials or token can satisfy it. */
  async challenge(wwwAuthenticate: string | undefined, scope: string, signal?: AbortSignal): Promise<void> {
    if (!wwwAuthenticate) throw new AuthenticationError(`${this.registry}: 401 without a WWW-Authenticate challenge`, 401);
    const ch = parseChallenge(wwwAuthenticate);
    if (ch.scheme === "basic") {
      if (!this.credentials || this.basic) {
        throw new AuthenticationError(
          this.credentials
            ? `${this.registry}: username or password rejected`
            : `${this.registry}: authentication required (set MODELPLANE_REGISTRY_USERNAME/PASSWORD, --username/--password, or docker login)`,
          401,
        );
      }
      this.basic = true;
      return;
    }
    if (ch.scheme === "bearer") {
      const cached = this.tokens.get(scope);
      // A token we just used was refused: the scope needs more than it grants.
      if (cached && cached.expiresAt > this.now()) {
        this.tokens.delete(scope);
        throw new AuthenticationError(`${this.registry}: access denied for ${ch.params.scope ?? scope}`, 401);
      }
      await this.fetchToken(ch, ch.params.scope ?? scope, signal, scope);
      return;
    }
    throw new AuthenticationError(`${this.registry}: unsupported auth scheme '${ch.scheme}'`, 401);
  }

  private async fetchToken(ch: Challenge, scope: string, signal?: AbortSignal, cacheKey = scope): Promise<void> {
    const realm = ch.params.realm;
    if (!realm) throw new AuthenticationError(`${this.registry}: bearer challenge without a realm`, 401);
    const url = new URL(realm);
    if (ch.params.service) url.searchParams.set("service", ch.params.service);
    if (scope) url.searchParams.set("scope", scope);
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.credentials) headers.Authorization = basicHeader(this.credentials);
    const res = await this.transport.request(url, { method: "GET", headers, ...(signal ? { signal } : {}) });
    const text = await readText(res);
    if (res.statusCode !== 200) {
      throw new AuthenticationError(
        `${this.registry}: token server ${url.origin} refused ${scope || "access"} (HTTP ${res.statusCode})`,
        res.statusCode ?? 401,
      );
    }
    let body: { token?: string; access_token?: string; expires_in?: number };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new AuthenticationError(`${this.registry}: token server answered with invalid JSON`, 401);
    }
    const value = body.token ?? body.access_token;
    if (!value) throw new AuthenticationError(`${this.registry}: token server answered without a token`, 401);
    // The distribution spec's default lifetime is 60 s; renew 10 s early so no request races expiry.
    const lifetime = Math.max(1, (body.expires_in ?? 60) - 10) * 1000;
    this.tokens.set(cacheKey, { value, expiresAt: this.now() + lifetime });
  }
}

function basicHeader(c: Credentials): string {
  return "Basic " + Buffer.from(`${c.username}:${c.password}`).toString("base64");
}
