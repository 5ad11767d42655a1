/**
 * @module `query`: decode the `QueryMsg` and answer in the contract's JSON (u64 as numbers, or
 * `bigint` past 2^53; `Vec<u8>` as integer arrays; `Option` as `null`). Throws `ContractError`.
 * Serialize the answer with `stringifyContractJson`.
 */
import { rustHexDecode } from "../../../../src/contract-rules/index.ts";
import type { KVStore } from "../../store/kv-store.ts";
import { runRule } from "./errors.ts";
import type { ContractJson } from "./json.ts";
import { decodeQueryMsg } from "./messages.ts";
import { queryBlockVoters } from "./queries/block-voters.ts";
import { loadAdmin } from "./state/admin.ts";
import { allowlistAtHeight, loadAllowlist } from "./state/allowlist.ts";
import { configJson, loadConfig } from "./state/config.ts";
import { highestVotedHeight } from "./state/finality-signatures.ts";
import {
  firstPubRandCommit,
  lastPubRandCommit,
  listPubRandCommits,
  type PubRandCommit,
  pubRandCommitForHeight,
  pubRandCommitJson,
} from "./state/pub-rand-commits.ts";
import { ContractStorage, jsonU64 } from "./storage.ts";
import type { ContractEnv } from "./types.ts";

const decodeKey = (hex: string) => runRule(() => rustHexDecode(hex, "btc_pk_hex"));
const optionalCommit = (commit: PubRandCommit | undefined): ContractJson =>
  commit === undefined ? null : pubRandCommitJson(commit);

export function queryFinalityContract(
  store: KVStore,
  env: ContractEnv,
  msgJson: ContractJson | unknown,
): ContractJson {
  const msg = decodeQueryMsg(msgJson);
  const storage = new ContractStorage(store, env.contractAddress);
  switch (msg.variant) {
    case "config":
      return configJson(loadConfig(storage));
    case "admin":
      return { admin: loadAdmin(storage) };
    case "block_voters":
      return queryBlockVoters(storage, msg.body.height, msg.body.hash_hex);
    case "first_pub_rand_commit":
      return optionalCommit(firstPubRandCommit(storage, decodeKey(msg.body.btc_pk_hex)));
    case "last_pub_rand_commit":
      return optionalCommit(lastPubRandCommit(storage, decodeKey(msg.body.btc_pk_hex)));
    case "pub_rand_commit_for_height":
      return optionalCommit(pubRandCommitForHeight(storage, decodeKey(msg.body.btc_pk_hex), msg.body.height));
    case "list_pub_rand_commit": {
      const { btc_pk_hex, start_after, limit, reverse } = msg.body;
      return listPubRandCommits(storage, decodeKey(btc_pk_hex), start_after, limit, reverse).map(
        pubRandCommitJson,
      );
    }
    case "highest_voted_height": {
      const height = highestVotedHeight(storage, decodeKey(msg.body.btc_pk_hex));
      return height === undefined ? null : jsonU64(height);
    }
    case "allowed_finality_providers":
      return loadAllowlist(storage);
    case "allowed_finality_providers_at_height":
      return allowlistAtHeight(storage, msg.body.babylon_height);
  }
}
