/**
 * @module `FinalityEvents` pushed by the edge's event stream (`GET /v1/chains/{chain}/events`), plus the raw typed
 * stream (`watchEvents`). All subscriptions of a client share one connection (`event-hub.ts`); the tip and
 * transaction subscriptions hand over to `fallback` (polling) when the edge has no stream. Without a fallback
 * (`events: "stream"`), that answer is an error to each subscriber and the stream is asked for again now and then.
 */
import type { ClientContext } from "../actions/context.ts";
import { fillPath } from "../transport/create-transport.ts";
import type { EdgeEvent, WatchEventsOptions } from "./edge-events.ts";
import { createEventHub, type EventHubOptions } from "./event-hub.ts";
import { streamFinalizedTip } from "./stream-finalized-tip.ts";
import { streamTxFinality } from "./stream-tx-finality.ts";
import type { FinalityEvents, Unsubscribe } from "./types.ts";
import { watchEvents } from "./watch-events.ts";

export type StreamEventsOptions = Pick<
  EventHubOptions,
  "stallTimeoutMs" | "initialReconnectDelayMs" | "maxReconnectDelayMs" | "random"
> & {
  /** Where the edge has no event stream, follow through this instead (for good, for this client). */
  fallback?: FinalityEvents | undefined;
};

export type StreamEvents = FinalityEvents & {
  watchEvents(onEvent: (event: EdgeEvent) => void | Promise<void>, options?: WatchEventsOptions): Unsubscribe;
};

export function createStreamEvents(ctx: ClientContext, options: StreamEventsOptions = {}): StreamEvents {
  const { fallback, ...timing } = options;
  const hub = createEventHub({
    ...timing,
    openStream: ctx.transport.openStream,
    path: fillPath("/v1/chains/{chain}/events", { chain: ctx.chain }),
    fallback: fallback !== undefined,
  });
  return {
    finalizedTip(onTip, o = {}) {
      if (fallback && hub.fellBack) return fallback.finalizedTip(onTip, o);
      return streamFinalizedTip(ctx, hub, fallback, onTip, o);
    },
    txFinality(hash, onAnswer, o = {}) {
      if (fallback && hub.fellBack) return fallback.txFinality(hash, onAnswer, o);
      return streamTxFinality(ctx, hub, fallback, hash, onAnswer, o);
    },
    watchEvents: (onEvent, o) => watchEvents(hub, onEvent, o),
  };
}
