/**
 * @module Writes a chain's settled grid heights and late votes to the vote history (D1), from the coordinator's
 * tick. Each height's voters and power table are read when it settles — the votes on chain then, not only the
 * ones that made quorum — through the same readers and KV caches the finality rule uses.
 */
import { createUpstreamReaders } from "../api/context.ts";
import type { ChainConfig } from "../chains/index.ts";
import { cachedContractConfig, createFinalitySources, type FinalityReaders } from "../finality/sources.ts";
import { lateVoteStatements, pruneStatements, settledHeightStatements } from "../history/record.ts";
import {
  dropLateVotes,
  equivocatorsAt,
  finishHeights,
  lateVotesReady,
  settleHeight,
  takeDueHeights,
} from "./history-outbox.ts";
import { addCounter } from "./ledger.ts";
import type { SqlStore } from "./sql.ts";

export type HistoryOptions = {
  /** How long after a grid height is finalized its votes are read for the record (late votes still count after). */
  settleMs: number;
  /** Heights finalized longer ago than this are deleted. */
  retentionMs: number;
};

export const DEFAULT_HISTORY_SETTLE_SECONDS = 60;
export const DEFAULT_HISTORY_RETENTION_DAYS = 400;
/** Heights recorded per tick (each costs a block_voters query; the power table is usually cached). */
const HEIGHTS_PER_TICK = 32;
const LATE_PER_TICK = 100;
const PRUNE_EVERY_MS = 60 * 60_000;

export function historyOptions(env: Env): HistoryOptions {
  const vars = env as unknown as Record<string, string | undefined>;
  const n = (name: string, fallback: number) => {
    const v = Number(vars[name]);
    return vars[name] !== undefined && vars[name] !== "" && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return {
    settleMs: n("HISTORY_SETTLE_SECONDS", DEFAULT_HISTORY_SETTLE_SECONDS) * 1000,
    retentionMs: n("HISTORY_RETENTION_DAYS", DEFAULT_HISTORY_RETENTION_DAYS) * 86_400_000,
  };
}

/** The counter of grid heights an FP missed, as recorded (each height once). */
export const missedCounterName = (fp: string) => `history.missed.${fp}`;
export const lateCounterName = (fp: string) => `history.late.${fp}`;

export function createHistoryWriter(o: {
  sql: SqlStore;
  env: Env;
  options: HistoryOptions;
  readers?: ((chain: ChainConfig) => FinalityReaders) | undefined;
}) {
  const { sql, env, options } = o;
  let lastPruneAt = 0;
  /**
   * One write at a time per object: when the running one started (0: none). A flag, so nobody awaits another
   * caller's promise; a write whose I/O was lost stops blocking after a minute.
   */
  let busySince = 0;

  async function recordDue(db: D1Database, chain: ChainConfig, now: number): Promise<void> {
    const due = takeDueHeights(sql, now, HEIGHTS_PER_TICK);
    if (due.length === 0) return;
    let written = false;
    try {
      const cache = {
        chain: chain.id,
        kv: env.FINALITY_KV,
        readers: (o.readers ?? createUpstreamReaders)(chain),
      };
      const config = await cachedContractConfig(cache);
      const sources = createFinalitySources({ ...cache, bsnId: config.bsnId });
      const settled = await Promise.all(
        due.map(async (q) => {
          const [voters, table] = await Promise.all([
            sources.votes(BigInt(q.height), q.hash),
            sources.powerAt(BigInt(q.timestamp)),
          ]);
          return settleHeight(q, voters, table, equivocatorsAt(sql, q.height));
        }),
      );
      await db.batch(settledHeightStatements(db, chain.id, settled, Math.floor(now / 1000)));
      written = true;
      sql.transaction(() => {
        for (const h of settled)
          for (const v of h.votes) if (v.vote === "missed") addCounter(sql, missedCounterName(v.fpBtcPk), 1);
      });
    } finally {
      finishHeights(
        sql,
        due.map((q) => q.height),
        written,
      );
    }
  }

  async function recordLate(db: D1Database, chain: ChainConfig): Promise<void> {
    const late = lateVotesReady(sql, LATE_PER_TICK);
    if (late.length === 0) return;
    const results = await db.batch(lateVoteStatements(db, chain.id, late));
    // Every second statement turned a `missed` row into `late` when it changed a row.
    sql.transaction(() => {
      late.forEach((v, i) => {
        if ((results[i * 2 + 1]?.meta.changes ?? 0) > 0) addCounter(sql, lateCounterName(v.fpBtcPk), 1);
      });
      dropLateVotes(sql, late);
    });
  }

  return {
    settleMs: options.settleMs,
    /** Records what is due; failures are logged and retried on a later tick (the queues keep everything). */
    async record(chain: ChainConfig, now: number): Promise<void> {
      const db = env.HISTORY_DB as D1Database | undefined;
      if (!db || (busySince !== 0 && now - busySince < 60_000)) return;
      const mine = now;
      busySince = mine;
      try {
        await recordDue(db, chain, now);
        await recordLate(db, chain);
        if (now - lastPruneAt >= PRUNE_EVERY_MS) {
          lastPruneAt = now;
          await db.batch(pruneStatements(db, chain.id, Math.floor((now - options.retentionMs) / 1000)));
        }
      } catch (error) {
        console.error(`coordinator ${chain.id}: recording vote history failed`, error);
      } finally {
        if (busySince === mine) busySince = 0;
      }
    },
  };
}
