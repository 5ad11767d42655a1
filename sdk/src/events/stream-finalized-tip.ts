/**
 * @module `finalizedTip` over the event stream: the current tip first (from `/status`, as polling does — or, given
 * `fromHeight`, the stream's replay from there), then every `finalized` event, each a height above the last one
 * handed over. Heights the stream could not deliver (a `resync`, a start before the connection stood) are skipped
 * here: callers already fill gaps between tips. A callback that fails gets its tip again after `pollIntervalMs`.
 * While the stream is down it polls (stand-in.ts); when the edge has no stream it continues by polling for good.
 */
import type { ClientContext } from "../actions/context.ts";
import { getStatus } from "../actions/get-status.ts";
import { isRetryable } from "../errors/index.ts";
import type { L2Block } from "../types.ts";
import type { EventHub, HubSubscriber } from "./event-hub.ts";
import { DEFAULT_POLL_INTERVAL_MS } from "./polling.ts";
import { createSerialQueue } from "./serial-queue.ts";
import { createStandIn } from "./stand-in.ts";
import { afterFinalized } from "./stream-position.ts";
import { createSubscription } from "./subscription.ts";
import type { FinalityEvents, SubscribeOptions, Unsubscribe } from "./types.ts";

const FINALIZED = new Set(["finalized"] as const);

export function streamFinalizedTip(
  ctx: ClientContext,
  hub: EventHub,
  fallback: FinalityEvents | undefined,
  onTip: (tip: L2Block | null) => void | Promise<void>,
  options: SubscribeOptions,
): Unsubscribe {
  const { signal, stop, onStop } = createSubscription(options.signal);
  const queue = createSerialQueue((error) => options.onError?.(error));
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let last: number | undefined; // the highest tip handed over
  let told = false; // any tip (or none) handed over yet
  let retry: ReturnType<typeof setTimeout> | undefined; // reading the tip again after /status failed
  let again: ReturnType<typeof setTimeout> | undefined; // handing a tip over again after onTip failed
  let polling: Unsubscribe | undefined;

  async function emit(tip: L2Block | null): Promise<void> {
    if (signal.aborted) return;
    if (tip === null ? told : last !== undefined && tip.number <= last) return;
    told = true;
    if (tip !== null) last = tip.number;
    await deliver(tip);
  }

  /**
   * A callback that fails (a caller's catch-up read) gets the same tip again after `pollIntervalMs` unless a newer
   * one came: polling repeats tips by itself, the stream only tells each height once.
   */
  async function deliver(tip: L2Block | null): Promise<void> {
    try {
      await onTip(tip);
    } catch (error) {
      if (signal.aborted) return;
      options.onError?.(error);
      if (tip === null) return;
      if (again !== undefined) clearTimeout(again);
      again = setTimeout(
        () =>
          queue.push(() => {
            if (last === tip.number && !signal.aborted) return deliver(tip);
          }),
        interval,
      );
    }
  }

  async function readTip(): Promise<void> {
    if (signal.aborted || last !== undefined) return; // an event told the tip meanwhile
    let tip: L2Block | null;
    try {
      tip = (await getStatus(ctx, { signal })).finalizedTip;
    } catch (error) {
      if (signal.aborted) return;
      options.onError?.(error);
      retry = setTimeout(() => queue.push(readTip), interval);
      return;
    }
    // A reconnect before the first event resumes from this tip, not from "now".
    if (tip !== null) subscriber.cursor ??= afterFinalized(tip.number);
    await emit(tip);
  }

  const subscriber: HubSubscriber = {
    types: FINALIZED,
    cursor: options.fromHeight === undefined ? undefined : afterFinalized(options.fromHeight - 1),
    onEvent(event) {
      if (event.type === "finalized") queue.push(() => emit(event.data));
      // After a resync the replay from `oldest` brings the tips; only when nothing is left to replay does the
      // resync's own tip say where the chain stands (handing it over here would make callers read blocks the
      // replay is about to bring).
      else if (
        event.type === "resync" &&
        event.data.tip !== null &&
        event.data.tip.number < event.data.oldest
      ) {
        const { tip } = event.data;
        queue.push(() => emit(tip));
      }
    },
    // Only "the edge is unreachable" is worth telling; the hub reconnects and resumes either way.
    onError(error) {
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
      if (retry !== undefined) clearTimeout(retry);
      if (again !== undefined) clearTimeout(again);
      // Polling's repeated tips go through as they are: a caller retries its catch-up on them.
      queue.push(() => {
        if (!signal.aborted) polling = fallback.finalizedTip(onTip, { ...options, signal });
      });
    },
  };

  // Polled tips go through the same queue and filter as the stream's, so callbacks never overlap or repeat.
  const standIn =
    fallback &&
    createStandIn(
      () => fallback.finalizedTip((tip) => queue.run(() => emit(tip)), { ...options, signal }),
      interval,
    );
  if (signal.aborted) return stop;
  const unsubscribe = hub.subscribe(subscriber);
  if (options.fromHeight === undefined) queue.push(readTip);
  onStop(() => {
    if (retry !== undefined) clearTimeout(retry);
    if (again !== undefined) clearTimeout(again);
    standIn?.up();
    queue.stop();
    unsubscribe();
    polling?.();
  });
  return stop;
}
