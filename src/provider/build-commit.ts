/** @module Building one sparse randomness commitment: values, Merkle tree, proofs, BIP-340 signature. */
import {
  bip340Sign,
  buildMerkleTree,
  bytesToHex,
  commitDigest,
  type Randomness,
  xOnlyPublicKey,
} from "../crypto/index.ts";
import { ProviderError } from "./errors.ts";
import { type CommitPublicRandomnessExecuteMsg, commitPublicRandomnessMsg, jsonU64 } from "./messages.ts";
import type { BuiltCommit, StoredProof } from "./proof-store.ts";

export type BuildRandomnessCommitParameters = {
  secretKey: Uint8Array;
  /** The `fp_rand_commit` signing context ("" for pre-context deployments). */
  context: string;
  startHeight: bigint;
  numPubRand: bigint;
  interval: bigint;
  /** Randomness for one height; the provider's is `deriveRandomness(sk, bsnId, height)`. */
  randomness: (height: bigint) => Randomness;
  /** BIP-340 auxiliary randomness (32 bytes). */
  auxRand?: Uint8Array;
};

export type BuiltRandomnessCommit = {
  msg: CommitPublicRandomnessExecuteMsg;
  commit: BuiltCommit;
  /** One per height `start + i·interval`, in order. */
  proofs: StoredProof[];
};

/**
 * Values for heights `start + i·interval` (i < num), the CometBFT tree over their x-only public
 * randomness, and BIP-340 over `sha256(context || BE64(start) || BE64(num) || root)`. Pure: nothing
 * is stored here.
 */
export function buildRandomnessCommit(parameters: BuildRandomnessCommitParameters): BuiltRandomnessCommit {
  const { secretKey, context, startHeight, numPubRand, interval } = parameters;
  if (numPubRand < 1n || interval < 1n) {
    throw new ProviderError(
      "invalid_commit_range",
      "A commit needs at least one value and an interval of at least 1",
      {
        field: numPubRand < 1n ? "numPubRand" : "interval",
      },
    );
  }
  // Every height must stay an exact JSON number, so the last one bounds the range.
  jsonU64(startHeight + (numPubRand - 1n) * interval, "end height");

  const heights = Array.from({ length: Number(numPubRand) }, (_, i) => startHeight + BigInt(i) * interval);
  const pubRands = heights.map((height) => parameters.randomness(height).pubRand);
  const tree = buildMerkleTree(pubRands);
  const commit: BuiltCommit = { startHeight, numPubRand, interval, commitment: tree.root };
  const digest = commitDigest(context, startHeight, numPubRand, tree.root);
  const signature = bip340Sign(secretKey, digest, parameters.auxRand);
  return {
    msg: commitPublicRandomnessMsg({
      publicKeyHex: bytesToHex(xOnlyPublicKey(secretKey)),
      startHeight,
      numPubRand,
      commitment: tree.root,
      signature,
    }),
    commit,
    proofs: heights.map((height, i) => ({ height, commit, proof: tree.proof(i) })),
  };
}
