/**
 * @module `block_voters` (contract.md §5): the signatories of `(height, hash)`, each with its vote
 * for that hash and its revealed randomness; `null` when nobody voted (or everything was pruned);
 * `QueryBlockVoterError` when partial pruning left a signatory without its vote or randomness.
 */
import { rustHexDecode } from "../../../../../src/contract-rules/index.ts";
import { equalBytes } from "../../../../../src/crypto/index.ts";
import { ContractError, runRule } from "../errors.ts";
import type { ContractJson } from "../json.ts";
import { listFinalitySignatures, signatoriesByBlockHash } from "../state/finality-signatures.ts";
import { getPubRandValue } from "../state/pub-rand-values.ts";
import { bytesToJson, type ContractStorage } from "../storage.ts";

export function queryBlockVoters(storage: ContractStorage, height: bigint, hashHex: string): ContractJson {
  const blockHash = runRule(() => rustHexDecode(hashHex, "hash_hex"));
  const signatories = signatoriesByBlockHash(storage, height, blockHash);
  if (signatories === undefined) return null;
  const fail = (reason: string) =>
    new ContractError(`Failed to query block voters for block ${height} with hash ${hashHex}. ${reason}`);
  return signatories.map((fpHex): ContractJson => {
    const fpPubkey = runRule(() => rustHexDecode(fpHex, "fp_btc_pk_hex"));
    const sigs = listFinalitySignatures(storage, height, fpPubkey);
    if (sigs === undefined) throw fail(`Missing FinalitySigInfo for FP ${fpHex}`);
    const sig = sigs.find((info) => equalBytes(info.blockHash, blockHash));
    if (sig === undefined) throw fail(`No signature found for block hash ${hashHex} by FP ${fpHex}`);
    const pubRand = getPubRandValue(storage, fpPubkey, height);
    if (pubRand === undefined) throw fail(`Missing public randomness for FP ${fpHex}`);
    return {
      fp_btc_pk_hex: fpHex,
      pub_rand: bytesToJson(pubRand),
      finality_signature: {
        finality_sig: bytesToJson(sig.finalitySig),
        block_hash: bytesToJson(sig.blockHash),
      },
    };
  });
}
