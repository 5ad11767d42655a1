/**
 * @module Shapes shared by the submission path: what the edge reads from the chain to verify a message
 * (`SubmissionChainState`), what it queues, and what a submission record says.
 */
import type { PubRandCommitRecord } from "../babylon/index.ts";
import type {
  CheckedVote,
  CommitPublicRandomnessMsg,
  ContractRuleError,
  SubmitFinalitySignatureMsg,
} from "../contract-rules/index.ts";

export type SubmissionKind = "commit" | "vote";

/** A message that passed verification, as it travels through the queue (JSON-safe). */
export type QueuedSubmission = {
  /** Submission id (also the KV record key suffix). */
  id: string;
  chain: string;
  kind: SubmissionKind;
  /** Lowercase hex x-only key. */
  fpBtcPkHex: string;
  /** Vote: the voted height; commit: the start height. Decimal string (u64). */
  height: string;
  /** The contract's execute message body exactly as accepted (snake_case, base64 bytes). */
  msg: CommitPublicRandomnessMsg | SubmitFinalitySignatureMsg;
  /** True when this vote conflicts with a recorded one (it is the slashing evidence). */
  equivocation: boolean;
  /** ms since epoch. */
  acceptedAt: number;
  /** Sent again by the scheduled handler after it stayed pending too long: look on chain before sending. */
  requeued?: boolean;
};

/** A vote the FP is known to have cast (on chain or accepted by the edge). */
export type RecordedVote = { blockHash: Uint8Array; signature: Uint8Array };

/** A stored randomness commit, as the contract's queries return it. */
export type ChainCommit = PubRandCommitRecord;

/** What Babylon's btcstaking `FinalityProvider` says about a key (undefined: not registered). */
export type FinalityProviderFacts = {
  bsnId: string;
  slashedBabylonHeight: bigint;
  slashedBtcHeight: bigint;
};

/**
 * The chain state the contract consults, read by the edge (each method may cache briefly). Every method
 * may throw an UpstreamUnavailableError subclass: the caller answers 503 and refuses nothing.
 */
export type SubmissionChainState = {
  /** Contract config (bsn id, activation, interval, min_pub_rand, rate limiting). */
  config(): Promise<{
    bsnId: string;
    bsnActivationHeight: bigint;
    finalitySignatureInterval: bigint;
    minPubRand: bigint;
    rateLimiting: { maxMsgsPerInterval: number; blockInterval: bigint };
  }>;
  /** Whether the (lowercase hex) key is in the contract's current allowlist. */
  isAllowed(fpHex: string): Promise<boolean>;
  finalityProvider(fpHex: string): Promise<FinalityProviderFacts | undefined>;
  /** The FP's commit with the highest start height, if any. */
  lastCommit(fpHex: string): Promise<ChainCommit | undefined>;
  /** The FP's commit covering `height`, if any. */
  commitForHeight(fpHex: string, height: bigint): Promise<ChainCommit | undefined>;
  /**
   * Babylon's last finalized epoch (0: none yet). A cached answer below `atLeast` (the epoch a vote needs)
   * is read again first, so a refusal never rests on a stale cache (epochs only ever finalize forwards).
   */
  lastFinalizedEpoch(atLeast?: bigint): Promise<bigint>;
  /** Votes the FP is known to have cast at `height` (this block hash on chain, plus the edge's own records). */
  recordedVotes(fpHex: string, height: bigint, blockHash: Uint8Array): Promise<RecordedVote[]>;
  /**
   * Throws the contract's RateLimitExceeded (`ContractRuleError` code `rate_limit_exceeded`) when the FP has
   * no message left in the current interval. Called at the contract's step for it; the caller counts the
   * message only once the whole verification passed (the contract reverts its counter on any error).
   */
  checkBudget(fpHex: string): Promise<void>;
};

/** What the verify functions need besides the chain state: what builds the two signing contexts. */
export type SubmissionVerifyOptions = {
  /** The Babylon Genesis chain id (not the BSN id). */
  babylonChainId: string;
  /** The finality contract's bech32 address. */
  contractAddress: string;
  /** Deployments that predate signing contexts. */
  emptySigningContext?: boolean;
  /** The vote's EOTS signature was already verified on these bytes (by `provesIdentity`): do not repeat it. */
  eotsVerified?: boolean;
};

/**
 * Why a conflicting vote is slashing evidence, all hex: the two votes (the recorded one is "canonical", as the
 * contract calls its stored vote) under one public randomness, and whether EOTS extraction from the two
 * signatures yields the FP's own secret key.
 */
export type EquivocationProof = {
  canonicalBlockHash: string;
  forkBlockHash: string;
  canonicalSignature: string;
  forkSignature: string;
  pubRand: string;
  extractedSecretKeyMatches: boolean;
};

/**
 * A vote that passed every rule the contract would run before storing it: `new`; or an exact copy of a
 * recorded vote (`duplicate`, which the contract refuses with `duplicateError` — the edge answers it as a
 * retry); or a valid vote conflicting with a recorded one at the same height (`equivocation`).
 */
export type VoteVerification =
  | { checked: CheckedVote; outcome: "new"; conflicting?: undefined; evidence?: undefined }
  | {
      checked: CheckedVote;
      outcome: "duplicate";
      /** The contract's `DuplicatedFinalitySig` for this message. */
      duplicateError: ContractRuleError;
      conflicting?: undefined;
      evidence?: undefined;
    }
  | { checked: CheckedVote; outcome: "equivocation"; conflicting: RecordedVote; evidence: EquivocationProof };
