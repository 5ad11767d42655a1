/**
 * @module What the coordinator learns by watching Babylon rather than from its own traffic: FPs of the chain's BSN
 * newly slashed (whoever relayed the evidence), and the equivocation evidence Babylon recorded for them (Babylon's
 * `EventSlashedFinalityProvider`, found with `tx_search`). A slash seen here also drops the chain's cached power
 * tables at once, so decisions stop counting the FP's stake now instead of when a table expires.
 * Runs at most every {@link WATCH_EVERY_MS} (from the alarm); the first run records the FPs already slashed
 * without announcing them (they are history, not news).
 */

import { createUpstreamReaders } from "../api/context.ts";
import { getFinalityProviders, isSlashed } from "../babylon/get-finality-providers.ts";
import { createBabylonRpc } from "../babylon/index.ts";
import { deletePowerTables } from "../cache/index.ts";
import type { ChainConfig } from "../chains/index.ts";
import { cachedContractConfig } from "../finality/sources.ts";
import type { ChainEvent } from "./events.ts";
import { firstRow, type SqlStore } from "./sql.ts";

export const WATCH_EVERY_MS = 10_000;
export const SLASHED_EVENT = "babylon.finality.v1.EventSlashedFinalityProvider";

export const WATCH_SCHEMA = `
CREATE TABLE IF NOT EXISTS watch_slashed (fp TEXT PRIMARY KEY, babylon_height INTEGER, btc_height INTEGER);
CREATE TABLE IF NOT EXISTS watch_equivocation (fp TEXT NOT NULL, height INTEGER NOT NULL, PRIMARY KEY (fp, height));
CREATE TABLE IF NOT EXISTS watch_state (k INTEGER PRIMARY KEY CHECK (k = 0), checked_at INTEGER NOT NULL);
`;

/** Notes an equivocation the edge itself relayed, so Babylon's record of it is not announced a second time. */
export function noteEquivocation(sql: SqlStore, fpHex: string, height: number): void {
  sql.exec("INSERT OR IGNORE INTO watch_equivocation (fp, height) VALUES (?, ?)", fpHex, height);
}

type EvidenceJson = Record<string, unknown>;
const pick = (o: EvidenceJson, ...keys: string[]) => keys.map((k) => o[k]).find((v) => v !== undefined);

/** The new events since the last run (none when it ran less than {@link WATCH_EVERY_MS} ago). */
export async function watchBabylon(
  sql: SqlStore,
  chain: ChainConfig,
  env: Env,
  now: number,
): Promise<ChainEvent[]> {
  const state = firstRow<{ checked_at: number }>(sql, "SELECT * FROM watch_state WHERE k = 0");
  if (state && now - state.checked_at < WATCH_EVERY_MS) return [];
  const readers = createUpstreamReaders(chain);
  const config = await cachedContractConfig({ chain: chain.id, kv: env.FINALITY_KV, readers });
  const rpc = createBabylonRpc(chain.babylonRpcUrl, { timeoutMs: chain.timeoutMs });
  const providers = await getFinalityProviders(rpc, config.bsnId);
  const events: ChainEvent[] = [];
  const newlySlashed: string[] = [];

  for (const fp of providers.filter(isSlashed)) {
    const known = firstRow(sql, "SELECT fp FROM watch_slashed WHERE fp = ?", fp.btcPk);
    if (known) continue;
    sql.exec(
      "INSERT INTO watch_slashed (fp, babylon_height, btc_height) VALUES (?, ?, ?)",
      fp.btcPk,
      fp.slashedBabylonHeight,
      fp.slashedBtcHeight,
    );
    if (!state) continue;
    newlySlashed.push(fp.btcPk);
    events.push({
      type: "slashed",
      data: { fpBtcPkHex: fp.btcPk, babylonHeight: fp.slashedBabylonHeight, btcHeight: fp.slashedBtcHeight },
    });
  }
  if (events.length > 0) await deletePowerTables(env.FINALITY_KV, chain.id);

  // Babylon slashes on evidence, so evidence is only looked for when an FP is newly slashed: one search per
  // slash, not a scan of Babylon's transactions every run.
  for (const fpHex of newlySlashed) {
    const found = await rpc.comet.txSearch({
      query: `${SLASHED_EVENT}.evidence CONTAINS '${fpHex}'`,
      per_page: 10,
      order_by: "asc",
    });
    for (const tx of found.txs) {
      for (const event of tx.result.events) {
        if (event.type !== SLASHED_EVENT) continue;
        const raw = event.attributes.find((a) => a.key === "evidence")?.value;
        if (!raw) continue;
        let evidence: EvidenceJson;
        try {
          evidence = JSON.parse(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw) as EvidenceJson;
        } catch {
          continue;
        }
        const fp = String(pick(evidence, "fp_btc_pk_hex", "fpBtcPkHex") ?? "").toLowerCase();
        const at = Number(pick(evidence, "block_height", "blockHeight"));
        if (fp !== fpHex || !Number.isSafeInteger(at)) continue;
        const seen = firstRow(sql, "SELECT fp FROM watch_equivocation WHERE fp = ? AND height = ?", fp, at);
        if (seen) continue;
        noteEquivocation(sql, fp, at);
        events.push({ type: "equivocation", data: { fpBtcPkHex: fp, height: at, source: "babylon" } });
      }
    }
  }
  sql.exec("INSERT OR REPLACE INTO watch_state (k, checked_at) VALUES (0, ?)", now);
  return events;
}
