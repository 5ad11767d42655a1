/**
 * A {@link D1Database} subset over Node's built-in SQLite (`node:sqlite`), with the repo's `migrations/` applied,
 * so the vote history's SQL runs in Node tests on SQLite as D1 does (workerd tests use the real local D1).
 * Batches run in one transaction, as D1's `batch()` does.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";

export const MIGRATIONS_DIR = "migrations";

export function sqliteD1(path = ":memory:"): D1Database & { close(): void; failNext(error: Error): void } {
  const db = new DatabaseSync(path);
  for (const file of readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    db.exec(readFileSync(join(MIGRATIONS_DIR, file), "utf8"));
  }
  let failure: Error | undefined;
  const takeFailure = () => {
    const f = failure;
    failure = undefined;
    if (f) throw f;
  };
  const toRow = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]));

  function statement(query: string, values: unknown[] = []): D1PreparedStatement {
    const run = () => {
      const prepared = db.prepare(query);
      const params = values as SQLInputValue[];
      if (/^\s*(SELECT|WITH)/i.test(query)) {
        const rows = (prepared.all(...params) as Record<string, unknown>[]).map(toRow);
        return { results: rows, success: true, meta: { changes: 0, duration: 0 } };
      }
      const info = prepared.run(...params);
      return { results: [], success: true, meta: { changes: Number(info.changes), duration: 0 } };
    };
    return {
      bind: (...next: unknown[]) => statement(query, next),
      first: async <T>() => {
        takeFailure();
        return (run().results[0] as T | undefined) ?? null;
      },
      all: async <T>() => {
        takeFailure();
        return run() as unknown as D1Result<T>;
      },
      run: async <T>() => {
        takeFailure();
        return run() as unknown as D1Result<T>;
      },
      // The batch below runs statements through this.
      ...{ [RUN]: run },
    } as unknown as D1PreparedStatement;
  }

  return {
    prepare: (query: string) => statement(query),
    async batch<T>(statements: D1PreparedStatement[]) {
      takeFailure();
      db.exec("BEGIN");
      try {
        const results = statements.map((s) => (s as unknown as Record<symbol, () => D1Result>)[RUN]?.());
        db.exec("COMMIT");
        return results as D1Result<T>[];
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
    async exec(query: string) {
      takeFailure();
      db.exec(query);
      return { count: 1, duration: 0 };
    },
    close: () => db.close(),
    /** The next call fails with `error` (an unavailable D1). */
    failNext(error: Error) {
      failure = error;
    },
  } as unknown as D1Database & { close(): void; failNext(error: Error): void };
}

const RUN = Symbol("run");
