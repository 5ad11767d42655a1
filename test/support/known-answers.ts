/**
 * @module Typed readers for the shared known-answer vectors (`../shared/vectors/`), used by the Node
 * tests and the workerd test alike. Pure: the caller loads the files (Node reads the disk through
 * `vectors.ts`, workerd receives them through vitest's `inject`). Test support only.
 */
import { bytesToBase64, hexToBytes, type MerkleProof } from "../../src/crypto/index.ts";

/** One row of bitcoin/bips `bip-0340/test-vectors.csv`. Hex fields are as in the file (uppercase). */
export type Bip340Row = {
  index: number;
  /** Empty for verification-only rows. */
  secretKey: string;
  publicKey: string;
  auxRand: string;
  /** Hex; may be empty (row 15) or of any length (rows 15–18). */
  message: string;
  signature: string;
  valid: boolean;
  comment: string;
};

export type EotsVector = {
  name: string;
  sk: string;
  pk: string;
  sr: string;
  pr: string;
  msg1: string;
  msg2: string;
  sig1: string;
  sig2: string;
};

export type MerkleHasherVector = {
  what: string;
  hash: string;
  leaf?: string;
  leaf_ascii?: string;
  left_ascii?: string;
  right_ascii?: string;
};

export type MerkleVectors = {
  hasher: MerkleHasherVector[];
  small_trees_derived: {
    leaf_hashes: string[];
    roots: Record<string, string>;
    proofs: { n: number; index: number; aunts: string[] }[];
  };
};

export type RandomnessVectors = {
  key: string;
  vectors: { chain_id: string; height: number; priv_rand: string; pub_rand: string; r_y_odd: boolean }[];
};

export type HexProof = { total: number; index: number; leaf_hash: string; aunts: string[] };
export type Base64Proof = { total: number; index: number; leaf_hash: string; aunts: string[] };

export type RollupFlowEmptyContext = {
  about: string;
  signing_context: string;
  interval: number;
  fp_sk: string;
  fp_pubkey_hex: string;
  commit: {
    start_height: number;
    num_pub_rand: number;
    commitment: string;
    signed_digest: string;
    signature: string;
  };
  height: number;
  pub_rand: string;
  proof: HexProof;
  votes: { block_hash: string; msg_hash: string; signature: string }[];
  extracted_sk: string;
  contract_json: {
    repo_kat_commit_msg_ctx_empty: {
      commit_public_randomness: {
        fp_pubkey_hex: string;
        start_height: number;
        num_pub_rand: number;
        commitment: string;
        signature: string;
      };
    };
    repo_kat_submit_msg_ctx_empty: {
      submit_finality_signature: {
        fp_pubkey_hex: string;
        height: number;
        pub_rand: string;
        proof: Base64Proof;
        block_hash: string;
        signature: string;
      };
    };
  };
};

export type RollupFlowWithContext = {
  about: string;
  fp_sk: string;
  fp_pubkey_hex: string;
  chain_id: string;
  contract_address: string;
  rand_commit_context_preimage: string;
  rand_commit_context: string;
  fin_vote_context_preimage: string;
  fin_vote_context: string;
  start_height: number;
  num_pub_rand: number;
  interval: number;
  sec_rands: string[];
  pub_rands: string[];
  commitment: string;
  commit_signed_bytes: string;
  commit_sha256: string;
  commit_bip340_sig_aux0: string;
  vote_height: number;
  proof: HexProof;
  votes: { block_hash: string; signed_bytes: string; msg_hash: string; eots_sig: string }[];
  extracted_sk: string;
  extracted_matches: boolean;
};

export type KnownAnswers = {
  bip340: Bip340Row[];
  eots: EotsVector[];
  merkle: MerkleVectors;
  randomness: RandomnessVectors;
  rollupFlowEmptyContext: RollupFlowEmptyContext;
  rollupFlowWithContext: RollupFlowWithContext;
};

/** The raw files, as `vectors.ts` loads them. */
export type RawSharedVectors = {
  bip340Csv: string;
  eots: unknown;
  merkle: unknown;
  randomness: unknown;
  rollupFlowEmptyContext: unknown;
  rollupFlowWithContext: unknown;
};

/** Parses the BIP-340 CSV (no quoted fields in that file; the comment column has no commas). */
export function parseBip340Csv(csv: string): Bip340Row[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== "");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    if (cells.length !== 8) throw new Error(`bip340.csv: expected 8 columns, got ${cells.length}: ${line}`);
    const [index, secretKey, publicKey, auxRand, message, signature, result, comment] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return {
      index: Number(index),
      secretKey,
      publicKey,
      auxRand,
      message,
      signature,
      valid: result === "TRUE",
      comment,
    };
  });
}

/** Types the raw vectors. Shapes are trusted (the files are checked-in reference data); counts are asserted by tests. */
export function readKnownAnswers(raw: RawSharedVectors): KnownAnswers {
  return {
    bip340: parseBip340Csv(raw.bip340Csv),
    eots: (raw.eots as { vectors: EotsVector[] }).vectors,
    merkle: raw.merkle as MerkleVectors,
    randomness: raw.randomness as RandomnessVectors,
    rollupFlowEmptyContext: raw.rollupFlowEmptyContext as RollupFlowEmptyContext,
    rollupFlowWithContext: raw.rollupFlowWithContext as RollupFlowWithContext,
  };
}

/** An EOTS vector's hex fields as bytes. */
export type EotsVectorBytes = { [K in Exclude<keyof EotsVector, "name">]: Uint8Array };

export function eotsVectorBytes(vec: EotsVector): EotsVectorBytes {
  return {
    sk: hexToBytes(vec.sk),
    pk: hexToBytes(vec.pk),
    sr: hexToBytes(vec.sr),
    pr: hexToBytes(vec.pr),
    msg1: hexToBytes(vec.msg1),
    msg2: hexToBytes(vec.msg2),
    sig1: hexToBytes(vec.sig1),
    sig2: hexToBytes(vec.sig2),
  };
}

/** A vector's hex proof as the crypto core's {@link MerkleProof}. */
export function merkleProofFromHex(proof: HexProof): MerkleProof {
  return {
    total: proof.total,
    index: proof.index,
    leafHash: hexToBytes(proof.leaf_hash),
    aunts: proof.aunts.map((aunt) => hexToBytes(aunt)),
  };
}

/** Index of the vote height's value in the with-context flow's commit (`(height − start) / interval`). */
export const voteIndex = (flow: RollupFlowWithContext): number =>
  (flow.vote_height - flow.start_height) / flow.interval;

/** A vector's hex value as the base64 a cosmwasm `Binary` field carries. */
export const hexToBase64 = (hex: string): string => bytesToBase64(hexToBytes(hex));
