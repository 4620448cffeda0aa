/**
 * Failures a caller must tell apart: transient ones (retry with backoff) and final
 * ones (bad credentials, missing artifact, corrupt content: retrying cannot help).
 */

/** The registry could not be reached or dropped the connection; safe to retry. */
export class RegistryUnreachableError extends Error {
  readonly retryable = true;
  constructor(
    readonly registry: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach registry ${registry}: ${reason}`, options);
    this.name = "RegistryUnreachableError";
  }
}

/** An HTTP error answer from a registry, with the OCI error code when it sent one. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "RegistryError";
  }
  /** 5xx and 429 are the registry's trouble, not the request's. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

export class AuthenticationError extends RegistryError {
  constructor(message: string, status: number) {
    super(message, status, "UNAUTHORIZED");
    this.name = "AuthenticationError";
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The artifact is not a model this tool understands (wrong media types, unsafe paths, ...). */
export class InvalidArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidArtifactError";
  }
}

export function isRetryable(err: unknown): boolean {
  return (err as { retryable?: unknown } | null)?.retryable === true;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** Socket-level failures become RegistryUnreachableError; anything else passes through. */
export function classifyNetworkError(err: unknown, registry: string): unknown {
  const e = err as (Error & { code?: string }) | null;
  if (!e || e instanceof RegistryUnreachableError) return err;
  if (e.name === "AbortError") return err;
  const code = e.code ?? "";
  if (NETWORK_CODES.has(code) || /socket hang up|aborted|premature close/i.test(e.message)) {
    const reason =
      code === "ECONNREFUSED" ? "connection refused" : code === "ECONNRESET" ? "connection reset" : e.message;
    return new RegistryUnreachableError(registry, reason, { cause: err });
  }
  if (/^(ERR_SSL|EPROTO|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|CERT_|ERR_TLS)/.test(code)) {
    return new RegistryError(
      `TLS failure talking to ${registry}: ${e.message} (pass --ca <file> for a private CA, or --insecure for a plain-HTTP registry)`,
      0,
      code,
    );
  }
  return err;
}
