/** @module Why a conflicting vote is slashing evidence: the FP's key extracted from the two EOTS signatures. */
import { type CheckedVote, ruleSigningContexts } from "../contract-rules/index.ts";
import {
  bytesToHex,
  CryptoError,
  eotsExtract,
  equalBytes,
  voteMessage,
  xOnlyPublicKey,
} from "../crypto/index.ts";
import type { EquivocationProof, RecordedVote, SubmissionVerifyOptions } from "./types.ts";

/**
 * The two votes under the new vote's public randomness (the one the contract hands to Babylon), and whether
 * EOTS extraction from them gives a secret key whose x-only public key is the FP's — what Babylon checks
 * before slashing. Inputs extraction cannot use (the same message twice, a non-32-byte value) give `false`.
 */
export function equivocationProof(
  vote: CheckedVote,
  recorded: RecordedVote,
  opts: SubmissionVerifyOptions,
): EquivocationProof {
  const context = ruleSigningContexts(opts).vote;
  let extractedSecretKeyMatches: boolean;
  try {
    const secretKey = eotsExtract(
      vote.fpPubkey,
      vote.pubRand,
      voteMessage(context, vote.height, recorded.blockHash),
      recorded.signature,
      voteMessage(context, vote.height, vote.blockHash),
      vote.signature,
    );
    extractedSecretKeyMatches = equalBytes(xOnlyPublicKey(secretKey), vote.fpPubkey);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    extractedSecretKeyMatches = false;
  }
  return {
    canonicalBlockHash: bytesToHex(recorded.blockHash),
    forkBlockHash: bytesToHex(vote.blockHash),
    canonicalSignature: bytesToHex(recorded.signature),
    forkSignature: bytesToHex(vote.signature),
    pubRand: bytesToHex(vote.pubRand),
    extractedSecretKeyMatches,
  };
}
