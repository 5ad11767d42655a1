/**
 * @module The finality contract's checks, with its exact error texts: the stateless ones, and the
 * verdicts and refusals of its stateful steps given the chain facts. What the edge's submission path
 * runs so it refuses exactly what the contract would, before it costs gas.
 */
export { checkCommitTimestamped } from "./check-btc-timestamp.ts";
export {
  assertPublicKeyLength,
  checkCommitFields,
  checkCommitPublicRandomness,
  verifyCommitSignature,
} from "./check-commit.ts";
export {
  checkCommitFinalityProvider,
  checkVoteFinalityProvider,
  type FinalityProviderRecord,
} from "./check-finality-provider.ts";
export { checkCommitOverlap, nextCommitStartHeight } from "./check-overlap.ts";
export {
  checkFinalitySignatureFields,
  checkSubmitFinalitySignature,
  verifyFinalitySignature,
  verifyVoteEots,
} from "./check-vote.ts";
export { ruleSigningContexts } from "./context.ts";
export { commitCoversHeight, findCoveringCommit } from "./covering-commit.ts";
export {
  duplicateFieldRefusal,
  type MessageKind,
  repeatedVariantRefusal,
} from "./duplicate-fields.ts";
export { commitEndHeight } from "./end-height.ts";
export { type ContractRuleCode, ContractRuleError } from "./errors.ts";
export { overflowPanicText, PANIC_LOCATION, panicText } from "./panic.ts";
export { rustHexDecode } from "./rust-hex.ts";
export {
  duplicatedFinalitySig,
  finalityProviderNotAllowed,
  finalityProviderQueryError,
  notFoundFinalityProvider,
  pubRandCommitNotBtcTimestamped,
  rateLimitExceeded,
  slashedFinalityProvider,
} from "./stateful-errors.ts";
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
