import { InvalidResponseError } from "../errors/index.ts";
import type { FinalityEvents, Unsubscribe } from "../events/types.ts";
import { heightParam } from "../params.ts";
import type { L2Block } from "../types.ts";
import type { ClientContext } from "./context.ts";
import { getBlockFinality } from "./get-block-finality.ts";

export type WatchFinalizedOptions = {
  /** First height to emit (default: the finalized tip when watching starts). */
  fromHeight?: number | bigint | undefined;
  signal?: AbortSignal | undefined;
  /** Default 2000 ms. */
  pollIntervalMs?: number | undefined;
  /** Errors while watching (the edge unreachable, `onBlock` threw); watching goes on from where it stood. */
  onError?: ((error: unknown) => void) | undefined;
};

/** Blocks below a new tip fetched at once while catching up. */
const CATCH_UP_CONCURRENCY = 8;

/**
 * Calls `onBlock` with every BTC-finalized L2 block from `fromHeight` on, in order, with no gaps or repeats, as the
 * edge's finalized tip advances. Polled, the tip moves along grid heights and the blocks in between are read through
 * the block finality route (finalized answers come from the edge's stored bytes). Over the event stream, which tells
 * every height with its block, nothing is read while heights come contiguously; the block route fills only gaps (a
 * `resync`, a start older than the stream's log). An async `onBlock` is awaited before the next block.
 * Returns `unwatch`.
 */
export function watchFinalized(
  ctx: ClientContext,
  events: FinalityEvents,
  onBlock: (block: L2Block) => void | Promise<void>,
  options: WatchFinalizedOptions = {},
): Unsubscribe {
  let next = options.fromHeight === undefined ? undefined : heightParam(options.fromHeight, "fromHeight");
  const controller = new AbortController();
  const { signal } = controller;
  const unwatch = () => controller.abort();
  if (options.signal?.aborted) unwatch();
  options.signal?.addEventListener("abort", unwatch, { once: true });

  async function emit(block: L2Block): Promise<void> {
    try {
      await onBlock(block);
    } catch (error) {
      // The block was handed over; a handler's failure is its own, so the next block follows.
      options.onError?.(error);
    }
    next = block.number + 1;
  }

  async function finalizedBlock(height: number): Promise<L2Block> {
    const answer = await getBlockFinality(ctx, height, { signal });
    const { block } = answer;
    if (!answer.finalized || block.number !== height || block.timestamp === null) {
      throw new InvalidResponseError(
        `block ${height} is below the finalized tip but answered ${answer.status}`,
      );
    }
    return { number: block.number, hash: block.hash, timestamp: block.timestamp };
  }

  /** Emits `next` … `tip`; an error leaves `next` at the first block not emitted, for the next tip to resume. */
  async function catchUp(tip: L2Block | null): Promise<void> {
    if (tip === null || signal.aborted) return;
    next ??= tip.number;
    while (next !== undefined && next < tip.number && !signal.aborted) {
      const from: number = next;
      const heights = Array.from(
        { length: Math.min(CATCH_UP_CONCURRENCY, tip.number - from) },
        (_, i) => from + i,
      );
      const blocks = heights.map(finalizedBlock);
      // Reading ahead is concurrent; emitting stays in order (a failed read stops the run before it).
      // Reads past a failed one are not awaited: mark them handled so they cannot be unhandled rejections.
      for (const block of blocks) block.catch(() => undefined);
      for (const block of blocks) {
        if (signal.aborted) return;
        await emit(await block);
      }
    }
    if (next === tip.number && !signal.aborted) await emit(tip);
  }

  const unsubscribe = events.finalizedTip(catchUp, {
    signal,
    // With the event stream, the tips from here on come replayed (each block's own data, no block reads).
    fromHeight: next,
    pollIntervalMs: options.pollIntervalMs,
    onError: (error) => options.onError?.(error),
  });
  signal.addEventListener("abort", () => {
    unsubscribe();
    options.signal?.removeEventListener("abort", unwatch);
  });
  return unwatch;
}
