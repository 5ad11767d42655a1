/** @module Typed errors of the L2 reader. */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";
import { UpstreamUnavailableError } from "../errors/upstream.ts";

/** Re-exported: the L2 reader raises the shared upstream error with `upstream: "l2"`. */
export { UpstreamUnavailableError };

/** The L2 node answered, but has no block for the requested id (unknown hash, height past the head). */
export class BlockNotFoundError extends BaseError {
  override name = "BlockNotFoundError";
  readonly blockId: string;

  constructor(blockId: string, options: BaseErrorOptions = {}) {
    super("block_not_found", `L2 block ${blockId} not found`, { field: "block_id", ...options });
    this.blockId = blockId;
  }
}

/** A block id or range that is malformed or too large; rejected before any request is sent. */
export class InvalidBlockIdError extends BaseError {
  override name = "InvalidBlockIdError";

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super("invalid_block_id", shortMessage, { field: "block_id", ...options });
  }
}
