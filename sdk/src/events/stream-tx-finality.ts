/**
 * @module `txFinality` over the event stream, the reason the stream exists: ask the tx route once, then again only
 * when a `finalized` event reaches the transaction's block (or a `resync` says events may have been missed), so a
 * dApp waiting minutes for BTC finality makes a couple of requests instead of one every 2 s. While no block can be
 * waited for (the node does not know the transaction yet, or its block left the canonical chain) it asks again at
 * most once per `pollIntervalMs`, on the stream's heartbeat of finalized heights. While the stream is down it polls
 * (stand-in.ts); when the edge has no stream it continues by polling for good.
 */
import type { ClientContext } from "../actions/context.ts";
import { isRetryable } from "../errors/index.ts";
import type { TxFinality } from "../types.ts";
import type { EventHub, HubSubscriber } from "./event-hub.ts";
import { DEFAULT_POLL_INTERVAL_MS } from "./polling.ts";
import { readTxFinality } from "./read-tx-finality.ts";
import { createSerialQueue } from "./serial-queue.ts";
import { createStandIn } from "./stand-in.ts";
import { createSubscription } from "./subscription.ts";
import type { FinalityEvents, SubscribeOptions, Unsubscribe } from "./types.ts";

const FINALIZED = new Set(["finalized"] as const);

export function streamTxFinality(
  ctx: ClientContext,
  hub: EventHub,
  fallback: FinalityEvents | undefined,
  hash: string,
  onAnswer: (answer: TxFinality | null) => void | Promise<void>,
  options: SubscribeOptions,
): Unsubscribe {
  const { signal, stop, onStop } = createSubscription(options.signal);
  // Asks and events run in one queue, so an event is weighed against the answer asked before it.
  const queue = createSerialQueue((error) => options.onError?.(error));
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let block: number | undefined; // the block to wait for, while the answer is not final
  let tip: number | undefined; // the highest finalized height the stream told
  let askedAt = Number.NEGATIVE_INFINITY;
  let tipWhenAsked: number | undefined;
  let queued = false;
  let done = false; // finalized, or handed over to polling
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling: Unsubscribe | undefined;

  const askSoon = () => {
    if (queued || done) return;
    queued = true;
    queue.push(ask);
  };
  const askLater = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(askSoon, interval);
  };

  async function ask(): Promise<void> {
    queued = false;
    if (timer !== undefined) clearTimeout(timer);
    if (signal.aborted || done) return;
    askedAt = Date.now();
    let answer: TxFinality | null;
    try {
      answer = await readTxFinality(ctx, hash, signal);
    } catch (error) {
      if (signal.aborted) return;
      options.onError?.(error);
      askLater();
      return;
    }
    if (signal.aborted) return;
    await take(answer);
    // The stream had passed the block before this ask, yet the edge still said "not finalized" (a cached
    // answer, a lagging replica): waiting for more events would wait for nothing, so ask again in a while.
    if (!done && block !== undefined && tip !== undefined && tip >= block) askLater();
  }

  /** An answer, asked here or polled while the stream is down (run in the queue either way). */
  async function take(answer: TxFinality | null): Promise<void> {
    if (signal.aborted || done) return;
    // Events run in the same queue, so the tip has not moved since the answer was asked for.
    tipWhenAsked = tip;
    done = answer?.finalized === true;
    block =
      answer !== null && !answer.finalized && answer.status !== "not_canonical" && answer.block !== null
        ? answer.block.number
        : undefined;
    await onAnswer(answer);
  }

  function onFinalized(height: number): void {
    tip = tip === undefined ? height : Math.max(tip, height);
    if (block === undefined) {
      if (Date.now() - askedAt >= interval) askSoon();
    } else if (height >= block && (tipWhenAsked === undefined || tipWhenAsked < block)) {
      askSoon();
    }
  }

  const subscriber: HubSubscriber = {
    types: FINALIZED,
    cursor: undefined,
    onEvent(event) {
      if (event.type === "finalized") queue.push(() => onFinalized(event.data.number));
      else if (event.type === "resync") askSoon(); // the block's event may be in the gap
    },
    onError: (error) => {
      // Only "the edge is unreachable": waiting goes on (and resumes) whatever the connection does.
      if (isRetryable(error)) options.onError?.(error);
    },
    onDown: (reconnectInMs) => standIn?.down(reconnectInMs),
    onUp: () => standIn?.up(),
    onNoStream(error) {
      if (fallback === undefined) {
        options.onError?.(error);
        return;
      }
      standIn?.up();
      if (timer !== undefined) clearTimeout(timer);
      queue.push(() => {
        if (signal.aborted || done) return;
        done = true;
        polling = fallback.txFinality(hash, onAnswer, { ...options, signal });
      });
    },
  };

  const standIn =
    fallback &&
    createStandIn(
      () => fallback.txFinality(hash, (answer) => queue.run(() => take(answer)), { ...options, signal }),
      interval,
    );
  if (signal.aborted) return stop;
  const unsubscribe = hub.subscribe(subscriber);
  askSoon();
  onStop(() => {
    if (timer !== undefined) clearTimeout(timer);
    standIn?.up();
    queue.stop();
    unsubscribe();
    polling?.();
  });
  return stop;
}
