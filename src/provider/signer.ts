/**
 * @module The finality-provider signer: commits sparse public randomness and signs finality votes
 * for one key on one BSN, refusing anything the contract would reject and any second block hash
 * at a height it already signed.
 */
import {
  bytesToHex,
  equalBytes,
  hexToBytes,
  signingContext,
  toUint64,
  verifyMerkleProof,
  voteMessage,
} from "../crypto/index.ts";
import { buildRandomnessCommitWithKey } from "./build-commit.ts";
import {
  createMemoryDoubleSignGuard,
  type DoubleSignGuard,
  type DoubleSignKey,
} from "./double-sign-guard.ts";
import {
  checkPublicRandomness,
  checkVoteSignature,
  createLocalEotsKey,
  type EotsKey,
  type LocalEotsKeyOptions,
} from "./eots-key.ts";
import { DoubleSignError, ProviderError } from "./errors.ts";
import {
  type CommitPublicRandomnessExecuteMsg,
  type SubmitFinalitySignatureExecuteMsg,
  submitFinalitySignatureMsg,
} from "./messages.ts";
import { type BuiltCommit, createMemoryProofStore, type ProofScope, type ProofStore } from "./proof-store.ts";

type U64 = number | bigint;

/**
 * Give exactly one of `secretKey` (wrapped in {@link createLocalEotsKey}, with `randomness` and
 * `auxRand` as its options) or `key` (any {@link EotsKey}, e.g. a remote eotsd; it owns its own
 * randomness, so `randomness` and `auxRand` are refused with it).
 */
export type FinalityProviderSignerOptions = LocalEotsKeyOptions & {
  /** The EOTS/BTC secret key, 32 bytes. */
  secretKey?: Uint8Array;
  /** The key that signs, instead of `secretKey`. */
  key?: EotsKey;
  /** The rollup BSN id the provider registered with: keys the randomness (not the Babylon chain id). */
  bsnId: string;
  /** The Babylon Genesis chain id: part of both signing contexts. */
  babylonChainId: string;
  /** The finality contract's bech32 address: part of both signing contexts. */
  contractAddress: string;
  /** The contract's `bsn_activation_height`. */
  bsnActivationHeight: U64;
  /** The contract's `finality_signature_interval` (≥ 1). */
  finalitySignatureInterval: U64;
  /** Sign with the empty context, for deployments that predate signing contexts. */
  emptySigningContext?: boolean;
  proofStore?: ProofStore;
  doubleSignGuard?: DoubleSignGuard;
};

export type CommitPublicRandomnessParameters = { startHeight: U64; numPubRand: U64 };

/** The message to send and the commit as the contract will store it (feed it to the contract rules). */
export type CommitPublicRandomnessResult = {
  msg: CommitPublicRandomnessExecuteMsg;
  commit: { start_height: number; num_pub_rand: number; interval: number; commitment: Uint8Array };
};

export type SubmitFinalitySignatureParameters = {
  height: U64;
  /** The rollup block hash, as bytes or `0x`-prefixed hex. */
  blockHash: Uint8Array | `0x${string}`;
  l1BlockNumber?: U64;
  l1BlockHashHex?: string;
};

export type FinalityProviderSigner = {
  readonly publicKey: Uint8Array;
  /** Lowercase 64-hex x-only key, as sent in `fp_pubkey_hex`. */
  readonly publicKeyHex: string;
  readonly bsnId: string;
  /** Builds and signs a commit over `start + i·interval` (i < num) and stores its proofs. */
  commitPublicRandomness(parameters: CommitPublicRandomnessParameters): Promise<CommitPublicRandomnessResult>;
  /** Signs one vote; the same (height, hash) again returns the same message, a different hash throws. */
  submitFinalitySignature(
    parameters: SubmitFinalitySignatureParameters,
  ): Promise<SubmitFinalitySignatureExecuteMsg>;
};

