/** @module Runs async tasks one at a time in call order (one account sequence: one tx in flight). */

export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    // A failed task must not stop the ones queued after it.
    tail = run.catch(() => undefined);
    return run;
  };
}
