/**
 * @module Public-randomness commitments (Map `pub_rand_commits`, key `(fp_pk, start_height)`) and
 * the lookups over them: first/last, the commit covering a height, and the paged list.
 *
 * The contract finds "the highest start ≤ h" with a bounded reverse range read; the emulator's store
 * can only return whole prefixes (and a metered store charges for every entry), which would make a
 * vote's gas grow with the FP's history. So the emulator keeps a small index beside the map:
 * `pub_rand_commit_buckets/<pk>` lists the FP's non-empty buckets (4096 heights each, the first 13
 * hex digits of the start key) and `pub_rand_commit_starts/<pk>/<bucket>` the starts in a bucket.
 * A lookup is then two small reads and one point read.
 */
import { type CommitRecord, commitCoversHeight } from "../../../../../src/contract-rules/index.ts";
import { bytesToHex } from "../../../../../src/crypto/index.ts";
import type { ContractJson } from "../json.ts";
import {
  bytesFromJson,
  bytesToJson,
  type ContractStorage,
  jsonU64,
  loadU64,
  type StoredU64,
  storeU64,
  u64Key,
} from "../storage.ts";

export type PubRandCommit = {
  startHeight: bigint;
  numPubRand: bigint;
  /** The contract's `finality_signature_interval` when the commit was made. */
  interval: bigint;
  /** The Babylon epoch current at commit time. */
  babylonEpoch: bigint;
  commitment: Uint8Array;
};

type StoredCommit = {
  start_height: StoredU64;
  num_pub_rand: StoredU64;
  interval: StoredU64;
  babylon_epoch: StoredU64;
  commitment: number[];
};

const U64_MAX = (1n << 64n) - 1n;
const commitsPrefix = (fpHex: string) => `pub_rand_commits/${fpHex}/`;
const bucketsKey = (fpHex: string) => `pub_rand_commit_buckets/${fpHex}`;
const startsKey = (fpHex: string, bucket: string) => `pub_rand_commit_starts/${fpHex}/${bucket}`;
const bucketOf = (start: bigint): string => u64Key(start).slice(0, 13);

const fromStored = (stored: StoredCommit): PubRandCommit => ({
  startHeight: loadU64(stored.start_height),
  numPubRand: loadU64(stored.num_pub_rand),
  interval: loadU64(stored.interval),
  babylonEpoch: loadU64(stored.babylon_epoch),
  commitment: bytesFromJson(stored.commitment),
});

function loadCommit(storage: ContractStorage, fpHex: string, start: bigint): PubRandCommit {
  const stored = storage.get<StoredCommit>(commitsPrefix(fpHex) + u64Key(start));
  if (stored === undefined) throw new Error(`commit index points at a missing commit (${fpHex}, ${start})`);
  return fromStored(stored);
}

const loadStarts = (storage: ContractStorage, fpHex: string, bucket: string): bigint[] =>
  (storage.get<StoredU64[]>(startsKey(fpHex, bucket)) ?? []).map(loadU64);

/** Inserts `value` into a sorted list if absent. */
function sortedInsert<T>(list: T[], value: T, less: (a: T, b: T) => boolean): boolean {
  let i = list.length;
  while (i > 0 && less(value, list[i - 1] as T)) i--;
  if (i > 0 && !less(list[i - 1] as T, value)) return false;
  list.splice(i, 0, value);
  return true;
}

export function savePubRandCommit(
  storage: ContractStorage,
  fpPubkey: Uint8Array,
  commit: PubRandCommit,
): void {
  const fpHex = bytesToHex(fpPubkey);
  const stored: StoredCommit = {
    start_height: storeU64(commit.startHeight),
    num_pub_rand: storeU64(commit.numPubRand),
    interval: storeU64(commit.interval),
    babylon_epoch: storeU64(commit.babylonEpoch),
    commitment: bytesToJson(commit.commitment),
  };
  storage.set(commitsPrefix(fpHex) + u64Key(commit.startHeight), stored);

  const bucket = bucketOf(commit.startHeight);
  const starts = loadStarts(storage, fpHex, bucket);
  if (sortedInsert(starts, commit.startHeight, (a, b) => a < b)) {
    storage.set(startsKey(fpHex, bucket), starts.map(storeU64));
  }
  const buckets = storage.get<string[]>(bucketsKey(fpHex)) ?? [];
  if (sortedInsert(buckets, bucket, (a, b) => a < b)) storage.set(bucketsKey(fpHex), buckets);
}

