/**
 * @module Typed Workers KV accessors (DESIGN.md "Caching"). Values are JSON; reads are validated and a value
 * that does not validate is a miss. Immutable facts (finalized decisions, deep BTC headers) are put only if
 * absent and never expire; the tip only moves forward; power tables and contract config expire.
 *
 * Workers KV has no compare-and-swap: "put only if absent" is a read then a write, and two writers racing
 * both write. For immutable facts that is harmless (both write the same fact about the same hash); for the
 * tip see {@link advanceTip}.
 */
import { InvalidCacheValueError, NotFinalizedDecisionError } from "./errors.ts";
import {
  btcHeaderKey,
  clampTtl,
  contractConfigKey,
  DEFAULT_TTL_SECONDS,
  finalizedDecisionKey,
  powerTableKey,
  powerTablePrefix,
  tipKey,
} from "./keys.ts";
import {
  type BtcHeader,
  btcHeaderSchema,
  type ContractConfig,
  contractConfigSchema,
  type DecisionLike,
  decodeJson,
  encodeJson,
  type FinalizedTip,
  finalizedDecisionSchema,
  type PowerTable,
  powerTableSchema,
  tipSchema,
} from "./records.ts";

type Schema<T> = {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } };
};

/** Reads `key` and validates it; absent, unparsable or invalid values are all `null` (a miss). */
async function read<T>(kv: KVNamespace, key: string, schema: Schema<T>): Promise<T | null> {
  const text = await kv.get(key, "text");
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = decodeJson(text);
  } catch {
    console.warn(`cache: ignoring unparsable value at ${key}`);
    return null;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    console.warn(`cache: ignoring invalid value at ${key}`);
    return null;
  }
  return parsed.data;
}

