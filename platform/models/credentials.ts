import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Credentials for a registry host, first match wins:
 *   1. explicit options (CLI flags, server options)
 *   2. MODELPLANE_REGISTRY_USERNAME / MODELPLANE_REGISTRY_PASSWORD
 *   3. docker config.json ($DOCKER_CONFIG/config.json or ~/.docker/config.json), `auths` entries
 *      with `auth` (base64 user:password) or `username`/`password`; keys may carry a scheme or path.
 * Credential helpers (credsStore/credHelpers) are not run: that would execute other programs.
 */
export function resolveCredentials(
  host: string,
  explicit?: Partial<Credentials>,
  env: NodeJS.ProcessEnv = process.env,
): Credentials | undefined {
  if (explicit?.username !== undefined && explicit.password !== undefined) {
    return { username: explicit.username, password: explicit.password };
  }
  const u = env.MODELPLANE_REGISTRY_USERNAME;
  const p = env.MODELPLANE_REGISTRY_PASSWORD;
  if (u !== undefined && p !== undefined) return { username: u, password: p };
  return fromDockerConfig(host, env);
}

interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

function fromDockerConfig(host: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  const file = join(env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker"), "config.json");
  let parsed: { auths?: Record<string, DockerAuthEntry> };
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as typeof parsed;
  } catch {
    return undefined; // absent or unreadable: anonymous, as docker does
  }
  for (const [key, entry] of Object.entries(parsed.auths ?? {})) {
    if (normaliseHost(key) !== host) continue;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username !== undefined && entry.password !== undefined) {
      return { username: entry.username, password: entry.password };
    }
  }
  return undefined;
}

function normaliseHost(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
}
