/** @module Errors of the vote history (mapped to HTTP in src/api/problem.ts). */
import { BaseError } from "../errors/base.ts";

/** The Worker has no history database bound, or D1 failed: nothing can be answered from it now. */
export class HistoryUnavailableError extends BaseError {
  override name = "HistoryUnavailableError";
  constructor(details: string, cause?: unknown) {
    super("history_unavailable", "Vote history unavailable", { details, cause });
  }
}
