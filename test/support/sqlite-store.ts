/**
 * A {@link SqlStore} over Node's built-in SQLite (`node:sqlite`), so the coordinator's SQL runs in Node tests on
 * the same engine a Durable Object uses. In memory unless a path is given (restart tests reopen a file).
 */
import { DatabaseSync } from "node:sqlite";
import type { SqlRow, SqlStore, SqlValue } from "../../src/coordinator/sql.ts";

export function sqliteStore(path = ":memory:"): SqlStore & { close(): void } {
  const db = new DatabaseSync(path);
  let depth = 0;
  const toNode = (v: SqlValue) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);
  const fromNode = (row: Record<string, unknown>): SqlRow => {
    const out: SqlRow = {};
    for (const [k, v] of Object.entries(row)) {
      out[k] =
        v instanceof Uint8Array
          ? (v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer)
          : typeof v === "bigint"
            ? Number(v)
            : (v as SqlValue);
    }
    return out;
  };
  return {
    exec<T extends SqlRow = SqlRow>(query: string, ...bindings: SqlValue[]) {
      if (bindings.length === 0 && query.includes(";")) {
        db.exec(query);
        return { toArray: () => [] as T[] };
      }
      const rows = db.prepare(query).all(...bindings.map(toNode)) as Record<string, unknown>[];
      return { toArray: () => rows.map(fromNode) as T[] };
    },
    transaction<T>(fn: () => T): T {
      // Nested calls join the outer transaction, as a Durable Object's transactionSync does.
      if (depth > 0) return fn();
      db.exec("BEGIN");
      depth++;
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      } finally {
        depth--;
      }
    },
    close: () => db.close(),
  };
}
