/**
 * Start and stop a real OCI registry (Debian's /usr/bin/docker-registry, distribution 2.8)
 * for tests: filesystem storage in a temp dir, a free port on 127.0.0.1, and optionally
 * htpasswd basic auth, bearer-token auth with a small token server of our own, and TLS
 * with a throw-away CA. Reusable by any test that needs a registry.
 *
 *   const reg = await startRegistry({ auth: "htpasswd", users: { alice: "secret" } });
 *   try { ... reg.host ... } finally { await reg.close(); }
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createSign, randomBytes, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REGISTRY_BIN = process.env.MODELPLANE_TEST_REGISTRY_BIN ?? "/usr/bin/docker-registry";

export interface RegistryOptions {
  auth?: "none" | "htpasswd" | "token";
  /** username → password, for htpasswd and token auth. */
  users?: Record<string, string>;
  /** Serve HTTPS with a certificate for 127.0.0.1 signed by a fresh CA (see caFile). */
  tls?: boolean;
}

export interface TestRegistry {
  /** host:port to put in references. */
  host: string;
  port: number;
  /** Root of the registry's filesystem storage. */
  storageDir: string;
  /** PEM of the CA that signed the registry's certificate (tls only). */
  caFile?: string;
  /** Requests the token server answered, for asserting tokens are cached (token auth only). */
  tokenRequests: { scope: string; user?: string }[];
  /** Where the registry keeps a blob's bytes (to tamper with them). */
  blobDataPath(digest: string): string;
  /** Kill the registry process (SIGKILL: like a crash or a network cut), keeping its storage. */
  stop(): Promise<void>;
  /** Start it again on the same port with the same storage (no-op while it runs). */
  start(): Promise<void>;
  /** Stop everything and delete the temp dir. Safe to call twice. */
  close(): Promise<void>;
  /** The registry's own log, for failure messages. */
  log(): string;
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const work = mkdtempSync(join(tmpdir(), "modelplane-registry-"));
  const storageDir = join(work, "storage");
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const users = opts.users ?? {};
  const tokenRequests: TestRegistry["tokenRequests"] = [];
  let tokenServer: http.Server | undefined;
  let caFile: string | undefined;

