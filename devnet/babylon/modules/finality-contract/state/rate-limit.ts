/**
 * @module Per-FP rate limiting (contract.md §9.3, Map `num_msgs_last_interval`): one counter per key
 * for commits and votes together, per window of `block_interval` Babylon blocks. The counter is
 * written before the remaining checks run; a later failure reverts it with the rest of the tx.
 */
import { rateLimitExceeded } from "../../../../../src/contract-rules/index.ts";
import { bytesToHex } from "../../../../../src/crypto/index.ts";
import { fromRule } from "../errors.ts";
import { type ContractStorage, loadU64, type StoredU64, storeU64 } from "../storage.ts";
import type { Config } from "./config.ts";

const PREFIX = "num_msgs_last_interval/";

export function checkRateLimitAndAccumulate(
  storage: ContractStorage,
  babylonHeight: bigint,
  config: Config,
  fpPubkey: Uint8Array,
): void {
  const { maxMsgsPerInterval, blockInterval } = config.rateLimiting;
  const current = babylonHeight / blockInterval;
  const key = PREFIX + bytesToHex(fpPubkey);
  const stored = storage.get<[StoredU64, number]>(key);
  const [interval, count] = stored === undefined ? [current, 0] : [loadU64(stored[0]), stored[1]];
  const next = interval === current ? count + 1 : 1;
  if (next > maxMsgsPerInterval) {
    throw fromRule(rateLimitExceeded(fpPubkey, maxMsgsPerInterval));
  }
  storage.set(key, [storeU64(current), next]);
}
