/** @module Input and output shapes of the contract-rule checks. Wire shapes come from the generated types. */
import type { ExecuteMsg } from "../../generated/Finality.types.ts";

/** Body of `{"commit_public_randomness": …}` as the contract deserializes it. */
export type CommitPublicRandomnessMsg = Extract<
  ExecuteMsg,
  { commit_public_randomness: unknown }
>["commit_public_randomness"];

/** Body of `{"submit_finality_signature": …}` as the contract deserializes it. */
export type SubmitFinalitySignatureMsg = Extract<
  ExecuteMsg,
  { submit_finality_signature: unknown }
>["submit_finality_signature"];

/** A u64 as JSON gives it (`number`) or as a bigint-safe codec does. */
export type U64Input = number | bigint;

/**
 * What the stateless checks need to know about the deployment: the three `config` values they read
 * (the generated `Config` answer fits), plus what builds the signing contexts.
 */
export type ContractRulesOptions = {
  config: {
    bsn_activation_height: U64Input;
    finality_signature_interval: U64Input;
    min_pub_rand: U64Input;
  };
  /** The Babylon Genesis chain id (the contract's `env.block.chain_id`), not the BSN id. */
  babylonChainId: string;
  /** The finality contract's bech32 address. */
  contractAddress: string;
  /** Verify with the empty signing context (pre-context deployments, the upstream test data). */
  emptySigningContext?: boolean;
};

/** A stored randomness commitment (the `PubRandCommit` query answer fits; `commitment` may be bytes). */
export type CommitRecord = {
  start_height: U64Input;
  num_pub_rand: U64Input;
  interval: U64Input;
  commitment: Uint8Array | readonly number[];
};

/** A `commit_public_randomness` that passed the stateless field checks, decoded. */
export type CheckedCommit = {
  /** The key exactly as given (the contract echoes some texts with it unnormalised). */
  fpPubkeyHex: string;
  fpPubkey: Uint8Array;
  startHeight: bigint;
  numPubRand: bigint;
  /** `start + (num − 1)·interval`, the last height the commit covers. */
  endHeight: bigint;
  interval: bigint;
  commitment: Uint8Array;
  signature: Uint8Array;
};

/** A CometBFT inclusion proof with its u64s as bigints. */
export type DecodedProof = {
  total: bigint;
  index: bigint;
  leafHash: Uint8Array;
  aunts: Uint8Array[];
};

/** A `submit_finality_signature` that passed the stateless field checks, decoded. */
export type CheckedVote = {
  fpPubkeyHex: string;
  fpPubkey: Uint8Array;
  height: bigint;
  pubRand: Uint8Array;
  proof: DecodedProof;
  blockHash: Uint8Array;
  signature: Uint8Array;
  l1BlockNumber: bigint | undefined;
  l1BlockHashHex: string | undefined;
};
