/**
 * @module Refusals by rule, counted where counting is free: in isolate memory. A refused request (junk included)
 * costs no storage write and no coordinator call; each isolate hands what it counted to the chain's coordinator
 * at most every {@link FLUSH_EVERY_MS}, after a submission request. Memory holds plain numbers only; an isolate
 * that dies before flushing loses at most that long of its refusal counts (accepted messages are counted exactly,
 * by the coordinator, when it accepts them).
 */

export const FLUSH_EVERY_MS = 10_000;

type Unflushed = { byChain: Map<string, Record<string, number>>; lastFlushAt: number };
const unflushed: Unflushed = { byChain: new Map(), lastFlushAt: 0 };

/** Counts one refusal of `code` on `chain` (no I/O). */
export function countRefusal(chain: string, code: string): void {
  const counts = unflushed.byChain.get(chain) ?? {};
  counts[code] = (counts[code] ?? 0) + 1;
  unflushed.byChain.set(chain, counts);
}

/** This isolate's refusals not handed over yet, for `chain` (readers add them to the coordinator's). */
export function unflushedRefusals(chain: string): Record<string, number> {
  return { ...(unflushed.byChain.get(chain) ?? {}) };
}

export function refusalsFlushDue(now = Date.now()): boolean {
  return unflushed.byChain.size > 0 && now - unflushed.lastFlushAt >= FLUSH_EVERY_MS;
}

/**
 * Hands every chain's refusals to `send`; what could not be sent is kept for the next flush. Never throws.
 */
export async function flushRefusals(
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
          `metrics: handing refusals of ${chain} over failed: ${error instanceof Error ? error.message : error}`,
        );
        for (const [code, n] of Object.entries(counts)) {
          for (let i = 0; i < n; i++) countRefusal(chain, code);
        }
      }
    }),
  );
}
