/** @module Typed errors of the relayer. Codes are stable; none of them ever carries the mnemonic. */
import { BaseError } from "../errors/base.ts";
import { UpstreamUnavailableError } from "../errors/upstream.ts";

/** What the relayer was doing when the RPC failed. */
export type RelayerOperation = "account" | "simulate" | "broadcast";

/**
 * The Babylon RPC could not be reached, timed out, or answered with an HTTP or JSON-RPC error. Transient:
 * nothing was included by this call, unless `txHash` is set (the broadcast may have reached the node, so
 * the tx may still land: check it before resending).
 */
export class RelayerUnavailableError extends UpstreamUnavailableError {
  override name = "RelayerUnavailableError";
  readonly operation: RelayerOperation;
  readonly txHash: string | undefined;

  constructor(operation: RelayerOperation, cause: unknown, txHash?: string) {
    super("babylon", "Babylon RPC is unavailable to the relayer", {
      details: `${operation}: ${cause instanceof Error ? cause.message : String(cause)}${
        txHash ? ` (tx ${txHash} may have been sent)` : ""
      }`,
      cause,
    });
    this.operation = operation;
    this.txHash = txHash;
  }
}

/** A relayer option is invalid. The mnemonic's own content is never quoted. */
export class RelayerConfigError extends BaseError {
  override name = "RelayerConfigError";
  constructor(field: string, details: string) {
    super("invalid_relayer_config", "Invalid relayer configuration", { field, details });
  }
}

/** The relayer's account does not exist on chain (never funded). */
export class RelayerAccountNotFoundError extends BaseError {
  override name = "RelayerAccountNotFoundError";
  readonly address: string;
  constructor(address: string) {
    super("relayer_account_not_found", "The relayer account does not exist on chain", {
      details: `${address} has no account: fund it first`,
    });
    this.address = address;
  }
}

/** `submitBatch` was called with no instructions. */
export class EmptyBatchError extends BaseError {
  override name = "EmptyBatchError";
  constructor() {
    super("empty_batch", "A batch needs at least one instruction");
  }
}
