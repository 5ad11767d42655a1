/**
 * @module `@finality-edge/sdk/verify`: verifying the edge's finality answers without trusting the edge: {@link verifyDecision} (the answer's
 * own evidence: signatures, distinct voters, quorum arithmetic) and {@link verifyWithBabylon} (the same, then
 * voters, BTC height and powers re-read from a Babylon RPC the caller chooses). Both return named checks and what
 * the result still trusts; act on `valid`. Runs in browsers, Workers and Node (no Node built-ins). Its own entry
 * point so that the client (`@finality-edge/sdk`) carries none of its crypto or CosmJS.
 */
export {
  type BabylonReaders,
  type BabylonReadersOptions,
  createBabylonReaders,
} from "./create-babylon-readers.ts";
export { createL2BlockReader } from "./create-l2-block-reader.ts";
export type {
  CheckName,
  DecisionQuorum,
  DecisionVoter,
  FinalityDecision,
  L2BlockHeader,
  L2BlockReader,
  QuorumOption,
  VerificationCheck,
  VerificationResult,
  VerifyDecisionOptions,
  VerifyWithBabylonOptions,
} from "./types.ts";
export { type VerifyAgainstBabylonOptions, verifyAgainstBabylon } from "./verify-against-babylon.ts";
export { verifyDecision } from "./verify-decision.ts";
export { verifyWithBabylon } from "./verify-with-babylon.ts";
