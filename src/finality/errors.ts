/** @module Typed errors of the finality rule (bad input only; the rule never guesses on upstream failure). */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";

/** A range query whose heights are not consecutive and ascending. */
export class BlocksNotConsecutiveError extends BaseError {
  override name = "BlocksNotConsecutiveError";

  constructor(details: string, options: BaseErrorOptions = {}) {
    super("blocks_not_consecutive", "Blocks are not consecutive", { field: "blocks", details, ...options });
  }
}

/** A finality config that cannot define a rule (interval < 1, quorum outside (0, 1], …). */
export class InvalidFinalityConfigError extends BaseError {
  override name = "InvalidFinalityConfigError";

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super("invalid_finality_config", shortMessage, options);
  }
}
