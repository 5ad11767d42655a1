/**
 * @module Runs a subscription's callbacks one at a time, in order. The shared connection hands every subscriber
 * its events at once and keeps reading (a slow subscriber must not stall the stream into a reconnect), while the
 * `FinalityEvents` contract promises each subscriber that its callback's promise is awaited before the next call.
 */

export type SerialQueue = {
  /** Runs `task` after every task pushed before it; a throw or rejection goes to `onError`. */
  push(task: () => unknown): void;
  /** `push`, settling once `task` has run (or was skipped): for a caller that awaits its callback (polling). */
  run(task: () => unknown): Promise<void>;
  /** Settles once every task pushed so far has run. */
  idle(): Promise<void>;
  /** Tasks not started yet never run. */
  stop(): void;
};

export function createSerialQueue(onError: (error: unknown) => void): SerialQueue {
  let tail: Promise<void> = Promise.resolve();
  let stopped = false;
  const push = (task: () => unknown) => {
    tail = tail.then(async () => {
      if (stopped) return;
      try {
        await task();
      } catch (error) {
        if (!stopped) onError(error);
      }
    });
    return tail;
  };
  return {
    push(task) {
      push(task);
    },
    run: push,
    idle: () => tail,
    stop() {
      stopped = true;
    },
  };
}
