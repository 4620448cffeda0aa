/**
 * Errors that become HTTP answers. Anything else thrown while handling a request is a bug or an
 * inference failure and is answered 500, never allowed to crash the process.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds a client should wait before retrying; sent as `Retry-After` (503 only). */
    readonly retryAfter?: number,
    /** Extra JSON fields (e.g. model state) sent next to `error`. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message: string): HttpError => new HttpError(404, message);
export const tooLarge = (message: string): HttpError => new HttpError(413, message);
export const unavailable = (message: string, retryAfter = 1, extra?: Record<string, unknown>): HttpError =>
  new HttpError(503, message, retryAfter, extra);

/** The queue of a model is full: answered 503 at once so clients back off instead of piling up. */
export class OverloadedError extends HttpError {
  constructor(message: string) {
    super(503, message, 1);
    this.name = "OverloadedError";
  }
}

/** A request outlived its per-request timeout (queued plus computing). */
export class TimeoutError extends HttpError {
  constructor(message: string) {
    super(503, message, 1);
    this.name = "TimeoutError";
  }
}

/** Invalid server or model configuration: the CLI reports it as a usage error (exit 2). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
