/**
 * @module The votes the edge accepted, per FP and height, and the equivocation evidence it keeps. The chain
 * can only be asked "who voted for this hash"; this log is how the edge sees an FP's vote for another hash.
 * KV has no compare-and-swap: two conflicting votes accepted at the same instant may both miss each other
 * here; the contract still detects that equivocation on-chain.
 */
import { bytesToHex, hexToBytes } from "../crypto/index.ts";
import { evidenceKey, RECORD_TTL_SECONDS, voteLogKey } from "./keys.ts";
import type { EquivocationProof, RecordedVote } from "./types.ts";

type StoredVote = { blockHash: string; signature: string };

async function readVotes(kv: KVNamespace, key: string): Promise<StoredVote[]> {
  const text = await kv.get(key, "text");
  if (text === null) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as StoredVote[]) : [];
  } catch {
    return [];
  }
}

export async function getLoggedVotes(
  kv: KVNamespace,
  chain: string,
  fpHex: string,
  height: bigint,
): Promise<RecordedVote[]> {
  const stored = await readVotes(kv, voteLogKey(chain, fpHex, height));
  return stored.map((v) => ({ blockHash: hexToBytes(v.blockHash), signature: hexToBytes(v.signature) }));
}

/** Adds a vote to the FP's log at `height` (no-op when it is already there). */
export async function logVote(
  kv: KVNamespace,
  chain: string,
  fpHex: string,
  height: bigint,
  vote: RecordedVote,
): Promise<void> {
  const key = voteLogKey(chain, fpHex, height);
  const stored = await readVotes(kv, key);
  const entry = { blockHash: bytesToHex(vote.blockHash), signature: bytesToHex(vote.signature) };
  if (stored.some((v) => v.blockHash === entry.blockHash && v.signature === entry.signature)) return;
  await kv.put(key, JSON.stringify([...stored, entry]), { expirationTtl: RECORD_TTL_SECONDS });
}

/** The proof (both votes, the randomness, whether the extracted key is the FP's) and where it came from. */
export type EquivocationEvidence = EquivocationProof & {
  fpBtcPkHex: string;
  height: string;
  submissionId: string;
  recordedAt: number;
};

/** Kept for good: it is what slashes the FP. */
export async function putEvidence(kv: KVNamespace, chain: string, evidence: EquivocationEvidence) {
  await kv.put(evidenceKey(chain, evidence.fpBtcPkHex, evidence.height), JSON.stringify(evidence));
}

export async function getEvidence(
  kv: KVNamespace,
  chain: string,
  fpHex: string,
  height: bigint | string,
): Promise<EquivocationEvidence | null> {
  const text = await kv.get(evidenceKey(chain, fpHex, height), "text");
  return text === null ? null : (JSON.parse(text) as EquivocationEvidence);
}
