/**
 * @module `migrate` (contract.md §10.5): refuses another contract's cw2 name, treats a missing cw2
 * record as `pre-cw2`, then always records this version (no ordering check, no state change).
 * Who may migrate is wasmd's business (the code admin), not the contract's.
 */
import type { KVStore } from "../../store/kv-store.ts";
import { ContractError } from "./errors.ts";
import type { ContractJson } from "./json.ts";
import { decodeMigrateMsg } from "./messages.ts";
import { ResponseBuilder } from "./response.ts";
import {
  CONTRACT_NAME,
  CONTRACT_VERSION,
  loadContractVersion,
  saveContractVersion,
} from "./state/contract-version.ts";
import { ContractStorage } from "./storage.ts";
import type { ContractEnv, ContractResponse } from "./types.ts";

const LEGACY_VERSION = "pre-cw2";

export function migrateFinalityContract(
  store: KVStore,
  env: ContractEnv,
  msgJson: ContractJson | unknown,
): ContractResponse {
  decodeMigrateMsg(msgJson);
  const storage = new ContractStorage(store, env.contractAddress);
  const previous = loadContractVersion(storage);
  if (previous !== undefined && previous.contract !== CONTRACT_NAME) {
    throw new ContractError(
      `Invalid contract name during migration: expected ${CONTRACT_NAME}, got ${previous.contract}`,
    );
  }
  saveContractVersion(storage, { contract: CONTRACT_NAME, version: CONTRACT_VERSION });
  return new ResponseBuilder()
    .attribute("action", "migrate")
    .attribute("from_version", previous?.version ?? LEGACY_VERSION)
    .attribute("to_version", CONTRACT_VERSION)
    .build();
}
