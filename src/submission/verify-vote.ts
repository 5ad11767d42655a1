/**
 * @module `verifyVoteSubmission`: a `submit_finality_signature` body checked against chain state in the
 * contract's order (contract.md §9.2), so the edge refuses exactly what the contract would, with its texts,
 * and tells a new vote from a retry (duplicate) and from slashing evidence (equivocation).
 */
import {
  checkCommitTimestamped,
  checkFinalitySignatureFields,
  checkVoteFinalityProvider,
  duplicatedFinalitySig,
  finalityProviderNotAllowed,
  findCoveringCommit,
  type SubmitFinalitySignatureMsg,
  verifyFinalitySignature,
} from "../contract-rules/index.ts";
import { bytesToHex, equalBytes } from "../crypto/index.ts";
import { equivocationProof } from "./equivocation-proof.ts";
import { commitRecord, ruleConfig } from "./rule-inputs.ts";
import type { SubmissionChainState, SubmissionVerifyOptions, VoteVerification } from "./types.ts";

/** A config under which no height is refused: deserializing and decoding the key run alone. */
const ANY_HEIGHT = { bsn_activation_height: 0, finality_signature_interval: 1, min_pub_rand: 0 };

/**
 * Deserialization and key hex (step 1), the allowlist (2), activation and schedule (3–4), Babylon's FP record
 * (5: a failed lookup or another BSN is "not found"; either slashing height is "slashed"), the message budget
 * (6), the recorded votes (7: an identical one makes this a duplicate, returned rather than thrown, with the
 * contract's `DuplicatedFinalitySig` as `duplicateError`), the covering commit and its BTC timestamp (8), then
 * proof and EOTS (9). A valid vote conflicting with a recorded one is an equivocation, returned with the
 * recorded vote and the EOTS key-extraction proof.
 *
 * @throws ContractRuleError (the contract's refusal); whatever `state` throws when the chain is unavailable.
 */
export async function verifyVoteSubmission(
  msg: unknown,
  state: SubmissionChainState,
  opts: SubmissionVerifyOptions,
): Promise<VoteVerification> {
  const body = msg as SubmitFinalitySignatureMsg;
  // The allowlist sits between the key's hex and the height rules, which share one stateless check.
  const { fpPubkey } = checkFinalitySignatureFields(body, { config: ANY_HEIGHT });
  const fpHex = bytesToHex(fpPubkey);
  if (!(await state.isAllowed(fpHex))) throw finalityProviderNotAllowed(fpHex);
  const config = await state.config();
  const checked = checkFinalitySignatureFields(body, { config: ruleConfig(config) });
  const { height } = checked;

  checkVoteFinalityProvider(await state.finalityProvider(fpHex), config.bsnId, checked.fpPubkeyHex);
  await state.checkBudget(fpHex);

  const recorded = await state.recordedVotes(fpHex, height, checked.blockHash);
  const same = recorded.some(
    (vote) => equalBytes(vote.signature, checked.signature) && equalBytes(vote.blockHash, checked.blockHash),
  );
  if (same) {
    // The contract would refuse it here too; nothing past this step changes that.
    return {
      checked,
      outcome: "duplicate",
      duplicateError: duplicatedFinalitySig(checked.fpPubkeyHex, height),
    };
  }

  const stored = await state.commitForHeight(fpHex, height);
  const commit = findCoveringCommit(stored === undefined ? [] : [commitRecord(stored)], height, fpPubkey);
  checkCommitTimestamped(fpPubkey, commit.babylonEpoch, await state.lastFinalizedEpoch(commit.babylonEpoch));
  verifyFinalitySignature(checked, commit, opts, { eotsVerified: opts.eotsVerified === true });

  // Extraction needs two different messages: prefer a recorded vote for another block.
  const conflicting = recorded.find((vote) => !equalBytes(vote.blockHash, checked.blockHash)) ?? recorded[0];
  if (conflicting === undefined) return { checked, outcome: "new" };
  return {
    checked,
    outcome: "equivocation",
    conflicting,
    evidence: equivocationProof(checked, conflicting, opts),
  };
}