function toBlockHash(blockHash: Uint8Array | `0x${string}`): Uint8Array {
  if (typeof blockHash !== "string") return Uint8Array.from(blockHash);
  if (!blockHash.startsWith("0x")) {
    throw new ProviderError("invalid_block_hash", "blockHash must be bytes or 0x-prefixed hex", {
      field: "blockHash",
    });
  }
  return hexToBytes(blockHash.slice(2), "blockHash");
}

/** The key the options name: a given {@link EotsKey}, or a local one over `secretKey`. */
function signerKey(options: FinalityProviderSignerOptions): EotsKey {
  const { key, secretKey } = options;
  if ((key === undefined) === (secretKey === undefined)) {
    throw new ProviderError("invalid_signer_options", "Give exactly one of secretKey or key", {
      field: key === undefined ? "secretKey" : "key",
    });
  }
  if (secretKey !== undefined) {
    return createLocalEotsKey(secretKey, { randomness: options.randomness, auxRand: options.auxRand });
  }
  if (options.randomness !== undefined || options.auxRand !== undefined) {
    throw new ProviderError("invalid_signer_options", "randomness and auxRand apply only with secretKey", {
      field: options.randomness === undefined ? "auxRand" : "randomness",
    });
  }
  if (!(key?.publicKey instanceof Uint8Array) || key.publicKey.length !== 32) {
    throw new ProviderError("invalid_signer_options", "key.publicKey must be a 32-byte x-only key", {
      field: "key",
    });
  }
  return key;
}

/**
 * Runs one task per height at a time. A second block hash at a height then waits for the first
 * vote's claim and meets the recorded slot, so the key is never asked for the second signature.
 */
