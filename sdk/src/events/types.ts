/**
 * @module The seam for "tell me when it changes", with two implementations: one pushed by the edge's event stream
 * (`/v1/chains/{chain}/events`, `stream.ts`: one connection per client, the tx route asked only when the stream says
 * the block is finalized) and one polling with conditional GETs (`polling.ts`, where the edge has no stream).
 * `waitForTxFinality` and `watchFinalized` are written against this interface only.
 */
import type { L2Block, TxFinality } from "../types.ts";

export type Unsubscribe = () => void;

export type SubscribeOptions = {
  signal?: AbortSignal | undefined;
  /**
   * How often a polling implementation asks (default 2000 ms: the edge's pending answers live 2 s); the stream
   * asks no more often than this while an answer cannot be tied to a block.
   */
  pollIntervalMs?: number | undefined;
  /**
   * `finalizedTip` only: the first height the caller still needs. A push implementation may then replay the tips
   * from there instead of starting at the current one; polling ignores it (callers catch up from any tip).
   */
  fromHeight?: number | undefined;
  /** Errors while following (the transport's retries spent); following goes on. */
  onError?: ((error: unknown) => void) | undefined;
};

/**
 * Each subscription calls back with the current value first and then at least on every change (a polling
 * implementation calls back on every poll; callers ignore what they have seen). A callback's promise is awaited
 * before the next call, so callbacks never overlap. The finalized tip may skip heights (polling sees it move in
 * jumps; the stream replays from where it resumed); callers fill gaps from the block route.
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
