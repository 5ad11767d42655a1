/** @module The double-sign guard: at most one block hash per (key, BSN id, height), ever. */

/** What identifies one vote slot; eotsd keys its records the same way. */
export type DoubleSignKey = { publicKeyHex: string; bsnId: string; height: bigint };

/** The one vote a slot may hold. */
export type SignedVote = { blockHash: Uint8Array; signature: Uint8Array };

/**
 * Where votes are remembered. A persistent implementation must make {@link claim} atomic
 * (insert-if-absent) and durable before the signature leaves the signer.
 */
export interface DoubleSignGuard {
  /** The vote recorded for `key`, if any. */
  get(key: DoubleSignKey): Promise<SignedVote | undefined>;
  /** Records `vote` unless the slot is taken; returns whatever the slot holds afterwards. */
  claim(key: DoubleSignKey, vote: SignedVote): Promise<SignedVote>;
}

const slot = (key: DoubleSignKey) => JSON.stringify([key.publicKeyHex, key.bsnId, key.height.toString()]);
const copy = (vote: SignedVote): SignedVote => ({
  blockHash: Uint8Array.from(vote.blockHash),
  signature: Uint8Array.from(vote.signature),
});

/** In-memory guard (one process, lost on restart): enough for tests and a single-instance signer. */
export function createMemoryDoubleSignGuard(): DoubleSignGuard {
  const votes = new Map<string, SignedVote>();
  return {
    async get(key) {
      const vote = votes.get(slot(key));
      return vote && copy(vote);
    },
    async claim(key, vote) {
      const id = slot(key);
      const existing = votes.get(id);
      if (existing) return copy(existing);
      votes.set(id, copy(vote));
      return copy(vote);
    },
  };
}
