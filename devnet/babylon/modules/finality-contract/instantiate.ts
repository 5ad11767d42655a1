/**
 * @module `instantiate` (contract.md §3). Check order: min_pub_rand, bsn_id, rate-limiting
 * interval, max messages, signature interval, admin address; config saved; then (with a list) empty
 * entries, hex; allowlist saved at the current Babylon height; cw2 version set.
 */
import type { KVStore } from "../../store/kv-store.ts";
import { addrValidate } from "./address.ts";
import { ContractError } from "./errors.ts";
import { decodeKeyList } from "./exec/allowlist.ts";
import type { ContractJson } from "./json.ts";
import { decodeInstantiateMsg } from "./messages.ts";
import { ResponseBuilder } from "./response.ts";
import { saveAdmin } from "./state/admin.ts";
import { addToAllowlist } from "./state/allowlist.ts";
import { saveConfig } from "./state/config.ts";
import { CONTRACT_NAME, CONTRACT_VERSION, saveContractVersion } from "./state/contract-version.ts";
import { ContractStorage } from "./storage.ts";
import type { ContractEnv, ContractResponse } from "./types.ts";
import {
  validateBsnId,
  validateFinalitySignatureInterval,
  validateMaxMsgsPerInterval,
  validateMinPubRand,
  validateRateLimitingInterval,
} from "./validation.ts";

export function instantiateFinalityContract(
  store: KVStore,
  env: ContractEnv,
  msgJson: ContractJson | unknown,
): ContractResponse {
  const msg = decodeInstantiateMsg(msgJson);
  const storage = new ContractStorage(store, env.contractAddress);

  validateMinPubRand(msg.min_pub_rand);
  validateBsnId(msg.bsn_id);
  validateRateLimitingInterval(msg.rate_limiting_interval);
  validateMaxMsgsPerInterval(msg.max_msgs_per_interval);
  validateFinalitySignatureInterval(msg.finality_signature_interval);
  saveAdmin(storage, addrValidate(msg.admin));
  saveConfig(storage, {
    bsnId: msg.bsn_id,
    minPubRand: msg.min_pub_rand,
    rateLimiting: {
      maxMsgsPerInterval: msg.max_msgs_per_interval,
      blockInterval: msg.rate_limiting_interval,
    },
    bsnActivationHeight: msg.bsn_activation_height,
    finalitySignatureInterval: msg.finality_signature_interval,
  });

  const response = new ResponseBuilder().attribute("action", "instantiate");
  const list = msg.allowed_finality_providers;
  if (list !== null) {
    if (list.some((key) => key === "")) throw new ContractError("Empty finality provider BTC public key");
    addToAllowlist(storage, decodeKeyList(list), BigInt(env.blockHeight));
    response.attribute("allow-list", list.join(","));
  }
  saveContractVersion(storage, { contract: CONTRACT_NAME, version: CONTRACT_VERSION });
  return response.build();
}
