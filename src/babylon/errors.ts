/** @module Typed errors of the Babylon readers. Codes are stable; HTTP mapping lives in the API layer. */
import { BaseError } from "../errors/base.ts";
import { UpstreamUnavailableError } from "../errors/upstream.ts";

/** Babylon could not be reached or did not answer (network failure, timeout, HTTP error status). */
export class BabylonUnavailableError extends UpstreamUnavailableError {
  override name = "BabylonUnavailableError";
  /** The gRPC path (or contract query) that failed. */
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super("babylon", "Babylon is unavailable", {
      details: `${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
    this.path = path;
  }
}

/** Babylon answered, but the query itself failed (ABCI error code, contract error, JSON-RPC error). */
export class BabylonQueryError extends BaseError {
  override name = "BabylonQueryError";
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super("upstream_query_failed", "A Babylon query failed", {
      details: `${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
    this.path = path;
  }
}

/** Babylon answered with something that does not decode or breaks an invariant. */
export class BabylonInvalidResponseError extends BaseError {
  override name = "BabylonInvalidResponseError";
  readonly path: string;
  constructor(path: string, details: string, cause?: unknown) {
    super("upstream_invalid", "Babylon returned an invalid response", {
      details: `${path}: ${details}`,
      cause,
    });
    this.path = path;
  }
}

/**
 * The timestamp is older than the BTC light client's base header: there is no BTC height for it
 * (callers treat it as "no voting power").
 */
export class BtcTimestampBeforeBaseError extends BaseError {
  override name = "BtcTimestampBeforeBaseError";
  readonly timestamp: number;
  readonly baseHeight: number;
  readonly baseTimestamp: number;
  constructor(timestamp: number, base: { height: number; timestamp: number }) {
    super("btc_height_unknown", "No BTC height for this timestamp", {
      details: `timestamp ${timestamp} is before the BTC light client's base header (height ${base.height}, time ${base.timestamp})`,
    });
    this.timestamp = timestamp;
    this.baseHeight = base.height;
    this.baseTimestamp = base.timestamp;
  }
}
