/** @module `FinalityEvents` by polling: `/status` for the tip, the tx finality route for a transaction. */

import type { ClientContext } from "../actions/context.ts";
import { getStatus } from "../actions/get-status.ts";
import { getTxFinality } from "../actions/get-tx-finality.ts";
import { NotFoundError } from "../errors/index.ts";
import { sleep } from "../transport/sleep.ts";
import type { Hash } from "../types.ts";
import type { FinalityEvents, SubscribeOptions, Unsubscribe } from "./types.ts";

export const DEFAULT_POLL_INTERVAL_MS = 2_000;

export function createPollingEvents(ctx: ClientContext): FinalityEvents {
  return {
    finalizedTip(onTip, options = {}) {
      return poll(async (signal) => (await getStatus(ctx, { signal })).finalizedTip, onTip, options);
    },
    txFinality(hash, onAnswer, options = {}) {
      const read = async (signal: AbortSignal) => {
        try {
          return await getTxFinality(ctx, hash as Hash, { signal });
        } catch (error) {
          // The node may not have the transaction yet (just sent, or seen by another node first): keep asking.
          if (error instanceof NotFoundError && error.code === "tx_not_found") return null;
          throw error;
        }
      };
      return poll(read, onAnswer, options);
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
