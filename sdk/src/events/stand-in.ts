/**
 * @module Polling while the event stream is down. A stream that stays down — an outage, a proxy that buffers or
 * blocks event streams, a browser's CORS preflight refused — must not leave a wait without answers, so when the
 * stream is not back one `graceMs` after the planned reconnect (a routine reconnect, the edge's `retry:` of a few
 * seconds, should cost no requests), the subscription polls, and stops as soon as a connection is open again; the
 * resumed stream then goes on from where it stood.
 */
import type { Unsubscribe } from "./types.ts";

export type StandIn = {
  /** The stream went down, reconnecting in `reconnectInMs`: poll unless it is back `graceMs` after that. */
  down(reconnectInMs: number): void;
  /** The stream is open again: stop polling. */
  up(): void;
};

export function createStandIn(startPolling: () => Unsubscribe, graceMs: number): StandIn {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling: Unsubscribe | undefined;
  return {
    down(reconnectInMs) {
      if (timer !== undefined || polling !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        polling = startPolling();
      }, reconnectInMs + graceMs);
    },
    up() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      polling?.();
      polling = undefined;
    },
  };
}
