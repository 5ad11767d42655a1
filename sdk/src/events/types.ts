/**
 * @module The seam for "tell me when it changes". Today's implementation polls the edge with conditional GETs
 * (`polling.ts`); a push implementation over the edge's event stream (`/v1/chains/{chain}/events`) can replace it
 * without changing `waitForTxFinality` or `watchFinalized`, which are written against this interface only.
 */
import type { L2Block, TxFinality } from "../types.ts";

export type Unsubscribe = () => void;

export type SubscribeOptions = {
  signal?: AbortSignal | undefined;
  /** How often a polling implementation asks (default 2000 ms: the edge's pending answers live 2 s). */
  pollIntervalMs?: number | undefined;
  /** Errors while following (the transport's retries spent); following goes on. */
  onError?: ((error: unknown) => void) | undefined;
};

/**
 * Each subscription calls back with the current value first and then at least on every change (a polling
 * implementation calls back on every poll; callers ignore what they have seen). A callback's promise is awaited
 * before the next call, so callbacks never overlap.
 */
export interface FinalityEvents {
  /** The chain's finalized tip (`null` while the edge knows none). */
  finalizedTip(onTip: (tip: L2Block | null) => void | Promise<void>, options?: SubscribeOptions): Unsubscribe;
  /** A transaction's finality answer (`null` while the L2 node does not know the transaction). */
  txFinality(
    hash: string,
    onAnswer: (answer: TxFinality | null) => void | Promise<void>,
    options?: SubscribeOptions,
  ): Unsubscribe;
}
