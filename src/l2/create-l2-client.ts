/** @module Builds the viem public client every L2 read goes through. */
import { createPublicClient, http, type PublicClient } from "viem";

export type L2ClientOptions = {
  /** Per-HTTP-request timeout in milliseconds (default 5 000). */
  readonly timeoutMs?: number;
  /** Retries of a failed HTTP request, with viem's backoff (default 1; keep it small at the edge). */
  readonly retryCount?: number;
  /** viem's cache lifetime for `eth_blockNumber` (default 4 000 ms; use 0 in tests). */
  readonly cacheTime?: number;
  /** Called with every outgoing HTTP request (one per JSON-RPC batch): logging, metrics, tests. */
  readonly onFetchRequest?: (request: Request) => void;
};

/** The client type the L2 reader's functions take. */
export type L2Client = PublicClient;

/**
 * Returns a viem public client for the L2 JSON-RPC endpoint at `url`.
 *
 * The HTTP transport batches: requests issued in the same tick (e.g. `Promise.all` over
 * `eth_getBlockByNumber`) share one JSON-RPC batch POST. Construction sends nothing and holds no
 * connection or timer, so building one per request on Workers is fine.
 */
export function createL2Client(url: string, options: L2ClientOptions = {}): L2Client {
  return createPublicClient({
    cacheTime: options.cacheTime ?? 4_000,
    transport: http(url, {
      batch: true,
      timeout: options.timeoutMs ?? 5_000,
      retryCount: options.retryCount ?? 1,
      retryDelay: 100,
      ...(options.onFetchRequest ? { onFetchRequest: options.onFetchRequest } : {}),
    }),
  });
}
