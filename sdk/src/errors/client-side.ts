/** @module Errors raised on the client's side of the wire: no (usable) answer from the edge. */
import { FinalityEdgeError } from "./base.ts";

type Meta = { metaMessages?: string[] | undefined; cause?: unknown };

/** A request attempt, or a wait, took longer than its `timeoutMs`. */
export class TimeoutError extends FinalityEdgeError {
  override name = "TimeoutError";
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number, meta: Meta = {}) {
    super(`${what} timed out after ${timeoutMs} ms`, { code: "timeout", ...meta });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. `cause` is the signal's reason. */
export class AbortedError extends FinalityEdgeError {
  override name = "AbortedError";
  constructor(what: string, meta: Meta = {}) {
    super(`${what} was aborted`, { code: "aborted", ...meta });
  }
}

/** `fetch` itself failed (connection refused, DNS, TLS, reset): nothing was answered. Retryable. */
export class NetworkError extends FinalityEdgeError {
  override name = "NetworkError";
  constructor(meta: Meta & { details?: string | undefined }) {
    super("Network error", { code: "network_error", ...meta });
  }
}

/** The edge answered something that is not the documented JSON or problem+json. */
export class InvalidResponseError extends FinalityEdgeError {
  override name = "InvalidResponseError";
  constructor(details: string, meta: Meta & { status?: number | undefined } = {}) {
    super("Invalid response from the edge", { code: "invalid_response", details, ...meta });
  }
}
