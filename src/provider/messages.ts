/**
 * @module The two execute messages exactly as the contract deserializes them: snake_case keys in
 * the Rust structs' order, base64 `Binary`, u64s as JSON numbers, lowercase x-only key hex, and a
 * proof that always carries `index` and `aunts` (protobuf-style JSON would drop `0` and `[]`).
 */
import type { ExecuteMsg } from "../../generated/Finality.types.ts";
import { bytesToBase64, type MerkleProof } from "../crypto/index.ts";
import { ProviderError } from "./errors.ts";

export type CommitPublicRandomnessExecuteMsg = Extract<ExecuteMsg, { commit_public_randomness: unknown }>;
export type SubmitFinalitySignatureExecuteMsg = Extract<ExecuteMsg, { submit_finality_signature: unknown }>;

/** A u64 as a JSON number; beyond 2^53 − 1 a number would name a different height, so refuse. */
export function jsonU64(value: bigint, field: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ProviderError("invalid_height", `${field} ${value} cannot be sent as an exact JSON number`, {
      field,
    });
  }
  return Number(value);
}

/** `{"commit_public_randomness": {fp_pubkey_hex, start_height, num_pub_rand, commitment, signature}}`. */
export function commitPublicRandomnessMsg(parameters: {
  publicKeyHex: string;
  startHeight: bigint;
  numPubRand: bigint;
  commitment: Uint8Array;
  signature: Uint8Array;
}): CommitPublicRandomnessExecuteMsg {
  return {
    commit_public_randomness: {
      fp_pubkey_hex: parameters.publicKeyHex,
      start_height: jsonU64(parameters.startHeight, "start_height"),
      num_pub_rand: jsonU64(parameters.numPubRand, "num_pub_rand"),
      commitment: bytesToBase64(parameters.commitment),
      signature: bytesToBase64(parameters.signature),
    },
  };
}

/** `{"submit_finality_signature": {…}}`; the optional L1 fields appear only when given. */
export function submitFinalitySignatureMsg(parameters: {
  publicKeyHex: string;
  height: bigint;
  pubRand: Uint8Array;
  proof: MerkleProof;
  blockHash: Uint8Array;
  signature: Uint8Array;
  l1BlockNumber?: bigint | undefined;
  l1BlockHashHex?: string | undefined;
}): SubmitFinalitySignatureExecuteMsg {
  const { proof } = parameters;
  return {
    submit_finality_signature: {
      fp_pubkey_hex: parameters.publicKeyHex,
      ...(parameters.l1BlockNumber === undefined
        ? {}
        : { l1_block_number: jsonU64(parameters.l1BlockNumber, "l1_block_number") }),
      ...(parameters.l1BlockHashHex === undefined ? {} : { l1_block_hash_hex: parameters.l1BlockHashHex }),
      height: jsonU64(parameters.height, "height"),
      pub_rand: bytesToBase64(parameters.pubRand),
      proof: {
        total: proof.total,
        index: proof.index,
        leaf_hash: bytesToBase64(proof.leafHash),
        aunts: proof.aunts.map(bytesToBase64),
      },
      block_hash: bytesToBase64(parameters.blockHash),
      signature: bytesToBase64(parameters.signature),
    },
  };
}
