/**
 * Vote-history benchmark: `npm run bench:history`. One run, on the local D1 that `wrangler dev` uses (wrangler's
 * getPlatformProxy: D1 in workerd, reached from Node over loopback), with the repo's migrations:
 *  - the write cost of one settled grid height (the coordinator's own statements, one `batch()` per height as it
 *    writes them): median and p90 ms, rows written per height, for 4 and for 100 FPs;
 *  - the participation query over 10,000 recorded grid heights (4 FPs: 40,000 rows): median of 20.
 * The same statements on Node's SQLite (test/support/sqlite-d1.ts) run first as the baseline: the ratio is what D1's
 * transport and workerd add. Everything is stopped by its handle at the end.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { participation } from "../src/history/read.ts";
import { settledHeightStatements } from "../src/history/record.ts";
import type { SettledHeight } from "../src/history/types.ts";
import { sqliteD1 } from "../test/support/sqlite-d1.ts";
import { quantile } from "./support/stats.ts";

const say = (line: string) => console.log(`[bench:history] ${line}`);
const fps = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(64, "0"));

function settled(height: number, keys: string[]): SettledHeight {
  return {
    number: height,
    hash: `0x${height.toString(16).padStart(64, "0")}`,
    timestamp: 1_800_000_000 + height,
    finalizedAt: 1_800_000_003 + height,
    btcHeight: 900,
    votes: keys.map((fpBtcPk, i) => ({
      fpBtcPk,
      power: 1_000_000n + BigInt(i),
      vote: (height + i) % 10 === 0 ? "missed" : "voted",
    })),
  };
}

async function measure(name: string, db: D1Database) {
  const results = { write4: 0, write100: 0, query: 0 };
  let next = 1;
  for (const fpCount of [4, 100]) {
    const keys = fps(fpCount);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 100; i++) {
      const statements = settledHeightStatements(db, "bench", [settled(next++, keys)], 1);
      const started = performance.now();
      const out = await db.batch(statements);
      times.push(performance.now() - started);
      rows = out.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
    }
    results[fpCount === 4 ? "write4" : "write100"] = quantile(times, 0.5);
    say(
      `${name}: one grid height with ${fpCount} FPs: median ${quantile(times, 0.5).toFixed(2)} ms, p90 ${quantile(times, 0.9).toFixed(2)} ms, ${rows} rows changed (1 + ${fpCount} inserts; 0 deleted)`,
    );
  }
  // 10,000 heights of 4 FPs for the participation query (written 100 heights per batch).
  const keys = fps(4);
  const base = 1_000_000;
  for (let h = 0; h < 10_000; h += 100) {
    const heights = Array.from({ length: 100 }, (_, i) => settled(base + h + i, keys));
    await db.batch(settledHeightStatements(db, "bench", heights, 1));
  }
  const times: number[] = [];
  let answer: Awaited<ReturnType<typeof participation>> | undefined;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    answer = await participation(db, "bench", base, base + 9_999);
    times.push(performance.now() - started);
  }
  results.query = quantile(times, 0.5);
  say(
    `${name}: participation over ${answer?.gridHeights} grid heights × ${answer?.providers.length} FPs: median ${quantile(times, 0.5).toFixed(1)} ms, p90 ${quantile(times, 0.9).toFixed(1)} ms`,
  );
  return results;
}

const node = sqliteD1();
const baseline = await measure("node:sqlite (baseline)", node);
node.close();

// wrangler's own local platform (the D1 `wrangler dev` uses, from wrangler.toml), in a throwaway directory. By a
// computed name: this file runs bundled (scripts/run-ts.mjs), and wrangler cannot be bundled.
const WRANGLER = "wrangler";
const { getPlatformProxy } = (await import(WRANGLER)) as typeof import("wrangler");
const persist = mkdtempSync(join(tmpdir(), "bench-history-"));
const platform = await getPlatformProxy<{ HISTORY_DB: D1Database }>({ persist: { path: persist } });
try {
  const db = platform.env.HISTORY_DB;
  for (const file of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const sql = readFileSync(join("migrations", file), "utf8");
    // D1's exec takes one statement per line: run the file's statements one by one.
    for (const statement of sql
      .replace(/--.*$/gm, "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean)) {
      await db.prepare(statement).run();
    }
  }
  const d1 = await measure("D1 (local, workerd)", db);
  say(
    `D1 / node:sqlite: write 4 FPs ${(d1.write4 / baseline.write4).toFixed(1)}×, write 100 FPs ${(d1.write100 / baseline.write100).toFixed(1)}×, participation query ${(d1.query / baseline.query).toFixed(1)}×`,
  );
} finally {
  await platform.dispose();
  rmSync(persist, { recursive: true, force: true });
}
