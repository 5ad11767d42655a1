/** @module Checks the relayer's options and fills in the defaults. */
import { GasPrice } from "@cosmjs/stargate";
import { RelayerConfigError } from "./errors.ts";
import type { RelayerOptions } from "./types.ts";

export const RELAYER_DEFAULTS = {
  gasAdjustment: 1.3,
  // Babylon's DefaultMaxGasWantedPerTx: CheckTx refuses a larger gas limit.
  maxGasPerTx: 10_000_000,
  broadcastTimeoutMs: 30_000,
  pollIntervalMs: 1_000,
  requestTimeoutMs: 10_000,
  prefix: "bbn",
} as const;

export type ResolvedOptions = {
  rpcUrl: string;
  chainId: string;
  gasPrice: GasPrice;
  gasAdjustment: number;
  maxGasPerTx: number;
  broadcastTimeoutMs: number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
  prefix: string;
  fetch: typeof fetch | undefined;
};

function number(field: string, value: number | undefined, fallback: number, allowZero = false): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0 || (!allowZero && result === 0)) {
    throw new RelayerConfigError(field, `must be a ${allowZero ? "non-negative" : "positive"} number`);
  }
  return result;
}

/** Everything but the mnemonic, which only the signer sees. */
export function resolveOptions(options: RelayerOptions): ResolvedOptions {
  const d = RELAYER_DEFAULTS;
  let gasPrice: GasPrice;
  try {
    gasPrice = GasPrice.fromString(options.gasPrice);
  } catch (error) {
    throw new RelayerConfigError("gasPrice", error instanceof Error ? error.message : String(error));
  }
  if (!/^https?:\/\//.test(options.rpcUrl)) throw new RelayerConfigError("rpcUrl", "must be an http(s) URL");
  if (!options.chainId) throw new RelayerConfigError("chainId", "must not be empty");
  return {
    rpcUrl: options.rpcUrl,
    chainId: options.chainId,
    gasPrice,
    gasAdjustment: number("gasAdjustment", options.gasAdjustment, d.gasAdjustment),
    maxGasPerTx: number("maxGasPerTx", options.maxGasPerTx, d.maxGasPerTx),
    broadcastTimeoutMs: number("broadcastTimeoutMs", options.broadcastTimeoutMs, d.broadcastTimeoutMs, true),
    pollIntervalMs: number("pollIntervalMs", options.pollIntervalMs, d.pollIntervalMs),
    requestTimeoutMs: number("requestTimeoutMs", options.requestTimeoutMs, d.requestTimeoutMs, true),
    prefix: options.prefix ?? d.prefix,
    fetch: options.fetch,
  };
}
