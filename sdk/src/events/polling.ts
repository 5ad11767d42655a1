/** @module `FinalityEvents` by polling: `/status` for the tip, the tx finality route for a transaction. */

import type { ClientContext } from "../actions/context.ts";
import { getStatus } from "../actions/get-status.ts";
import { sleep } from "../transport/sleep.ts";
import { readTxFinality } from "./read-tx-finality.ts";
import type { FinalityEvents, SubscribeOptions, Unsubscribe } from "./types.ts";

export const DEFAULT_POLL_INTERVAL_MS = 2_000;

export function createPollingEvents(ctx: ClientContext): FinalityEvents {
  return {
    finalizedTip(onTip, options = {}) {
      return poll(async (signal) => (await getStatus(ctx, { signal })).finalizedTip, onTip, options);
    },
    txFinality(hash, onAnswer, options = {}) {
      return poll((signal) => readTxFinality(ctx, hash, signal), onAnswer, options);
    },
  };
}

/** Reads, hands the value over (awaited), sleeps; until unsubscribed or `options.signal` fires. */
function poll<T>(
  read: (signal: AbortSignal) => Promise<T>,
  emit: (value: T) => void | Promise<void>,
  options: SubscribeOptions,
): Unsubscribe {
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener("abort", stop, { once: true });
  const { signal } = controller;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  void (async () => {
    while (!signal.aborted) {
      try {
        const value = await read(signal);
        if (signal.aborted) break;
        await emit(value);
      } catch (error) {
        if (signal.aborted) break;
        options.onError?.(error);
      }
      await sleep(interval, signal).catch(() => undefined);
    }
    options.signal?.removeEventListener("abort", stop);
  })();
  return stop;
}