/** The FP's commit with the highest start ≤ `bound`. */
function highestCommitAtOrBelow(
  storage: ContractStorage,
  fpHex: string,
  bound: bigint,
): PubRandCommit | undefined {
  const buckets = storage.get<string[]>(bucketsKey(fpHex)) ?? [];
  const limit = bucketOf(bound);
  for (let i = buckets.length - 1; i >= 0; i--) {
    const bucket = buckets[i] as string;
    if (bucket > limit) continue;
    const starts = loadStarts(storage, fpHex, bucket);
    for (let j = starts.length - 1; j >= 0; j--) {
      const start = starts[j] as bigint;
      if (start <= bound) return loadCommit(storage, fpHex, start);
    }
  }
  return undefined;
}

export function firstPubRandCommit(
  storage: ContractStorage,
  fpPubkey: Uint8Array,
): PubRandCommit | undefined {
  const fpHex = bytesToHex(fpPubkey);
  const first = (storage.get<string[]>(bucketsKey(fpHex)) ?? [])[0];
  const start = first === undefined ? undefined : loadStarts(storage, fpHex, first)[0];
  return start === undefined ? undefined : loadCommit(storage, fpHex, start);
}

export const lastPubRandCommit = (
  storage: ContractStorage,
  fpPubkey: Uint8Array,
): PubRandCommit | undefined => highestCommitAtOrBelow(storage, bytesToHex(fpPubkey), U64_MAX);

/** The rule checks' view of a commit. */
export const commitRecord = (commit: PubRandCommit): CommitRecord => ({
  start_height: commit.startHeight,
  num_pub_rand: commit.numPubRand,
  interval: commit.interval,
  commitment: commit.commitment,
});

/**
 * `get_pub_rand_commit_for_height`: the commit whose sparse set `start + i·interval` (i < num)
 * contains the height. The contract scans down from the highest start ≤ height; since each commit
 * must start past the previous one's end, only that highest one can contain it.
 */
export function pubRandCommitForHeight(
  storage: ContractStorage,
  fpPubkey: Uint8Array,
  height: bigint,
): PubRandCommit | undefined {
  const commit = highestCommitAtOrBelow(storage, bytesToHex(fpPubkey), height);
  return commit !== undefined && commitCoversHeight(commitRecord(commit), height) ? commit : undefined;
}

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 30;

/** `list_pub_rand_commit`: `start_after` is exclusive (an upper bound with `reverse`); limit 10, at most 30. */
export function listPubRandCommits(
  storage: ContractStorage,
  fpPubkey: Uint8Array,
  startAfter: bigint | null,
  limit: number | null,
  reverse: boolean | null,
): PubRandCommit[] {
  const take = Math.min(limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const descending = reverse ?? false;
  const out: PubRandCommit[] = [];
  if (take === 0) return out;
  for (const [, value] of storage.range(commitsPrefix(bytesToHex(fpPubkey)), { reverse: descending })) {
    const commit = fromStored(value as StoredCommit);
    const excluded =
      startAfter !== null &&
      (descending ? commit.startHeight >= startAfter : commit.startHeight <= startAfter);
    if (excluded) continue;
    out.push(commit);
    if (out.length === take) break;
  }
  return out;
}

/** `PubRandCommit` as the queries answer it (fields in the Rust struct's order, bytes as integers). */
export const pubRandCommitJson = (commit: PubRandCommit): ContractJson => ({
  start_height: jsonU64(commit.startHeight),
  num_pub_rand: jsonU64(commit.numPubRand),
  interval: jsonU64(commit.interval),
  babylon_epoch: jsonU64(commit.babylonEpoch),
  commitment: bytesToJson(commit.commitment),
});