/** Validates and encodes a value before it is written; an invalid one is a programming error. */
function encoded(key: string, schema: Schema<unknown>, value: unknown): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidCacheValueError(key, parsed.error.message);
  try {
    return encodeJson(parsed.data);
  } catch (error) {
    throw new InvalidCacheValueError(
      key,
      "The value must be JSON (bigints allowed; no Map, Set or undefined).",
      error,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Finalized decisions: `fin/{chain}/{height}/{hash}`, forever, put only if absent.

/** The cached finalized decision about block `(height, hash)`, or `null` (absent: compute it). */
export async function getFinalizedDecision<D extends DecisionLike = DecisionLike>(
  kv: KVNamespace,
  chain: string,
  height: number,
  hash: string,
): Promise<D | null> {
  return (await read(kv, finalizedDecisionKey(chain, height, hash), finalizedDecisionSchema)) as D | null;
}

/**
 * Stores a finalized decision forever, only if none is stored yet (a stored one is never overwritten).
 * Returns whether it wrote. Throws {@link NotFinalizedDecisionError} for a decision whose `finalized` is not
 * `true`: pending answers are never cached. The decision is stored as JSON; bigints survive the round trip.
 */
export async function putFinalizedDecision<D extends DecisionLike>(
  kv: KVNamespace,
  chain: string,
  height: number,
  hash: string,
  decision: D,
): Promise<boolean> {
  const key = finalizedDecisionKey(chain, height, hash);
  if (decision.finalized !== true) throw new NotFinalizedDecisionError(key);
  let value: string;
  try {
    value = encodeJson(decision);
  } catch (error) {
    throw new InvalidCacheValueError(key, "A decision must be JSON (bigints allowed; no Map or Set).", error);
  }
  if ((await kv.get(key, "text")) !== null) return false;
  await kv.put(key, value);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Finalized tip: `tip/{chain}`, overwritten only forward.

export async function getTip(kv: KVNamespace, chain: string): Promise<FinalizedTip | null> {
  return read(kv, tipKey(chain), tipSchema);
}

export type AdvanceTipResult = {
  /** Whether `tip` was written (it was higher than the stored tip, or none was stored). */
  advanced: boolean;
  /** The tip as known after the call: `tip` when it advanced, else the stored (higher or equal) one. */
  tip: FinalizedTip;
};

/**
 * Moves the chain's finalized tip forward to `tip` — only if `tip.height` is greater than the stored height.
 *
 * Race: KV has no compare-and-swap. Two writers (the cron and a read that proved more, or two PoPs) may both
 * read an old tip and both write; the last write wins even when it is lower, moving the tip back. Mitigation:
 * after writing, the tip is read back and, if a lower one landed, the higher is put again. That narrows the
 * window within one location but cannot close it across locations (KV is eventually consistent, ~60 s). The
 * authoritative guard is upstream: a tip is only ever built from a proven finalized decision, so a tip moved
 * back is stale, never wrong — and the next cron run moves it forward again.
 *
 * An equal height with a different hash is never written (two finalized blocks at one height would be a
 * safety failure upstream); it is logged and the stored tip kept.
 */
export async function advanceTip(
  kv: KVNamespace,
  chain: string,
  tip: FinalizedTip,
): Promise<AdvanceTipResult> {
  const key = tipKey(chain);
  const value = encoded(key, tipSchema, tip);
  const next = tipSchema.parse(tip);
  const current = await getTip(kv, chain);
  if (current && current.height >= next.height) {
    if (current.height === next.height && current.hash !== next.hash) {
      console.error(
        `cache: conflicting finalized tips for ${chain} at ${next.height}: ${current.hash} vs ${next.hash}`,
      );
    }
    return { advanced: false, tip: current };
  }
  await kv.put(key, value);
  const after = await getTip(kv, chain);
  if (!after || after.height < next.height) await kv.put(key, value);
  return { advanced: true, tip: next };
}

// ---------------------------------------------------------------------------------------------------------------
// Power tables: `power/{chain}/{btcHeight}`, minutes (delegations can unbond).

export async function getPowerTable(
  kv: KVNamespace,
  chain: string,
  btcHeight: number,
): Promise<PowerTable | null> {
  return read(kv, powerTableKey(chain, btcHeight), powerTableSchema);
}

/**
 * Stores a power table for `ttlSeconds` (default 300, clamped to KV's 60 s minimum); bigints as decimal
 * strings. `table.btcHeight` must be the key's `btcHeight`.
 */
export async function putPowerTable(
  kv: KVNamespace,
  chain: string,
  btcHeight: number,
  table: PowerTable,
  ttlSeconds: number = DEFAULT_TTL_SECONDS,
): Promise<void> {
  const key = powerTableKey(chain, btcHeight);
  if (table.btcHeight !== btcHeight) {
    throw new InvalidCacheValueError(key, `The table is at BTC height ${table.btcHeight}, not ${btcHeight}.`);
  }
  const value = encoded(key, powerTableSchema, table);
  await kv.put(key, value, { expirationTtl: clampTtl(ttlSeconds) });
}

// ---------------------------------------------------------------------------------------------------------------
// BTC headers: `btc/{chain}/{height}`, forever. The caller stores only headers below the reorg margin (deep enough that
// they cannot be reorganised away): this layer cannot know the BTC tip.

export async function getBtcHeader(
  kv: KVNamespace,
  chain: string,
  height: number,
): Promise<BtcHeader | null> {
  return read(kv, btcHeaderKey(chain, height), btcHeaderSchema);
}

/**
 * Stores a BTC header forever, only if none is stored at that height (`header.height` must be `height`).
 * Returns whether it wrote.
 */
export async function putBtcHeader(
  kv: KVNamespace,
  chain: string,
  height: number,
  header: BtcHeader,
): Promise<boolean> {
  const key = btcHeaderKey(chain, height);
  if (header.height !== height) {
    throw new InvalidCacheValueError(key, `The header is at height ${header.height}, not ${height}.`);
  }
  const value = encoded(key, btcHeaderSchema, header);
  if ((await kv.get(key, "text")) !== null) return false;
  await kv.put(key, value);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Contract config: `cfg/{chain}`, minutes.

export async function getContractConfig(kv: KVNamespace, chain: string): Promise<ContractConfig | null> {
  return read(kv, contractConfigKey(chain), contractConfigSchema);
}

/** Stores the finality contract's config (camelCased, as the reader returns it) for `ttlSeconds` (default 300, clamped to KV's 60 s minimum). */
export async function putContractConfig(
  kv: KVNamespace,
  chain: string,
  cfg: ContractConfig,
  ttlSeconds: number = DEFAULT_TTL_SECONDS,
): Promise<void> {
  const key = contractConfigKey(chain);
  const value = encoded(key, contractConfigSchema, cfg);
  await kv.put(key, value, { expirationTtl: clampTtl(ttlSeconds) });
}

/**
 * Drops every cached power table of `chain` (e.g. once an FP was slashed: tables cached before name its power).
 * KV lists at most 1000 keys per call; the walk follows the cursor. Returns how many it deleted.
 */
export async function deletePowerTables(kv: KVNamespace, chain: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = (await kv.list({ prefix: powerTablePrefix(chain), ...(cursor ? { cursor } : {}) })) as {
      keys: { name: string }[];
      list_complete?: boolean;
      cursor?: string;
    };
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    deleted += page.keys.length;
    cursor = page.list_complete === false ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
