/** @module Errors raised by the HTTP layer itself (request validation, look-ups by id). */
import { BaseError } from "../errors/base.ts";

/** A path, query or body value failed validation; `field` names it and `details` the rule. */
export class InvalidRequestError extends BaseError {
  override name = "InvalidRequestError";
  constructor(field: string, details: string) {
    super("invalid_request", "Invalid request", { field, details });
  }
}

/** The L2 node knows no transaction with this hash. */
export class TxNotFoundError extends BaseError {
  override name = "TxNotFoundError";
  constructor(hash: string) {
    super("tx_not_found", "Transaction not found", {
      field: "txHash",
      details: `The L2 node knows no transaction ${hash}.`,
    });
  }
}

/** Too many requests from this client IP or for this finality provider (Workers rate-limit binding). */
export class RateLimitedError extends BaseError {
  override name = "RateLimitedError";
  constructor(field: string, details: string) {
    super("rate_limited", "Too many requests", { field, details });
  }
}

/** The request body is larger than the endpoint takes. */
export class PayloadTooLargeError extends BaseError {
  override name = "PayloadTooLargeError";
  constructor(maxBytes: number) {
    super("payload_too_large", "Request body too large", {
      field: "body",
      details: `Bodies here are limited to ${maxBytes} bytes; send fewer messages per request.`,
    });
  }
}

/** No submission with this id for this chain (never accepted, or its record expired). */
export class SubmissionNotFoundError extends BaseError {
  override name = "SubmissionNotFoundError";
  constructor(id: string) {
    super("submission_not_found", "Submission not found", {
      field: "id",
      details: `No submission ${id} is recorded for this chain.`,
    });
  }
}

/** A request body in a media type the endpoint does not take (RFC 9110 §15.5.16). */
export class UnsupportedMediaTypeError extends BaseError {
  override name = "UnsupportedMediaTypeError";
  constructor(contentType: string | undefined) {
    super("unsupported_media_type", "Unsupported media type", {
      field: "content-type",
      details:
        contentType === undefined
          ? "The request has a body but no Content-Type; send it as application/json."
          : `Content-Type ${JSON.stringify(contentType.slice(0, 100))} is not taken; send application/json.`,
    });
  }
}

/** The edge kept no equivocation evidence for this FP and height. */
export class EvidenceNotFoundError extends BaseError {
  override name = "EvidenceNotFoundError";
  constructor(fpBtcPk: string, height: string) {
    super("evidence_not_found", "No equivocation evidence", {
      field: "height",
      details: `No equivocation by ${fpBtcPk} at height ${height} is recorded for this chain.`,
    });
  }
}
