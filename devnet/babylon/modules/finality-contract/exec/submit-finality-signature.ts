/**
 * @module `submit_finality_signature` (contract.md §9.2), in the contract's order: key hex,
 * allowlist (current set), activation and schedule (`checkFinalitySignatureFields`), Babylon lookup
 * (missing or other BSN → not found; slashed on Babylon or BTC → slashed), rate limit, duplicate
 * vote, covering commit and its BTC timestamp, proof and EOTS (`verifyFinalitySignature`), then
 * store, emit, and on equivocation send the evidence to Babylon instead of storing the randomness.
 */
import {
  checkCommitTimestamped,
  checkFinalitySignatureFields,
  checkVoteFinalityProvider,
  duplicatedFinalitySig,
  findCoveringCommit,
  rustHexDecode,
  type SubmitFinalitySignatureMsg,
  verifyFinalitySignature,
} from "../../../../../src/contract-rules/index.ts";
import { bytesToBase64, bytesToHex, signingContext } from "../../../../../src/crypto/index.ts";
import type { BlockContext } from "../../../chain/module.ts";
import type { BabylonHost } from "../../babylon-host.ts";
import { queryFinalityProvider } from "../babylon-queries.ts";
import { fromRule, runRule } from "../errors.ts";
import type { ExecuteMsg } from "../messages.ts";
import { ResponseBuilder } from "../response.ts";
import { assertAllowlisted } from "../state/allowlist.ts";
import { loadConfig, ruleConfig } from "../state/config.ts";
import {
  type FinalitySigInfo,
  insertFinalitySigAndSignatory,
  listFinalitySignatures,
  sameVote,
} from "../state/finality-signatures.ts";
import { commitRecord, type PubRandCommit, pubRandCommitForHeight } from "../state/pub-rand-commits.ts";
import { insertPubRandValue } from "../state/pub-rand-values.ts";
import { checkRateLimitAndAccumulate } from "../state/rate-limit.ts";
import type { ContractStorage } from "../storage.ts";
import type { ContractCallOptions, ContractEnv, ContractResponse } from "../types.ts";

type Body = Extract<ExecuteMsg, { variant: "submit_finality_signature" }>["body"];

/** The covering commit, which must be BTC-timestamped: its epoch at or below the last finalized one. */
function timestampedCommitForHeight(
  storage: ContractStorage,
  host: BabylonHost,
  ctx: BlockContext,
  fpPubkey: Uint8Array,
  height: bigint,
): PubRandCommit {
  const commit = pubRandCommitForHeight(storage, fpPubkey, height);
  // No covering commit: the rule's own MissingPubRandCommit text.
  if (commit === undefined) runRule(() => findCoveringCommit([], height, fpPubkey));
  const found = commit as PubRandCommit;
  runRule(() => checkCommitTimestamped(fpPubkey, found.babylonEpoch, host.lastFinalizedEpoch(ctx)));
  return found;
}

export function submitFinalitySignature(
  storage: ContractStorage,
  env: ContractEnv,
  ctx: BlockContext,
  host: BabylonHost,
  body: Body,
  options: ContractCallOptions,
): ContractResponse {
  const asGiven = body.fp_pubkey_hex;
  const fpPubkey = runRule(() => rustHexDecode(asGiven, "fp_pubkey_hex"));
  const fpHex = bytesToHex(fpPubkey);
  assertAllowlisted(storage, fpHex);

  const config = loadConfig(storage);
  const msg = {
    fp_pubkey_hex: asGiven,
    l1_block_number: body.l1_block_number,
    l1_block_hash_hex: body.l1_block_hash_hex,
    height: body.height,
    pub_rand: bytesToBase64(body.pub_rand),
    proof: {
      total: body.proof.total,
      index: body.proof.index,
      leaf_hash: bytesToBase64(body.proof.leaf_hash),
      aunts: body.proof.aunts.map(bytesToBase64),
    },
    block_hash: bytesToBase64(body.block_hash),
    signature: bytesToBase64(body.signature),
  } as unknown as SubmitFinalitySignatureMsg;
  const checked = runRule(() => checkFinalitySignatureFields(msg, { config: ruleConfig(config) }));
  const { height } = checked;

  // Any lookup failure, or an FP of another BSN, reads as "not found for this BSN".
  const fp = queryFinalityProvider(host, ctx, fpHex);
  runRule(() => checkVoteFinalityProvider(fp, config.bsnId, asGiven));
  checkRateLimitAndAccumulate(storage, BigInt(env.blockHeight), config, fpPubkey);

  const vote: FinalitySigInfo = { finalitySig: checked.signature, blockHash: checked.blockHash };
  const existing = listFinalitySignatures(storage, height, fpPubkey);
  if (existing?.some((stored) => sameVote(stored, vote)))
    throw fromRule(duplicatedFinalitySig(asGiven, height));

  const commit = timestampedCommitForHeight(storage, host, ctx, fpPubkey, height);
  const signingOptions = { babylonChainId: env.chainId, contractAddress: env.contractAddress };
  options.meter?.compute("merkle", checked.proof.aunts.length);
  options.meter?.compute("eots", 1);
  runRule(() => verifyFinalitySignature(checked, commitRecord(commit), signingOptions));

  // Stored even when it equivocates: both votes stay, under their own block hashes.
  insertFinalitySigAndSignatory(storage, fpPubkey, height, vote);

  const response = new ResponseBuilder().event("submit_finality_signature", [
    ["fp_pubkey_hex", asGiven],
    ["block_height", height.toString()],
    ["block_hash", bytesToHex(checked.blockHash)],
    ...(checked.l1BlockNumber === undefined
      ? []
      : [["l1_block_number", checked.l1BlockNumber.toString()] as const]),
    ...(checked.l1BlockHashHex === undefined ? [] : [["l1_block_hash_hex", checked.l1BlockHashHex] as const]),
  ]);

  const canonical = existing?.[0];
  if (canonical !== undefined) {
    response.message({
      msg_equivocation_evidence: {
        signer: env.contractAddress,
        fp_btc_pk_hex: fpHex,
        block_height: Number(height),
        pub_rand_hex: bytesToHex(checked.pubRand),
        canonical_app_hash_hex: bytesToHex(canonical.blockHash),
        fork_app_hash_hex: bytesToHex(checked.blockHash),
        canonical_finality_sig_hex: bytesToHex(canonical.finalitySig),
        fork_finality_sig_hex: bytesToHex(checked.signature),
        signing_context: signingContext("fp_fin_vote", env.chainId, env.contractAddress),
      },
    });
  } else {
    insertPubRandValue(storage, fpPubkey, height, checked.pubRand);
  }
  return response.build();
}
