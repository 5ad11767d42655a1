/**
 * @module Counters of the accept path (accepted, duplicates, equivocations, refusals by rule), kept where counting
 * is free: in isolate memory. A refused or accepted request costs no storage write; each isolate writes what it
 * counted as one write-once delta key at most every {@link FLUSH_EVERY_MS} (never a read-modify-write of a shared
 * key, which Workers KV would rate-limit at one write a second), and the scheduled handler folds the deltas into
 * one total. Readers add the total, the deltas not folded yet and this isolate's unflushed counts.
 *
 * Memory holds plain numbers only. An isolate that dies before flushing loses at most `FLUSH_EVERY_MS` of its
 * counts, and two cron runs folding at the same instant could count one delta twice: these are operational
 * counters, not ledger entries (the per-chain coordinator of a later issue makes them exact).
 */
import { acceptDeltaKey, acceptDeltaPrefix, acceptTotalsKey } from "./keys.ts";

export type AcceptCounts = {
  accepted: { commit: number; vote: number };
  duplicates: number;
  equivocations: number;
  /** Refusals by rule code. */
  refused: Record<string, number>;
};

export const FLUSH_EVERY_MS = 10_000;
/** Deltas folded per cron run and chain (KV lists at most 1000 keys a call). */
const FOLD_LIMIT = 1_000;

export const emptyAcceptCounts = (): AcceptCounts => ({
  accepted: { commit: 0, vote: 0 },
  duplicates: 0,
  equivocations: 0,
  refused: {},
});

/** `into += from`, field by field (unknown or malformed fields of `from` are ignored). */
export function addAcceptCounts(into: AcceptCounts, from: Partial<AcceptCounts>): AcceptCounts {
  const n = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
  into.accepted.commit += n(from.accepted?.commit);
  into.accepted.vote += n(from.accepted?.vote);
  into.duplicates += n(from.duplicates);
  into.equivocations += n(from.equivocations);
  for (const [code, count] of Object.entries(from.refused ?? {})) {
    into.refused[code] = (into.refused[code] ?? 0) + n(count);
  }
  return into;
}

/**
 * This isolate's counts not yet flushed, per KV namespace (stable for an isolate's life; separate namespaces, as
 * in tests, count apart) and chain.
 */
type Unflushed = { byChain: Map<string, AcceptCounts>; lastFlushAt: number };
const unflushedByKv = new WeakMap<object, Unflushed>();
let flushSeq = 0;

function unflushedOf(kv: KVNamespace): Unflushed {
  let state = unflushedByKv.get(kv);
  if (state === undefined) {
    state = { byChain: new Map(), lastFlushAt: 0 };
    unflushedByKv.set(kv, state);
  }
  return state;
}
/** Names this isolate's deltas; drawn lazily (Workers allow no random values at module scope). */
let isolateId: string | undefined;

/** Adds to this isolate's counts for `chain` (no I/O). */
export function countAccept(kv: KVNamespace, chain: string, change: (counts: AcceptCounts) => void): void {
  const { byChain } = unflushedOf(kv);
  let counts = byChain.get(chain);
  if (counts === undefined) {
    counts = emptyAcceptCounts();
    byChain.set(chain, counts);
  }
  change(counts);
}

/** Whether a flush is due: something to write and the last flush long enough ago. */
export function acceptCountsFlushDue(kv: KVNamespace, now = Date.now()): boolean {
  const state = unflushedOf(kv);
  return state.byChain.size > 0 && now - state.lastFlushAt >= FLUSH_EVERY_MS;
}

/**
 * Writes this isolate's unflushed counts as one new delta key per chain. Never throws: what could not be written
 * is kept for the next flush.
 */
export async function flushAcceptCounts(kv: KVNamespace, now = Date.now()): Promise<void> {
  const state = unflushedOf(kv);
  if (state.byChain.size === 0) return;
  const taken = state.byChain;
  state.byChain = new Map();
  state.lastFlushAt = now;
  isolateId ??= crypto.randomUUID();
  await Promise.all(
    [...taken].map(async ([chain, counts]) => {
      const key = acceptDeltaKey(chain, isolateId as string, `${now}-${flushSeq++}`);
      try {
        await kv.put(key, JSON.stringify(counts));
      } catch (error) {
        console.warn(`metrics: flushing ${key} failed: ${error instanceof Error ? error.message : error}`);
        countAccept(kv, chain, (c) => addAcceptCounts(c, counts));
      }
    }),
  );
}

async function readJson<T>(kv: KVNamespace, key: string): Promise<Partial<T>> {
  const text = await kv.get(key, "text");
  if (text === null) return {};
  try {
    return JSON.parse(text) as Partial<T>;
  } catch {
    return {};
  }
}

/** The folded total, and the names of the deltas it already includes (so a delete that failed never counts twice). */
type Totals = AcceptCounts & { folded?: string[] };

async function listDeltas(kv: KVNamespace, chain: string): Promise<string[]> {
  const page = await kv.list({ prefix: acceptDeltaPrefix(chain), limit: FOLD_LIMIT });
  return page.keys.map((k) => k.name);
}

/** The stored total and the deltas it does not include yet. */
async function totalsAndDeltas(kv: KVNamespace, chain: string) {
  const [stored, names] = await Promise.all([
    readJson<Totals>(kv, acceptTotalsKey(chain)),
    listDeltas(kv, chain),
  ]);
  const folded = new Set(Array.isArray(stored.folded) ? stored.folded : []);
  const fresh = names.filter((name) => !folded.has(name));
  const deltas = await Promise.all(fresh.map((key) => readJson<AcceptCounts>(kv, key)));
  return { total: addAcceptCounts(emptyAcceptCounts(), stored), names, fresh, deltas };
}

/** Everything counted for `chain`: the folded total, deltas not folded yet, and this isolate's unflushed counts. */
export async function readAcceptCounts(kv: KVNamespace, chain: string): Promise<AcceptCounts> {
  const { total, deltas } = await totalsAndDeltas(kv, chain);
  for (const delta of deltas) addAcceptCounts(total, delta);
  return addAcceptCounts(total, unflushedOf(kv).byChain.get(chain) ?? {});
}

/** Folds the chain's deltas into its total (the scheduled handler, once a run). Returns how many it folded. */
export async function foldAcceptCounts(kv: KVNamespace, chain: string): Promise<number> {
  const { total, names, fresh, deltas } = await totalsAndDeltas(kv, chain);
  if (names.length === 0) return 0;
  for (const delta of deltas) addAcceptCounts(total, delta);
  // The total names every delta it includes before any is deleted: a crash or a failed delete in between leaves
  // deltas that later reads and folds skip, so none is counted twice or lost.
  const record: Totals = { ...total, folded: names };
  await kv.put(acceptTotalsKey(chain), JSON.stringify(record));
  await Promise.all(names.map((key) => kv.delete(key)));
  return fresh.length;
}
