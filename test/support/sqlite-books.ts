/**
 * The coordinator's submission state (src/coordinator/ledger.ts, the SQL its Durable Object runs) over Node's
 * SQLite, exposed as the books the accept path and the queue consumer write through — the same code as in
 * workerd, minus the RPC hop.
 */
import {
  addCounter,
  applyUpdates,
  commitAccept,
  counters,
  getEvidenceJson,
  getRecord,
  LEDGER_SCHEMA,
  loggedVotes,
  markUnsent,
  snapshot,
} from "../../src/coordinator/ledger.ts";
import type { SubmissionBook } from "../../src/submission/accept.ts";
import type { ConsumerBook } from "../../src/submission/consume.ts";
import { relayCounterName } from "../../src/submission/metrics.ts";
import { sqliteStore } from "./sqlite-store.ts";

export function sqliteBooks(path?: string) {
  const sql = sqliteStore(path);
  sql.exec(LEDGER_SCHEMA);
  const book: SubmissionBook = {
    snapshot: async (request) => snapshot(sql, request),
    accept: async (plan) => commitAccept(sql, plan),
    unsent: async (ids) => markUnsent(sql, ids),
  };
  const consumer: ConsumerBook = {
    async records(ids) {
      const out: Record<string, NonNullable<ReturnType<typeof getRecord>>> = {};
      for (const id of ids) {
        const record = getRecord(sql, id);
        if (record) out[id] = record;
      }
      return out;
    },
    async apply(updates, relay) {
      sql.transaction(() => {
        applyUpdates(sql, updates, Date.now());
        for (const [name, by] of Object.entries(relay)) addCounter(sql, relayCounterName(name), by ?? 0);
      });
    },
  };
  return {
    sql,
    book,
    consumer,
    counters: () => counters(sql),
    record: (id: string) => getRecord(sql, id),
    evidence: (fp: string, height: number) => getEvidenceJson(sql, fp, height),
    votes: (fp: string, height: number) => loggedVotes(sql, fp, height),
    outbox: () =>
      sql
        .exec<{ id: string }>("SELECT id FROM outbox ORDER BY id")
        .toArray()
        .map((r) => r.id),
    rows: (table: string) => sql.exec(`SELECT * FROM ${table}`).toArray(),
  };
}
