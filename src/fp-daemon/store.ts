/**
 * @module What the FP daemon keeps on disk (one store per FP home): the signer's proofs and double-sign records,
 * the randomness commits it made, where voting resumes, and the outbox of messages not yet settled. Synchronous
 * on purpose: the embedded database answers in microseconds, and a claim must be durable before the signature
 * leaves the process, with nothing interleaved.
 */
import type { DoubleSignGuard, ProofStore } from "../provider/index.ts";

/** The two execute bodies the daemon sends, as the contract's JSON (the inner object, snake_case, base64). */
export type MessageKind = "commit" | "vote";

/**
 * A randomness commit this FP built. `state`: `pending` until a transport accepted it, `accepted` once one did
 * (the edge answered 202/200, or the Babylon tx was included).
 */
export type CommitRecord = {
  startHeight: number;
  numPubRand: number;
  interval: number;
  /** `start + (num − 1)·interval`. */
  endHeight: number;
  /** The Merkle root, lowercase hex. */
  commitmentHex: string;
  state: "pending" | "accepted";
};

/**
 * One message waiting to settle. `key` is `commit:<start>` or `vote:<height>`; `body` is the exact inner
 * execute body, stored once and re-sent byte for byte (a retry is a duplicate to the edge, never a new message).
 * `state`: `unsent` until a transport accepted it; `accepted` (with `submissionId` for the edge) until it is
 * seen on Babylon, then it leaves the outbox.
 */
export type OutboxEntry = {
  key: string;
  kind: MessageKind;
  /** The vote's height, or the commit's start height. */
  height: number;
  body: Record<string, unknown>;
  state: "unsent" | "accepted";
  submissionId: string | null;
  /** Sends so far. */
  attempts: number;
  /** Unix ms before which it is not sent (or, once accepted, not checked) again. */
  notBefore: number;
  /** Unix ms of the first acceptance, else null. */
  acceptedAt: number | null;
};

/** A grid height the daemon decided not to vote on, and why (`no_voting_power`, `double_sign`, …). */
export type SkippedHeight = { height: number; reason: string; detail: string; at: number };

export interface FpStore {
  /** Durable proofs: `putMany` is one transaction. */
  readonly proofs: ProofStore;
  /** Durable double-sign records: `claim` is insert-if-absent, committed before it returns. */
  readonly guard: DoubleSignGuard;

  /** The next grid height to sign, or null on a fresh home. */
  getVoteCursor(): number | null;
  setVoteCursor(height: number): void;
  /** The highest height whose vote a transport accepted (never lowered), or null. */
  getHighestVoted(): number | null;
  noteVoted(height: number): void;

  saveCommit(commit: CommitRecord): void;
  markCommitAccepted(startHeight: number): void;
  /** Every recorded commit, by start height. */
  listCommits(): CommitRecord[];
  /** Forgets a commit (refused for good), so its range can be planned again. */
  removeCommit(startHeight: number): void;

  /**
   * Adds entries whose key is not in the outbox yet (others are left as they are), in one transaction, which also
   * sets the vote cursor to `advanceCursorTo` when given (one sync to disk for both).
   */
  enqueue(
    entries: ReadonlyArray<Pick<OutboxEntry, "key" | "kind" | "height" | "body">>,
    advanceCursorTo?: number,
  ): void;
  /** Entries of `state` with `notBefore ≤ now`: commits first, then by height; at most `limit`. */
  due(state: OutboxEntry["state"], now: number, limit: number): OutboxEntry[];
  /** After a transport accepted them: state `accepted`, ids recorded, `attempts` + 1, `notBefore` = `checkAt`. */
  markAccepted(
    accepted: ReadonlyArray<{ key: string; submissionId: string | null }>,
    now: number,
    checkAt: number,
  ): void;
  /** Not taken (or taken but not seen on Babylon in time): back to `unsent`, `attempts` + 1, retried from `notBefore`. */
  markRetry(keys: readonly string[], notBefore: number): void;
  /** Accepted entries not seen on Babylon yet: asked after again from `notBefore` (attempts unchanged). */
  deferCheck(keys: readonly string[], notBefore: number): void;
  /** Seen on Babylon (or refused for good): leaves the outbox. */
  settle(keys: readonly string[]): void;
  /** Counts by state. */
  outboxCounts(): { unsent: number; accepted: number };

  recordSkip(skip: SkippedHeight): void;
  /** The most recent skips, newest first. */
  recentSkips(limit: number): SkippedHeight[];

  /** Arbitrary small values (`slashed`, the key's fingerprint the home was made for, …). */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;

  /**
   * Removes what can never be needed again below `height` (exclusive): proofs of lower heights, commits that end
   * below it, skips beyond the newest 1,000. Double-sign records and outbox entries are never pruned (a record is
   * ~100 bytes per voted height; the records are what makes a second hash impossible). Returns the proof rows removed.
   */
  prune(height: number): number;
  close(): void;
}
