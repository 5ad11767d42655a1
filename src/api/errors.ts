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
