/** @module Internal: a `BTCHeaderInfoResponse` → `{ height, timestamp, hash }`. */
import type { BTCHeaderInfoResponse } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { BabylonInvalidResponseError } from "./errors.ts";
import { btcHeaderTime } from "./internal.ts";

export type BtcHeaderInfo = {
  height: number;
  /** The header's miner timestamp, unix seconds (decoded from `header_hex`). */
  timestamp: number;
  /** Block hash, display (byte-reversed) lowercase hex, as `hash_hex`. */
  hash: string;
};

export function toBtcHeaderInfo(header: BTCHeaderInfoResponse | undefined, path: string): BtcHeaderInfo {
  if (header === undefined) throw new BabylonInvalidResponseError(path, "no header");
  if (!/^[0-9a-fA-F]{64}$/.test(header.hashHex)) {
    throw new BabylonInvalidResponseError(path, `hash_hex is not a 32-byte hash: ${header.hashHex}`);
  }
  return {
    height: header.height,
    timestamp: btcHeaderTime(header.headerHex, path),
    hash: header.hashHex.toLowerCase(),
  };
}
