/**
 * @module The finality-provider signer: sparse randomness commitments and EOTS finality votes in
 * the rollup contract's exact JSON, with a double-sign guard.
 */
export {
  type BuildRandomnessCommitParameters,
  type BuildRandomnessCommitWithKeyParameters,
  type BuiltRandomnessCommit,
  buildRandomnessCommit,
  buildRandomnessCommitWithKey,
  buildUnsignedCommit,
  type CommitRange,
  commitHeights,
  signedCommit,
  type UnsignedRandomnessCommit,
} from "./build-commit.ts";
export {
  createMemoryDoubleSignGuard,
  type DoubleSignGuard,
  type DoubleSignKey,
  type SignedVote,
} from "./double-sign-guard.ts";
export { createLocalEotsKey, type EotsKey, type LocalEotsKeyOptions } from "./eots-key.ts";
export { DoubleSignError, ProviderError, type ProviderErrorCode } from "./errors.ts";
export { alignToGrid, isScheduledHeight } from "./grid.ts";
export {
  type CommitPublicRandomnessExecuteMsg,
  commitPublicRandomnessMsg,
  type SubmitFinalitySignatureExecuteMsg,
  submitFinalitySignatureMsg,
} from "./messages.ts";
export {
  type BuiltCommit,
  createMemoryProofStore,
  type ProofScope,
  type ProofStore,
  type StoredProof,
} from "./proof-store.ts";
export {
  type CommitPublicRandomnessParameters,
  type CommitPublicRandomnessResult,
  createFinalityProviderSigner,
  type FinalityProviderSigner,
  type FinalityProviderSignerOptions,
  type SubmitFinalitySignatureParameters,
} from "./signer.ts";
