/**
 * @module `execute`: decode the `ExecuteMsg` like the contract (unknown fields ignored, unknown
 * variants refused) and dispatch. Throws `ContractError` with the contract's exact text; the caller
 * reverts the store (run it against a `CacheStore` that is dropped on failure).
 */
import type { KVStore } from "../../store/kv-store.ts";
import type { BabylonHost } from "../babylon-host.ts";
import { handleAddToAllowlist, handleRemoveFromAllowlist } from "./exec/allowlist.ts";
import { commitPublicRandomness } from "./exec/commit-public-randomness.ts";
import { pruneData } from "./exec/prune-data.ts";
import { submitFinalitySignature } from "./exec/submit-finality-signature.ts";
import { updateAdmin } from "./exec/update-admin.ts";
import { updateConfig } from "./exec/update-config.ts";
import type { ContractJson } from "./json.ts";
import { decodeExecuteMsg } from "./messages.ts";
import { ContractStorage } from "./storage.ts";
import { type ContractCallOptions, type ContractEnv, type ContractResponse, hostContext } from "./types.ts";

export function executeFinalityContract(
  store: KVStore,
  env: ContractEnv,
  host: BabylonHost,
  sender: string,
  msgJson: ContractJson | unknown,
  options: ContractCallOptions = {},
): ContractResponse {
  const msg = decodeExecuteMsg(msgJson);
  const storage = new ContractStorage(store, env.contractAddress);
  const ctx = hostContext(store, env);
  switch (msg.variant) {
    case "commit_public_randomness":
      return commitPublicRandomness(storage, env, ctx, host, msg.body, options);
    case "submit_finality_signature":
      return submitFinalitySignature(storage, env, ctx, host, msg.body, options);
    case "update_admin":
      return updateAdmin(storage, sender, msg.body);
    case "prune_data":
      return pruneData(storage, sender, msg.body);
    case "add_to_allowlist":
      return handleAddToAllowlist(storage, env, sender, msg.body.fp_pubkey_hex_list);
    case "remove_from_allowlist":
      return handleRemoveFromAllowlist(storage, env, sender, msg.body.fp_pubkey_hex_list);
    case "update_config":
      return updateConfig(storage, sender, msg.body);
  }
}
