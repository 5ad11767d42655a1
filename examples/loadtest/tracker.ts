/**
 * @module Every transaction of the load and where it stands: signed and sent → included (the L2 node) →
 * BTC-finalized (the edge), or failed with a reason. Each moves forward only, and a settled one (finalized or
 * failed) never changes again, so late events (a receipt after a timeout) cannot double-count.
 */
import type { Hash } from "viem";

export type TxRecord = {
  hash: Hash;
  /** performance.now() when it was signed (just before it was sent). */
  sentAt: number;
  /** Failed as a timeout when not finalized by then. */
  deadline: number;
  includedAt?: number;
  block?: { number: number; hash: string };
  finalizedAt?: number;
  failure?: string;
};

export const isSettled = (r: TxRecord) => r.finalizedAt !== undefined || r.failure !== undefined;

export type Counts = { sent: number; included: number; finalized: number; failed: number; inFlight: number };

export function createTracker() {
  const byHash = new Map<string, TxRecord>();
  const byHeight = new Map<number, TxRecord[]>();
  const counts: Counts = { sent: 0, included: 0, finalized: 0, failed: 0, inFlight: 0 };
  const failures = new Map<string, number>();

  return {
    track(hash: Hash, sentAt: number, deadline: number): TxRecord {
      const record: TxRecord = { hash, sentAt, deadline };
      byHash.set(hash.toLowerCase(), record);
      counts.sent++;
      counts.inFlight++;
      return record;
    },
    /** Records inclusion (first sighting only); returns the record when it is one of ours and newly included. */
    included(hash: string, block: { number: number; hash: string }, at: number): TxRecord | undefined {
      const record = byHash.get(hash.toLowerCase());
      if (!record || record.includedAt !== undefined || isSettled(record)) return undefined;
      record.includedAt = at;
      record.block = block;
      counts.included++;
      byHeight.set(block.number, [...(byHeight.get(block.number) ?? []), record]);
      return record;
    },
    /** Unsettled transactions included at this height. */
    at(height: number): TxRecord[] {
      return (byHeight.get(height) ?? []).filter((r) => !isSettled(r));
    },
    finalized(record: TxRecord, at: number): void {
      if (isSettled(record)) return;
      record.finalizedAt = at;
      counts.finalized++;
      counts.inFlight--;
    },
    fail(record: TxRecord, reason: string): void {
      if (isSettled(record)) return;
      record.failure = reason;
      counts.failed++;
      counts.inFlight--;
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
    },
    /** Fails every unsettled transaction past its deadline (or all of them, with `all`). */
    expire(now: number, all = false): void {
      for (const record of byHash.values()) {
        if (isSettled(record) || (!all && now < record.deadline)) continue;
        this.fail(
          record,
          record.includedAt === undefined ? "timeout: not included" : "timeout: included, not BTC-finalized",
        );
      }
    },
    counts: (): Counts => ({ ...counts }),
    failures: (): Record<string, number> => Object.fromEntries(failures),
    records: (): TxRecord[] => [...byHash.values()],
  };
}

export type Tracker = ReturnType<typeof createTracker>;
