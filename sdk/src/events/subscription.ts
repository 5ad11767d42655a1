/**
 * @module A subscription's own stop switch, linked to the caller's `AbortSignal`: stopping it (the returned
 * `Unsubscribe`, or the caller's signal) runs the subscription's clean-up exactly once, also when the caller's
 * signal had fired before the subscription began.
 */
import type { Unsubscribe } from "./types.ts";

export type Subscription = {
  readonly signal: AbortSignal;
  readonly stop: Unsubscribe;
  /** Runs `cleanUp` when the subscription stops (at once if it already has). */
  onStop(cleanUp: () => void): void;
};

export function createSubscription(parent?: AbortSignal): Subscription {
  const controller = new AbortController();
  const stop = () => {
    parent?.removeEventListener("abort", stop);
    controller.abort();
  };
  if (parent?.aborted) stop();
  else parent?.addEventListener("abort", stop, { once: true });
  return {
    signal: controller.signal,
    stop,
    onStop(cleanUp) {
      if (controller.signal.aborted) cleanUp();
      else controller.signal.addEventListener("abort", cleanUp, { once: true });
    },
  };
}
