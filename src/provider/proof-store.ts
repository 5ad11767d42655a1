/** @module Where the signer keeps the inclusion proof of every committed height until it votes there. */
import type { MerkleProof } from "../crypto/index.ts";

/** Whose proofs: randomness depends on the key and the BSN id. */
export type ProofScope = { publicKeyHex: string; bsnId: string };

/** The commit a proof belongs to. */
export type BuiltCommit = {
  startHeight: bigint;
  numPubRand: bigint;
  interval: bigint;
  commitment: Uint8Array;
};

/** One committed height: its proof and the commit it proves membership in. */
export type StoredProof = { height: bigint; commit: BuiltCommit; proof: MerkleProof };

/**
 * Proof storage. Like the Go provider's, a later commit over the same height overwrites the
 * earlier proof; deterministic randomness makes a retried identical commit harmless.
 */
export interface ProofStore {
  putMany(scope: ProofScope, proofs: readonly StoredProof[]): Promise<void>;
  get(scope: ProofScope, height: bigint): Promise<StoredProof | undefined>;
}

const slot = (scope: ProofScope, height: bigint) =>
  JSON.stringify([scope.publicKeyHex, scope.bsnId, height.toString()]);

/** In-memory proof store. */
export function createMemoryProofStore(): ProofStore {
  const proofs = new Map<string, StoredProof>();
  return {
    async putMany(scope, entries) {
      for (const entry of entries) proofs.set(slot(scope, entry.height), entry);
    },
    async get(scope, height) {
      return proofs.get(slot(scope, height));
    },
  };
}
