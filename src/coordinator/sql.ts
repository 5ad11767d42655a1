/**
 * @module The storage the coordinator's state is written against: the subset of a Durable Object's SQLite API
 * (`ctx.storage.sql`, `ctx.storage.transactionSync`) that it uses. The Durable Object passes its own; Node tests
 * pass the same SQLite through `node:sqlite` (test/support/sqlite-store.ts), so one set of SQL runs in both.
 */

export type SqlValue = string | number | null | ArrayBuffer;
export type SqlRow = Record<string, SqlValue>;

export interface SqlStore {
  /** Runs one statement (or, without bindings, several separated by `;`) and returns its rows. */
  exec<T extends SqlRow = SqlRow>(query: string, ...bindings: SqlValue[]): { toArray(): T[] };
  /** Runs `fn` atomically: every write in it lands, or none does (a throw rolls back). */
  transaction<T>(fn: () => T): T;
}

/** The first row of a query, or `undefined`. */
export function firstRow<T extends SqlRow>(
  sql: SqlStore,
  query: string,
  ...bindings: SqlValue[]
): T | undefined {
  return sql.exec<T>(query, ...bindings).toArray()[0];
}