function createHeightQueue(): <T>(height: bigint, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<bigint, Promise<unknown>>();
  return (height, task) => {
    const result = (tails.get(height) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    tails.set(height, tail);
    void tail.then(() => {
      if (tails.get(height) === tail) tails.delete(height);
    });
    return result;
  };
}

/** Creates a signer for one key on one BSN behind one contract. */
export function createFinalityProviderSigner(options: FinalityProviderSignerOptions): FinalityProviderSigner {
  const key = signerKey(options);
  const checksVotes = options.randomness === undefined;
  const publicKey = Uint8Array.from(key.publicKey);
  const publicKeyHex = bytesToHex(publicKey);
  const { bsnId } = options;
  const activation = toUint64(options.bsnActivationHeight, "bsnActivationHeight");
  const interval = toUint64(options.finalitySignatureInterval, "finalitySignatureInterval");
  if (interval < 1n) {
    throw new ProviderError("invalid_commit_range", "finalitySignatureInterval must be at least 1", {
      field: "finalitySignatureInterval",
    });
  }
  const contexts = options.emptySigningContext
    ? { commit: "", vote: "" }
    : {
        commit: signingContext("fp_rand_commit", options.babylonChainId, options.contractAddress),
        vote: signingContext("fp_fin_vote", options.babylonChainId, options.contractAddress),
      };
  const proofStore = options.proofStore ?? createMemoryProofStore();
  const guard = options.doubleSignGuard ?? createMemoryDoubleSignGuard();
  const scope: ProofScope = { publicKeyHex, bsnId };
  const oneVotePerHeight = createHeightQueue();

  /** Refuses heights the contract would never accept a vote for. */
  function assertScheduled(height: bigint, field: string): void {
    if (height < activation) {
      throw new ProviderError(
        "height_before_activation",
        `Height ${height} is below the BSN activation height ${activation}`,
        { field },
      );
    }
    if ((height - activation) % interval !== 0n) {
      throw new ProviderError(
        "height_not_scheduled",
        `Height ${height} is not a scheduled voting height (activation ${activation}, interval ${interval})`,
        { field },
      );
    }
  }

  /** The guard is consulted before the key is: a taken slot never reaches `signEots`. */
  async function vote(
    height: bigint,
    blockHash: Uint8Array,
    parameters: SubmitFinalitySignatureParameters,
    l1BlockNumber: bigint | undefined,
  ): Promise<SubmitFinalitySignatureExecuteMsg> {
    const slot: DoubleSignKey = { publicKeyHex, bsnId, height };
    const recorded = await guard.get(slot);
    if (recorded && !equalBytes(recorded.blockHash, blockHash)) {
      throw new DoubleSignError(height, bytesToHex(recorded.blockHash), bytesToHex(blockHash));
    }

    const stored = await proofStore.get(scope, height);
    if (stored === undefined) {
      throw new ProviderError(
        "height_not_committed",
        `No public randomness was committed for height ${height}`,
        {
          field: "height",
        },
      );
    }
    const pubRands = await key.publicRandomness(bsnId, [height]);
    checkPublicRandomness([height], pubRands);
    const pubRand = pubRands[0] as Uint8Array;
    assertProofMatches(stored.commit, stored.proof, pubRand, height);

    let signature = recorded?.signature;
    if (signature === undefined) {
      const message = voteMessage(contexts.vote, height, blockHash);
      const fresh = await key.signEots(bsnId, height, message);
      // A caller-supplied `randomness` may be deliberately invalid (tests of the contract's EOTS refusals).
      if (checksVotes) checkVoteSignature(publicKey, pubRand, message, fresh, height);
      // The claim is the atomic step: if another signer sharing the guard won the slot with another
      // hash, drop ours unsent.
      const winner = await guard.claim(slot, { blockHash, signature: fresh });
      if (!equalBytes(winner.blockHash, blockHash)) {
        throw new DoubleSignError(height, bytesToHex(winner.blockHash), bytesToHex(blockHash));
      }
      signature = winner.signature;
    }
    return submitFinalitySignatureMsg({
      publicKeyHex,
      height,
      pubRand,
      proof: stored.proof,
      blockHash,
      signature,
      l1BlockNumber,
      l1BlockHashHex: parameters.l1BlockHashHex,
    });
  }

  return {
    publicKey: Uint8Array.from(publicKey),
    publicKeyHex,
    bsnId,

    async commitPublicRandomness(parameters) {
      const startHeight = toUint64(parameters.startHeight, "startHeight");
      const numPubRand = toUint64(parameters.numPubRand, "numPubRand");
      // The contract accepts a misaligned start, but then no scheduled height is in the commit.
      assertScheduled(startHeight, "startHeight");
      const built = await buildRandomnessCommitWithKey({
        key,
        bsnId,
        context: contexts.commit,
        startHeight,
        numPubRand,
        interval,
      });
      await proofStore.putMany(scope, built.proofs);
      const { commit } = built;
      return {
        msg: built.msg,
        commit: {
          start_height: Number(commit.startHeight),
          num_pub_rand: Number(commit.numPubRand),
          interval: Number(commit.interval),
          commitment: Uint8Array.from(commit.commitment),
        },
      };
    },

    async submitFinalitySignature(parameters) {
      const height = toUint64(parameters.height, "height");
      const blockHash = toBlockHash(parameters.blockHash);
      const l1BlockNumber =
        parameters.l1BlockNumber === undefined
          ? undefined
          : toUint64(parameters.l1BlockNumber, "l1BlockNumber");
      assertScheduled(height, "height");
      return oneVotePerHeight(height, () => vote(height, blockHash, parameters, l1BlockNumber));
    },
  };
}

/** A stored proof that does not prove this key's randomness would only earn a Merkle error on chain. */
function assertProofMatches(
  commit: BuiltCommit,
  proof: Parameters<typeof verifyMerkleProof>[0],
  pubRand: Uint8Array,
  height: bigint,
): void {
  if (!verifyMerkleProof(proof, commit.commitment, pubRand)) {
    throw new ProviderError(
      "randomness_mismatch",
      `The stored proof for height ${height} does not match this key's randomness`,
      { field: "height" },
    );
  }
}
