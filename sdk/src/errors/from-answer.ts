/**
 * @module The one table from an error answer to its class (as src/api/problem.ts is the server's one table from
 * code to status). The status decides the class; the problem's `code` stays on the error for finer handling.
 */
import type { FinalityEdgeError } from "./base.ts";
import { NetworkError, TimeoutError } from "./client-side.ts";
import {
  type HttpErrorOptions,
  HttpStatusError,
  InvalidRequestError,
  NotFoundError,
  type Problem,
  RateLimitedError,
  SubmissionRefusedError,
  UpstreamUnavailableError,
} from "./http.ts";

const classByStatus: Readonly<Record<number, (options: HttpErrorOptions) => FinalityEdgeError>> = {
  400: InvalidRequestError.fromAnswer,
  413: InvalidRequestError.fromAnswer,
  415: InvalidRequestError.fromAnswer,
  403: (o) => new SubmissionRefusedError(o),
  // The contract's `duplicated_finality_sig`; the edge records duplicates instead, but the class is the rule's.
  409: (o) => new SubmissionRefusedError(o),
  422: (o) => new SubmissionRefusedError(o),
  // unknown_chain, block_not_found, tx_not_found, submission_not_found, evidence_not_found, route_not_found.
  404: (o) => new NotFoundError(o),
  429: (o) => new RateLimitedError(o),
  502: (o) => new UpstreamUnavailableError(o),
  503: (o) => new UpstreamUnavailableError(o),
};

/** The error for an error status; `problem` is the parsed problem+json body when the answer had one. */
export function errorFromAnswer(options: Omit<HttpErrorOptions, "fallbackCode">): FinalityEdgeError {
  const make = classByStatus[options.status] ?? ((o: HttpErrorOptions) => new HttpStatusError(o));
  return make({ ...options, fallbackCode: `http_${options.status}` });
}

/**
 * The problem in an error answer's JSON body: what the edge writes (RFC 9457 with a stable `code`). Only `code` is
 * required, so an answer that lacks `type` or `title` still keeps its code; anything else is no problem.
 */
export function readProblem(body: unknown, status: number): Problem | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { code, title, type, detail, field } = body as Record<string, unknown>;
  if (typeof code !== "string") return undefined;
  return {
    type: typeof type === "string" ? type : "about:blank",
    title: typeof title === "string" ? title : code,
    status,
    code,
    ...(typeof detail === "string" ? { detail } : {}),
    ...(typeof field === "string" ? { field } : {}),
  };
}

/**
 * Whether trying the same idempotent request again may succeed: the edge or its upstreams were busy or down, or
 * nothing was answered at all.
 */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof UpstreamUnavailableError ||
    error instanceof RateLimitedError ||
    error instanceof NetworkError ||
    error instanceof TimeoutError
  );
}
