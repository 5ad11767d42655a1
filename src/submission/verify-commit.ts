/**
 * @module `verifyCommitSubmission`: a `commit_public_randomness` body checked against chain state in the
 * contract's order (contract.md §9.1), so the edge refuses exactly what the contract would, with its texts.
 */
import {
  type CheckedCommit,
  type CommitPublicRandomnessMsg,
  checkCommitFields,
  checkCommitFinalityProvider,
  checkCommitOverlap,
  finalityProviderNotAllowed,
  verifyCommitSignature,
} from "../contract-rules/index.ts";
import { bytesToHex } from "../crypto/index.ts";
import { commitRecord, ruleConfig } from "./rule-inputs.ts";
import type { SubmissionChainState, SubmissionVerifyOptions } from "./types.ts";

/**
 * Steps 1–8 (fields, lengths, end height, too few, key hex), the allowlist, Babylon's FP record (a failed
 * lookup is the contract's querier error; only a Babylon slashing height counts; no BSN check), the
 * message budget, the BIP-340 signature, then the overlap with the FP's last commit.
 *
 * @throws ContractRuleError (the contract's refusal); whatever `state` throws when the chain is unavailable.
 */
export async function verifyCommitSubmission(
  msg: unknown,
  state: SubmissionChainState,
  opts: SubmissionVerifyOptions,
): Promise<CheckedCommit> {
  const config = await state.config();
  const checked = checkCommitFields(msg as CommitPublicRandomnessMsg, { config: ruleConfig(config) });
  // The contract keys everything by the decoded bytes; texts that echo the key "as given" use fpPubkeyHex.
  const fpHex = bytesToHex(checked.fpPubkey);
  if (!(await state.isAllowed(fpHex))) throw finalityProviderNotAllowed(fpHex);
  checkCommitFinalityProvider(await state.finalityProvider(fpHex), checked.fpPubkey, checked.fpPubkeyHex);
  await state.checkBudget(fpHex);
  verifyCommitSignature(checked, opts);
  const last = await state.lastCommit(fpHex);
  checkCommitOverlap(checked.startHeight, last === undefined ? undefined : commitRecord(last));
  return checked;
}
