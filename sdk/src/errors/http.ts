/** @module Errors for the edge's answers (RFC 9457 problems), one class per kind of refusal a caller handles. */
import { FinalityEdgeError, type FinalityEdgeErrorOptions } from "./base.ts";

/** The problem body the edge answers with (`application/problem+json`). */
export type Problem = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
};

export type HttpErrorOptions = Omit<FinalityEdgeErrorOptions, "code" | "details" | "field" | "docsUrl"> & {
  status: number;
  /** The problem the edge answered; absent when its body was not problem+json (a proxy's error page). */
  problem: Problem | undefined;
  /** The code to use when there is no problem body. */
  fallbackCode: string;
  /** Why there is no problem body, for `details`. */
  fallbackDetails?: string;
};

function optionsFrom({ problem, fallbackCode, fallbackDetails, ...rest }: HttpErrorOptions) {
  return {
    ...rest,
    code: problem?.code ?? fallbackCode,
    details: problem?.detail ?? fallbackDetails,
    field: problem?.field,
    // `about:blank` (RFC 9457 §4.2.1) names no page.
    docsUrl: problem?.type === "about:blank" ? undefined : problem?.type,
  };
}

/** Base of the classes below: an error status from the edge, with its problem body when there was one. */
abstract class EdgeAnswerError extends FinalityEdgeError {
  declare readonly status: number;
  /** The problem body as answered (re-indexed `field` for submissions). */
  readonly problem: Problem | undefined;
  constructor(shortMessage: string, options: HttpErrorOptions) {
    super(options.problem?.title ?? shortMessage, optionsFrom(options));
    this.problem = options.problem;
  }
}

/** 400, 413, 415 — or a bad argument caught before any request (then `status` is undefined). */
export class InvalidRequestError extends FinalityEdgeError {
  override name = "InvalidRequestError";
  readonly problem: Problem | undefined;
  constructor(shortMessage: string, options: FinalityEdgeErrorOptions & { problem?: Problem | undefined }) {
    super(shortMessage, options);
    this.problem = options.problem;
  }

  static fromAnswer(options: HttpErrorOptions): InvalidRequestError {
    return new InvalidRequestError(options.problem?.title ?? "Invalid request", {
      ...optionsFrom(options),
      problem: options.problem,
    });
  }
}

/**
 * 403, 409, 422: a submission the finality contract would refuse. `code` is the contract's error name
 * (`eots_error`, `finality_provider_not_allowed`, …), `detail` its own text, `field` names the message by its
 * index in the list the caller passed (`[3].signature`).
 */
export class SubmissionRefusedError extends EdgeAnswerError {
  override name = "SubmissionRefusedError";
  /** The contract's error text, verbatim. */
  readonly detail: string | undefined;
  constructor(options: HttpErrorOptions) {
    super("Submission refused", options);
    this.detail = options.problem?.detail;
  }
}

/** Codes the edge answers 404 with. */
export type NotFoundCode =
  | "unknown_chain"
  | "block_not_found"
  | "tx_not_found"
  | "submission_not_found"
  | "evidence_not_found"
  | "route_not_found"
  | (string & {});

/** 404: an unknown chain, block, transaction, submission, equivocation evidence or route (`code` says which). */
export class NotFoundError extends EdgeAnswerError {
  override name = "NotFoundError";
  declare readonly code: NotFoundCode;
  constructor(options: HttpErrorOptions) {
    super("Not found", options);
  }
}

/** 429: the edge's rate limits (`rate_limited`) or the contract's per-FP budget (`rate_limit_exceeded`). */
export class RateLimitedError extends EdgeAnswerError {
  override name = "RateLimitedError";
  constructor(options: HttpErrorOptions) {
    super("Too many requests", options);
  }
}

/** 502, 503: Babylon, the L2 node or the queue failed behind the edge; never a "not finalized". Retryable. */
export class UpstreamUnavailableError extends EdgeAnswerError {
  override name = "UpstreamUnavailableError";
  constructor(options: HttpErrorOptions) {
    super("Upstream unavailable", options);
  }
}

/** Any other error status (500 `internal_error`, …). */
export class HttpStatusError extends EdgeAnswerError {
  override name = "HttpStatusError";
  constructor(options: HttpErrorOptions) {
    super(`HTTP ${options.status}`, options);
  }
}
