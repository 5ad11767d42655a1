/** @module Revealed public randomness per vote (Map `pub_rand_values`, key `(height, fp_pk)`). */
import { bytesToHex, equalBytes } from "../../../../../src/crypto/index.ts";
import { ContractError } from "../errors.ts";
import { bytesFromJson, bytesToJson, type ContractStorage, u64Key } from "../storage.ts";

export const PUB_RAND_VALUES = "pub_rand_values/";

const keyOf = (height: bigint, fpPubkey: Uint8Array) =>
  `${PUB_RAND_VALUES}${u64Key(height)}/${bytesToHex(fpPubkey)}`;

export function getPubRandValue(
  storage: ContractStorage,
  fpPubkey: Uint8Array,
  height: bigint,
): Uint8Array | undefined {
  const stored = storage.get(keyOf(height, fpPubkey));
  return stored === undefined ? undefined : bytesFromJson(stored);
}

/** Stores the value; the same value again is a no-op, a different one is `PubRandAlreadyExists`. */
export function insertPubRandValue(
  storage: ContractStorage,
  fpPubkey: Uint8Array,
  height: bigint,
  pubRand: Uint8Array,
): void {
  const existing = getPubRandValue(storage, fpPubkey, height);
  if (existing !== undefined) {
    if (equalBytes(existing, pubRand)) return;
    throw new ContractError(
      `Public randomness already exists for finality provider ${bytesToHex(fpPubkey)} at height ${height}`,
    );
  }
  storage.set(keyOf(height, fpPubkey), bytesToJson(pubRand));
}