  const lines = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${storageDir}`,
    "  delete:",
    "    enabled: true",
    "  maintenance:",
    "    uploadpurging:",
    "      enabled: false",
    "http:",
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString("hex")}`,
  ];
  if (opts.tls) {
    const pki = makeServerPki(work);
    caFile = pki.caFile;
    lines.push("  tls:", `    certificate: ${pki.certFile}`, `    key: ${pki.keyFile}`);
  }
  if (opts.auth === "htpasswd") {
    const file = join(work, "htpasswd");
    const entries = Object.entries(users).map(([u, p]) => execFileSync("htpasswd", ["-Bbn", u, p], { encoding: "utf8" }).trim());
    writeFileSync(file, entries.join("\n") + "\n");
    lines.push("auth:", "  htpasswd:", "    realm: modelplane-test", `    path: ${file}`);
  } else if (opts.auth === "token") {
    const signer = makeTokenSigner(work);
    tokenServer = await startTokenServer(signer, users, tokenRequests);
    const realm = `http://127.0.0.1:${(tokenServer.address() as net.AddressInfo).port}/token`;
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${realm}`,
      "    service: modelplane-test-registry",
      "    issuer: modelplane-test-issuer",
      `    rootcertbundle: ${signer.certFile}`,
    );
  }
  const configFile = join(work, "config.yml");
  writeFileSync(configFile, lines.join("\n") + "\n");

  let child: ChildProcess | undefined;
  let logText = "";
  const start = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return; // already serving
    const proc = spawn(REGISTRY_BIN, ["serve", configFile], { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    proc.stdout!.on("data", (d: Buffer) => (logText += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (logText += d.toString()));
    await waitReady(proc, port, opts.tls ? caFile : undefined, () => logText);
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await exited;
  };
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await stop();
    if (tokenServer) {
      tokenServer.closeAllConnections();
      await new Promise((resolve) => tokenServer!.close(resolve));
    }
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (err) {
    await close();
    throw err;
  }
  return {
    host,
    port,
    storageDir,
    ...(caFile ? { caFile } : {}),
    tokenRequests,
    blobDataPath: (digest) => {
      const hex = digest.replace(/^sha256:/, "");
      return join(storageDir, "docker", "registry", "v2", "blobs", "sha256", hex.slice(0, 2), hex, "data");
    },
    stop,
    start,
    close,
    log: () => logText,
  };
}

/** A port nobody listens on right now (the registry needs a number in its config file). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function waitReady(proc: ChildProcess, port: number, ca: string | undefined, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited with ${proc.exitCode}:\n${log()}`);
    const status = await probe(port, ca);
    if (status !== 0) return; // any HTTP answer (200 or 401) means it is serving
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`docker-registry did not answer on 127.0.0.1:${port} within 20 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function probe(port: number, ca: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const lib = ca ? https : http;
    const req = lib.get(
      { host: "127.0.0.1", port, path: "/v2/", ...(ca ? { ca: readFileSync(ca) } : {}), agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA and a server certificate for IP 127.0.0.1 signed by it. */
function makeServerPki(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const caKey = join(dir, "ca.key");
  const caFile = join(dir, "ca.pem");
  const keyFile = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const certFile = join(dir, "server.pem");
  const ext = join(dir, "server.ext");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(["req", "-x509", ...ec, "-keyout", caKey, "-out", caFile, "-days", "2", "-subj", "/CN=modelplane test CA"]);
  openssl(["req", ...ec, "-keyout", keyFile, "-out", csr, "-subj", "/CN=127.0.0.1"]);
  writeFileSync(ext, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl(["x509", "-req", "-in", csr, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-out", certFile, "-days", "2", "-extfile", ext]);
  return { caFile, certFile, keyFile };
}

interface TokenSigner {
  certFile: string;
  key: string;
  x5c: string;
}

/** A self-signed RSA certificate: the registry trusts it as rootcertbundle, tokens carry it in x5c. */
function makeTokenSigner(dir: string): TokenSigner {
  const keyFile = join(dir, "token.key");
  const certFile = join(dir, "token.pem");
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=modelplane test token signer"]);
  const der = new X509Certificate(readFileSync(certFile)).raw;
  return { certFile, key: readFileSync(keyFile, "utf8"), x5c: der.toString("base64") };
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/**
 * The docker token flow: GET /token?service=&scope=repository:name:pull,push with
 * optional basic auth; known users get what they ask for, anonymous callers nothing.
 */
async function startTokenServer(signer: TokenSigner, users: Record<string, string>, log: TestRegistry["tokenRequests"]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const scopes = url.searchParams.getAll("scope");
    let user: string | undefined;
    const authz = req.headers.authorization;
    if (authz?.startsWith("Basic ")) {
      const [u, p] = Buffer.from(authz.slice(6), "base64").toString().split(/:(.*)/s);
      if (u === undefined || users[u] !== p) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"details":"bad credentials"}');
        return;
      }
      user = u;
    }
    log.push({ scope: scopes.join(" "), ...(user ? { user } : {}) });
    const access = user
      ? scopes.map((s) => {
          const [type, ...rest] = s.split(":");
          const actions = rest.pop() ?? "";
          return { type, name: rest.join(":"), actions: actions.split(",") };
        })
      : [];
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", x5c: [signer.x5c] };
    const claims = {
      iss: "modelplane-test-issuer",
      sub: user ?? "",
      aud: url.searchParams.get("service") ?? "",
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString("hex"),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign("RSA-SHA256").update(input).sign(signer.key);
    const token = `${input}.${b64url(signature)}`;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
