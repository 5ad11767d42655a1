/**
 * @module A chain's status — what `GET …/status` answers and `/metrics` exports, computed once here so both say the
 * same: the L2 head, the finalized tip the edge proved (KV), the lag, the power table at the BTC tip.
 */

import { z } from "@hono/zod-openapi";
import {
  getPowerTable as getCachedPowerTable,
  getTip,
  KV_MIN_TTL_SECONDS,
  putPowerTable,
} from "../cache/index.ts";
import { type CachedSourcesOptions, cachedContractConfig, kvHeaderCache } from "../finality/sources.ts";
import type { ChainReaders } from "./context.ts";

type Cache = CachedSourcesOptions;

/** The power table at the BTC tip (KV-cached per BTC height). */
export async function tipPowerTable(cache: Cache, readers: ChainReaders, chainId: string, bsnId: string) {
  // A timestamp past every header maps to the BTC tip (clamped).
  const { height } = await readers.btcHeightAt(Number.MAX_SAFE_INTEGER, kvHeaderCache(cache.kv, cache.chain));
  let table = await getCachedPowerTable(cache.kv, chainId, height).catch(() => null);
  if (!table) {
    table = await readers.powerTable(bsnId, height);
    await putPowerTable(cache.kv, chainId, height, table).catch(() => undefined);
  }
  return table;
}

/** KV key of the BTC-staking activation (forever once set; a `null` is kept one minute). */
export const activationKey = (chainId: string) => `activation/${chainId}`;
const activationSchema = z.object({
  btcHeight: z.number().int().min(0),
  timestamp: z.number().int().min(0).nullable(),
});

/** BTC-staking activation: from KV when known (it never changes once reached), else computed and stored. */
async function cachedActivation(cache: Cache, readers: ChainReaders, chainId: string, bsnId: string) {
  const key = activationKey(chainId);
  const stored = await cache.kv.get(key, "text").catch(() => null);
  if (stored !== null) {
    try {
      const value = JSON.parse(stored) as unknown;
      if (value === null) return null;
      const parsed = activationSchema.safeParse(value);
      if (parsed.success) return parsed.data;
    } catch {
      // Garbage is a miss.
    }
  }
  const activation = await readers.btcStakingActivation(bsnId);
  const value = activation ? { btcHeight: activation.btcHeight, timestamp: activation.timestamp } : null;
  await cache.kv
    .put(key, JSON.stringify(value), value ? {} : { expirationTtl: KV_MIN_TTL_SECONDS })
    .catch(() => undefined);
  return value;
}

/** The status body and the power table behind it. */
export async function readChainStatus(cache: Cache, readers: ChainReaders, chainId: string) {
  const [config, head, tip] = await Promise.all([
    cachedContractConfig(cache),
    readers.blockRef("latest"),
    getTip(cache.kv, chainId).catch(() => null),
  ]);
  const [table, activation] = await Promise.all([
    tipPowerTable(cache, readers, chainId, config.bsnId),
    cachedActivation(cache, readers, chainId, config.bsnId),
  ]);
  const l2Head = { number: Number(head.number), hash: head.hash, timestamp: Number(head.timestamp) };
  const body = {
    chain: chainId,
    contract: { bsnId: config.bsnId, activationHeight: config.activationHeight, interval: config.interval },
    l2Head,
    finalizedTip: tip ? { number: tip.height, hash: tip.hash, timestamp: tip.timestamp } : null,
    lag: tip
      ? {
          blocks: Math.max(0, l2Head.number - tip.height),
          seconds: Math.max(0, l2Head.timestamp - tip.timestamp),
        }
      : null,
    activation: {
      height: config.activationHeight,
      btcStakingActivatedAt: activation?.timestamp ?? null,
      btcHeight: activation?.btcHeight ?? null,
    },
    fpCount: table.providers.length,
    totalPower: table.totalPower.toString(),
    lastTipUpdate: tip?.updatedAt ?? null,
  };
  return { body, table };
}
