/** @module `config` (Item) and the `Config` answer (contract.md §10.2). */

import { ContractError } from "../errors.ts";
import type { ContractJson } from "../json.ts";
import { type ContractStorage, jsonU64, loadU64, storeU64 } from "../storage.ts";

export type Config = {
  bsnId: string;
  minPubRand: bigint;
  rateLimiting: { maxMsgsPerInterval: number; blockInterval: bigint };
  bsnActivationHeight: bigint;
  finalitySignatureInterval: bigint;
};

type StoredConfig = {
  bsn_id: string;
  min_pub_rand: number | string;
  rate_limiting: { max_msgs_per_interval: number; block_interval: number | string };
  bsn_activation_height: number | string;
  finality_signature_interval: number | string;
};

const KEY = "config";

export function loadConfig(storage: ContractStorage): Config {
  const stored = storage.get<StoredConfig>(KEY);
  // cw-storage-plus `Item::load` on a missing value: `StdError::NotFound`.
  if (stored === undefined) throw new ContractError("finality::state::config::Config not found");
  return {
    bsnId: stored.bsn_id,
    minPubRand: loadU64(stored.min_pub_rand),
    rateLimiting: {
      maxMsgsPerInterval: stored.rate_limiting.max_msgs_per_interval,
      blockInterval: loadU64(stored.rate_limiting.block_interval),
    },
    bsnActivationHeight: loadU64(stored.bsn_activation_height),
    finalitySignatureInterval: loadU64(stored.finality_signature_interval),
  };
}

export function saveConfig(storage: ContractStorage, config: Config): void {
  const stored: StoredConfig = {
    bsn_id: config.bsnId,
    min_pub_rand: storeU64(config.minPubRand),
    rate_limiting: {
      max_msgs_per_interval: config.rateLimiting.maxMsgsPerInterval,
      block_interval: storeU64(config.rateLimiting.blockInterval),
    },
    bsn_activation_height: storeU64(config.bsnActivationHeight),
    finality_signature_interval: storeU64(config.finalitySignatureInterval),
  };
  storage.set(KEY, stored);
}

/** The `{"config":{}}` answer, fields in the Rust struct's order. */
export const configJson = (config: Config): ContractJson => ({
  bsn_id: config.bsnId,
  min_pub_rand: jsonU64(config.minPubRand),
  rate_limiting: {
    max_msgs_per_interval: config.rateLimiting.maxMsgsPerInterval,
    block_interval: jsonU64(config.rateLimiting.blockInterval),
  },
  bsn_activation_height: jsonU64(config.bsnActivationHeight),
  finality_signature_interval: jsonU64(config.finalitySignatureInterval),
});

/** What the stateless rule checks read from the config. */
export const ruleConfig = (config: Config) => ({
  bsn_activation_height: config.bsnActivationHeight,
  finality_signature_interval: config.finalitySignatureInterval,
  min_pub_rand: config.minPubRand,
});
