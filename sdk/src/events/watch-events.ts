/**
 * @module `watchEvents`: the edge's stream itself, typed — for a bridge that wants slashing and equivocation
 * alerts, or an indexer that wants every finalized height with its hash. It rides the client's one shared
 * connection. Unlike the waiting calls it has no polling equivalent: where the edge has no stream, `onError` gets
 * the edge's answer once and nothing more is delivered.
 */
import { InvalidRequestError } from "../errors/index.ts";
import { heightParam } from "../params.ts";
import {
  EDGE_EVENT_TYPES,
  type EdgeEvent,
  type EdgeEventType,
  type WatchEventsOptions,
} from "./edge-events.ts";
import type { EventHub, HubSubscriber } from "./event-hub.ts";
import { createSerialQueue } from "./serial-queue.ts";
import { afterFinalized } from "./stream-position.ts";
import { createSubscription } from "./subscription.ts";
import type { Unsubscribe } from "./types.ts";

/** `onEvent` is awaited before the next event. Arguments are checked at once (`InvalidRequestError`). */
export function watchEvents(
  hub: EventHub,
  onEvent: (event: EdgeEvent) => void | Promise<void>,
  options: WatchEventsOptions = {},
): Unsubscribe {
  const types = typesParam(options.types);
  const from = options.fromHeight === undefined ? undefined : heightParam(options.fromHeight, "fromHeight");
  const { signal, stop, onStop } = createSubscription(options.signal);
  const queue = createSerialQueue((error) => options.onError?.(error));
  const subscriber: HubSubscriber = {
    types,
    cursor: from === undefined ? undefined : afterFinalized(from - 1),
    onEvent: (event) => queue.push(() => onEvent(event)),
    onError: (error) => options.onError?.(error),
    onNoStream: (error) => options.onError?.(error),
  };
  if (signal.aborted) return stop;
  const unsubscribe = hub.subscribe(subscriber);
  onStop(() => {
    queue.stop();
    unsubscribe();
  });
  return stop;
}

function typesParam(types: readonly EdgeEventType[] | undefined): ReadonlySet<EdgeEventType> {
  if (types === undefined) return new Set(EDGE_EVENT_TYPES);
  if (!Array.isArray(types) || types.length === 0 || types.some((t) => !EDGE_EVENT_TYPES.includes(t))) {
    throw new InvalidRequestError("Invalid argument", {
      code: "invalid_request",
      field: "types",
      details: `types must be a non-empty list of ${EDGE_EVENT_TYPES.join(", ")}, got ${JSON.stringify(types)}`,
    });
  }
  return new Set(types);
}
