/**
 * @module `add_to_allowlist` / `remove_from_allowlist` (contract.md §4.5). Check order: empty list,
 * any empty entry, then the admin check, then hex decoding. The whole new set is saved at the
 * current Babylon height; removing an absent key is not an error. Counts are input lengths.
 */
import { rustHexDecode } from "../../../../../src/contract-rules/index.ts";
import { bytesToHex } from "../../../../../src/crypto/index.ts";
import { ContractError, runRule } from "../errors.ts";
import { ResponseBuilder } from "../response.ts";
import { assertAdmin } from "../state/admin.ts";
import { addToAllowlist, removeFromAllowlist } from "../state/allowlist.ts";
import type { ContractStorage } from "../storage.ts";
import type { ContractEnv, ContractResponse } from "../types.ts";

const emptyKey = () => new ContractError("Empty finality provider BTC public key");

/** Empty-entry checks shared with instantiate, then hex decoding to lowercase hex. */
export function decodeKeyList(list: readonly string[]): string[] {
  return list.map((key) => bytesToHex(runRule(() => rustHexDecode(key, "fp_pubkey_hex_list"))));
}

function checkList(storage: ContractStorage, sender: string, list: readonly string[]): string[] {
  if (list.length === 0) throw emptyKey();
  if (list.some((key) => key === "")) throw emptyKey();
  assertAdmin(storage, sender);
  return decodeKeyList(list);
}

export function handleAddToAllowlist(
  storage: ContractStorage,
  env: ContractEnv,
  sender: string,
  list: string[],
): ContractResponse {
  addToAllowlist(storage, checkList(storage, sender, list), BigInt(env.blockHeight));
  return new ResponseBuilder()
    .event("add_to_allowlist", [["fp_pubkeys", list.join(",")]])
    .attribute("action", "add_to_allowlist")
    .attribute("num_added", String(list.length))
    .build();
}

export function handleRemoveFromAllowlist(
  storage: ContractStorage,
  env: ContractEnv,
  sender: string,
  list: string[],
): ContractResponse {
  removeFromAllowlist(storage, checkList(storage, sender, list), BigInt(env.blockHeight));
  return new ResponseBuilder()
    .event("remove_from_allowlist", [["fp_pubkeys", list.join(",")]])
    .attribute("action", "remove_from_allowlist")
    .attribute("num_removed", String(list.length))
    .build();
}
