/**
 * @module The finality contract's stateless checks, with its exact error texts: what the edge's
 * submission path runs so it refuses exactly what the contract would, before it costs gas.
 */
export {
  assertPublicKeyLength,
  checkCommitFields,
  checkCommitPublicRandomness,
  verifyCommitSignature,
} from "./check-commit.ts";
export { checkCommitOverlap, nextCommitStartHeight } from "./check-overlap.ts";
export {
  checkFinalitySignatureFields,
  checkSubmitFinalitySignature,
  verifyFinalitySignature,
} from "./check-vote.ts";
export { ruleSigningContexts } from "./context.ts";
export { commitCoversHeight, findCoveringCommit } from "./covering-commit.ts";
export { commitEndHeight } from "./end-height.ts";
export { type ContractRuleCode, ContractRuleError } from "./errors.ts";
export { rustHexDecode } from "./rust-hex.ts";
export type {
  CheckedCommit,
  CheckedVote,
  CommitPublicRandomnessMsg,
  CommitRecord,
  ContractRulesOptions,
  DecodedProof,
  SubmitFinalitySignatureMsg,
  U64Input,
} from "./types.ts";
