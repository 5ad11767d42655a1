/**
 * @module Building one sparse randomness commitment: heights, Merkle tree, proofs, BIP-340 signature.
 * The tree is built the same way whether the signature comes from a secret key in hand or from an
 * {@link EotsKey}.
 */
import {
  bip340Sign,
  buildMerkleTree,
  bytesToHex,
  commitDigest,
  type Randomness,
  xOnlyPublicKey,
} from "../crypto/index.ts";
import { checkCommitSignature, checkPublicRandomness, type EotsKey } from "./eots-key.ts";
import { ProviderError } from "./errors.ts";
import { type CommitPublicRandomnessExecuteMsg, commitPublicRandomnessMsg, jsonU64 } from "./messages.ts";
import type { BuiltCommit, StoredProof } from "./proof-store.ts";

/** Which heights a commit covers and under which signing context. */
export type CommitRange = {
  /** The `fp_rand_commit` signing context ("" for pre-context deployments). */
  context: string;
  startHeight: bigint;
  numPubRand: bigint;
  interval: bigint;
};

export type BuildRandomnessCommitParameters = CommitRange & {
  secretKey: Uint8Array;
  /** Randomness for one height; the provider's is `deriveRandomness(sk, bsnId, height)`. */
  randomness: (height: bigint) => Randomness;
  /** BIP-340 auxiliary randomness (32 bytes). */
  auxRand?: Uint8Array;
};

export type BuildRandomnessCommitWithKeyParameters = CommitRange & {
  key: EotsKey;
  /** The rollup BSN id the randomness is derived for. */
  bsnId: string;
};

export type BuiltRandomnessCommit = {
  msg: CommitPublicRandomnessExecuteMsg;
  commit: BuiltCommit;
  /** One per height `start + i·interval`, in order. */
  proofs: StoredProof[];
};

/** A commit before its signature: what to store, and the digest to sign. */
export type UnsignedRandomnessCommit = {
  commit: BuiltCommit;
  proofs: StoredProof[];
  /** `sha256(context || BE64(start) || BE64(num) || root)`, what the BIP-340 signature signs. */
  digest: Uint8Array;
};

/** Heights `start + i·interval` (i < num), refusing ranges no commit can have. */
export function commitHeights(range: Omit<CommitRange, "context">): bigint[] {
  const { startHeight, numPubRand, interval } = range;
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
  return Array.from({ length: Number(numPubRand) }, (_, i) => startHeight + BigInt(i) * interval);
}

/** The CometBFT tree over the heights' x-only public randomness, its proofs and the digest to sign. Pure. */
export function buildUnsignedCommit(
  range: CommitRange,
  heights: readonly bigint[],
  pubRands: readonly Uint8Array[],
): UnsignedRandomnessCommit {
  const { context, startHeight, numPubRand, interval } = range;
  const tree = buildMerkleTree(pubRands);
  const commit: BuiltCommit = { startHeight, numPubRand, interval, commitment: tree.root };
  return {
    commit,
    proofs: heights.map((height, i) => ({ height, commit, proof: tree.proof(i) })),
    digest: commitDigest(context, startHeight, numPubRand, tree.root),
  };
}

/** The signed commit: the execute message next to what to store. */
export function signedCommit(
  unsigned: UnsignedRandomnessCommit,
  publicKey: Uint8Array,
  signature: Uint8Array,
): BuiltRandomnessCommit {
  const { commit, proofs } = unsigned;
  return {
    msg: commitPublicRandomnessMsg({
      publicKeyHex: bytesToHex(publicKey),
      startHeight: commit.startHeight,
      numPubRand: commit.numPubRand,
      commitment: commit.commitment,
      signature,
    }),
    commit,
    proofs,
  };
}

/**
 * Values for heights `start + i·interval` (i < num), the CometBFT tree over their x-only public
 * randomness, and BIP-340 over `sha256(context || BE64(start) || BE64(num) || root)`, from a secret
 * key in hand. Pure: nothing is stored here.
 */
export function buildRandomnessCommit(parameters: BuildRandomnessCommitParameters): BuiltRandomnessCommit {
  const heights = commitHeights(parameters);
  const unsigned = buildUnsignedCommit(
    parameters,
    heights,
    heights.map((height) => parameters.randomness(height).pubRand),
  );
  const { secretKey } = parameters;
  return signedCommit(
    unsigned,
    xOnlyPublicKey(secretKey),
    bip340Sign(secretKey, unsigned.digest, parameters.auxRand),
  );
}

/**
 * The same commit through an {@link EotsKey}: one batch of public randomness, one signature. What the
 * key returns is checked (a value per height, a signature that verifies), so a misbehaving remote
 * signer fails here with `invalid_key_response` instead of on chain. Nothing is stored here.
 */
export async function buildRandomnessCommitWithKey(
  parameters: BuildRandomnessCommitWithKeyParameters,
): Promise<BuiltRandomnessCommit> {
  const { key } = parameters;
  const heights = commitHeights(parameters);
  const pubRands = await key.publicRandomness(parameters.bsnId, heights);
  checkPublicRandomness(heights, pubRands);
  const unsigned = buildUnsignedCommit(parameters, heights, pubRands);
  const signature = await key.signSchnorr(unsigned.digest);
  checkCommitSignature(key.publicKey, unsigned.digest, signature);
  return signedCommit(unsigned, key.publicKey, signature);
}
