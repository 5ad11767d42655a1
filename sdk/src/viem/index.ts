/**
 * @module `@finality-edge/sdk/viem`: BTC finality of a transaction sent with viem, in one call. viem is a peer
 * dependency; the rest of the SDK does not need it.
 */
import type { Client, Hash, TransactionReceipt } from "viem";
import { waitForTransactionReceipt } from "viem/actions";
import type { WaitForTxFinalityOptions } from "../actions/wait-for-tx-finality.ts";
import { createFinalityClient, type FinalityClient, type FinalityClientOptions } from "../client.ts";
import { AbortedError, TimeoutError } from "../errors/index.ts";
import type { TxFinality } from "../types.ts";

export type WaitForBtcFinalityParameters = WaitForTxFinalityOptions & {
  /** The transaction. */
  hash: Hash;
  /** The edge: a client, or the options to create one (`{ url, chain }`). */
  edge: FinalityClient | FinalityClientOptions;
  /** Confirmations viem waits for before the edge is asked (default 1). */
  confirmations?: number | undefined;
};

export type WaitForBtcFinalityReturnType = { receipt: TransactionReceipt; finality: TxFinality };

/**
 * Waits for the receipt (viem's `waitForTransactionReceipt`), then for the BTC finality of the transaction
 * (`waitForTxFinality`). `timeoutMs` and `signal` bound both waits together.
 */
export async function waitForBtcFinality(
  client: Client,
  parameters: WaitForBtcFinalityParameters,
): Promise<WaitForBtcFinalityReturnType> {
  const { hash, edge, confirmations, timeoutMs, signal, ...waitOptions } = parameters;
  const finality = isClient(edge) ? edge : createFinalityClient(edge);
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const what = "Waiting for BTC finality";
  if (signal?.aborted) throw new AbortedError(what, { cause: signal.reason });
  const receipt = await untilAborted(
    waitForTransactionReceipt(client, {
      hash,
      ...(confirmations !== undefined ? { confirmations } : {}),
      ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}),
    }).catch((error: unknown) => {
      if (
        (error as { name?: string })?.name === "WaitForTransactionReceiptTimeoutError" &&
        timeoutMs !== undefined
      ) {
        throw new TimeoutError(what, timeoutMs, { cause: error });
      }
      throw error;
    }),
    signal,
    what,
  );
  const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
  const tx = await finality
    .waitForTxFinality(hash, { ...waitOptions, signal, ...(left !== undefined ? { timeoutMs: left } : {}) })
    .catch((error: unknown) => {
      // The timeout is the caller's, over both waits.
      if (error instanceof TimeoutError && timeoutMs !== undefined)
        throw new TimeoutError(what, timeoutMs, { cause: error });
      throw error;
    });
  return { receipt, finality: tx };
}

const isClient = (edge: FinalityClient | FinalityClientOptions): edge is FinalityClient =>
  typeof (edge as FinalityClient).waitForTxFinality === "function";

/** viem's wait takes no signal: the caller's abort ends ours (viem's polling stops at its own timeout). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError(what, { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
