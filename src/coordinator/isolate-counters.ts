/**
 * @module Counts kept where counting is free: in isolate memory. Refusals by rule (a refused request, junk
 * included, costs no storage write and no coordinator call) and upstream read latencies are added here; each
 * isolate hands what it counted to the chain's coordinator at most every {@link FLUSH_EVERY_MS}, after a request.
 * Memory holds plain numbers only; an isolate that dies before flushing loses at most that long of these counts
 * (accepted messages are counted exactly, by the coordinator, when it accepts them).
 */
import { refusedCounterName } from "../submission/metrics.ts";

export const FLUSH_EVERY_MS = 10_000;

/** Prefixes of the counters an isolate may hand over (the coordinator refuses any other name). */
export const ISOLATE_COUNTER_PREFIXES = ["refused.", "upstream."] as const;

type Unflushed = { byChain: Map<string, Record<string, number>>; lastFlushAt: number };
const unflushed: Unflushed = { byChain: new Map(), lastFlushAt: 0 };

/** Adds `by` to counter `name` of `chain` (no I/O). */
export function countInIsolate(chain: string, name: string, by = 1): void {
  const counts = unflushed.byChain.get(chain) ?? {};
  counts[name] = (counts[name] ?? 0) + by;
  unflushed.byChain.set(chain, counts);
}

/** Counts one refusal of `code` on `chain`. */
export function countRefusal(chain: string, code: string): void {
  countInIsolate(chain, refusedCounterName(code));
}

/** This isolate's counters not handed over yet, for `chain` (readers add them to the coordinator's). */
export function unflushedCounters(chain: string): Record<string, number> {
  return { ...(unflushed.byChain.get(chain) ?? {}) };
}

/** This isolate's refusals not handed over yet, by rule code. */
export function unflushedRefusals(chain: string): Record<string, number> {
  const prefix = refusedCounterName("");
  return Object.fromEntries(
    Object.entries(unflushedCounters(chain)).flatMap(([name, n]) =>
      name.startsWith(prefix) ? [[name.slice(prefix.length), n]] : [],
    ),
  );
}

export function countersFlushDue(now = Date.now()): boolean {
  return unflushed.byChain.size > 0 && now - unflushed.lastFlushAt >= FLUSH_EVERY_MS;
}

/** Hands every chain's counters to `send`; what could not be sent is kept for the next flush. Never throws. */
export async function flushCounters(
  send: (chain: string, counts: Record<string, number>) => Promise<void>,
  now = Date.now(),
): Promise<void> {
  const taken = unflushed.byChain;
  unflushed.byChain = new Map();
  unflushed.lastFlushAt = now;
  await Promise.all(
    [...taken].map(async ([chain, counts]) => {
      try {
        await send(chain, counts);
      } catch (error) {
        console.warn(
          `metrics: handing counters of ${chain} over failed: ${error instanceof Error ? error.message : error}`,
        );
        for (const [name, n] of Object.entries(counts)) countInIsolate(chain, name, n);
      }
    }),
  );
}
