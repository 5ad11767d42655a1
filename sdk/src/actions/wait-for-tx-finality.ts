import { AbortedError, isRetryable, TimeoutError } from "../errors/index.ts";
import type { FinalityEvents } from "../events/types.ts";
import { hashParam } from "../params.ts";
import type { Hash, TxFinality } from "../types.ts";

export type WaitForTxFinalityOptions = {
  /** Give up after this long with `TimeoutError` (default: wait until finalized or aborted). */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Each new answer while waiting: `pending`, `not_canonical`, … and finally the finalized one; `null` while the
   * L2 node does not know the transaction (404 `tx_not_found`: it may not have it yet).
   */
  onUpdate?: ((answer: TxFinality | null) => void) | undefined;
  /** Default 2000 ms. */
  pollIntervalMs?: number | undefined;
};

/**
 * Resolves with the transaction's answer once it is BTC-finalized. Transient failures (502/503/429, network) are
 * waited out; anything else (an unknown chain, a malformed hash) rejects at once.
 */
export function waitForTxFinality(
  events: FinalityEvents,
  hash: Hash,
  options: WaitForTxFinalityOptions = {},
): Promise<TxFinality> {
  let txHash: string;
  try {
    txHash = hashParam(hash, "txHash");
  } catch (error) {
    return Promise.reject(error);
  }
  const { timeoutMs, signal, onUpdate } = options;
  return new Promise<TxFinality>((resolve, reject) => {
    let last: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe: (() => void) | undefined;
    let done = false;
    const finish = (error: unknown, answer?: TxFinality) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      unsubscribe?.();
      if (answer) resolve(answer);
      else reject(error);
    };
    const onAbort = () =>
      finish(new AbortedError("Waiting for transaction finality", { cause: signal?.reason }));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () => finish(new TimeoutError("Waiting for transaction finality", timeoutMs)),
        timeoutMs,
      );
    }
    unsubscribe = events.txFinality(
      txHash,
      (answer) => {
        if (done) return;
        const seen = JSON.stringify(answer);
        if (seen !== last) {
          last = seen;
          onUpdate?.(answer);
        }
        if (answer?.finalized) finish(undefined, answer);
      },
      {
        pollIntervalMs: options.pollIntervalMs,
        onError: (error) => {
          if (!isRetryable(error)) finish(error);
        },
      },
    );
    if (done) unsubscribe();
  });
}
