/** @module Abortable waiting. */
import { AbortedError } from "../errors/index.ts";

/** Resolves after `ms`, or rejects with `AbortedError` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal, what = "The wait"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError(what, { cause: signal.reason }));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError(what, { cause: signal?.reason }));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
