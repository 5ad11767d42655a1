/** @module Typed errors of the KV cache layer. All are programming errors (unlisted codes: 500). */
import { BaseError } from "../errors/base.ts";

/** Something tried to cache a decision that is not finalized. Pending answers are never stored in KV. */
export class NotFinalizedDecisionError extends BaseError {
  override name = "NotFinalizedDecisionError";
  constructor(key: string) {
    super("decision_not_finalized", "Refused to cache a non-finalized decision", {
      details: `Only finalized decisions are cached (forever); ${key} was offered a pending one.`,
    });
  }
}

/** A value offered to the cache does not have the shape its key holds (e.g. a negative power). */
export class InvalidCacheValueError extends BaseError {
  override name = "InvalidCacheValueError";
  constructor(key: string, details: string, cause?: unknown) {
    super("invalid_cache_value", "Invalid value for the cache", { field: key, details, cause });
  }
}
