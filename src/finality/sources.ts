/**
 * @module The KV-backed adapter between the finality rule and the upstream readers (DESIGN.md "Caching").
 *
 * {@link decideWithCache} answers one block: a finalized decision stored at `fin/{chain}/{height}/{hash}` is
 * read first and answers alone (one KV read, no upstream request); otherwise the contract config (`cfg/`, TTL),
 * the finalized tip (`tip/`), power tables (`power/`, TTL) and deep BTC headers (`btc/`) come from KV when
 * present, the rest from the injected {@link FinalityReaders}. Finalized decisions are stored forever; pending
 * answers never are. KV failures are cache misses (reads) or ignored (writes); upstream failures propagate
 * (fail closed).
 */
import {
  type PowerTable as BabylonPowerTable,
  type BtcHeaderCache,
  BtcTimestampBeforeBaseError,
  type ContractConfig,
} from "../babylon/index.ts";
import {
  advanceTip,
  finalizedDecisionKey,
  getBtcHeader,
  getContractConfig,
  getFinalizedDecision,
  getPowerTable,
  getTip,
  putBtcHeader,
  putContractConfig,
  putFinalizedDecision,
  putPowerTable,
} from "../cache/index.ts";
import { decideBlock } from "./decide-block.ts";
import { longestFinalizedPrefix } from "./longest-finalized-prefix.ts";
import type {
  BlockId,
  BlockRef,
  Decision,
  FinalitySources,
  Hex,
  PowerTable,
  QuorumRatio,
  Voter,
} from "./types.ts";

/** Upstream look-ups the adapter needs, one method per kind of read (network behind each). */
export type FinalityReaders = {
  /** The canonical L2 block at `number`, or `null` past the head. */
  blockAt(number: bigint): Promise<BlockRef | null>;
  /** The finality contract's config. */
  contractConfig(): Promise<ContractConfig>;
  /** The contract's `block_voters{height, hash}`. */
  blockVoters(height: number, hash: Hex): Promise<readonly Voter[]>;
  /** The BTC height of an L2 timestamp (clamped to the tip), reading deep headers through `headerCache`. */
  btcHeightAt(timestamp: number, headerCache: BtcHeaderCache): Promise<{ height: number }>;
  /** The BSN's power table at a BTC height. */
  powerTable(bsnId: string, btcHeight: number): Promise<BabylonPowerTable>;
};

export type CachedSourcesOptions = {
  /** Chain id (KV key segment). */
  chain: string;
  kv: KVNamespace;
  readers: FinalityReaders;
  /** Quorum ratio from the chain registry. */
  quorum?: QuorumRatio;
  /** TTL of power tables and contract config in KV (seconds; default 300). */
  ttlSeconds?: number;
};

/** Runs `op`; a KV failure is logged and becomes `fallback` (the cache never fails a read). */
async function soft<T>(op: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await op();
  } catch (error) {
    console.warn("cache: KV operation failed", error);
    return fallback;
  }
}

/** A {@link BtcHeaderCache} over the chain's `btc/{chain}/{height}` KV entries (the reader writes only headers ≥ 6 deep). */
export function kvHeaderCache(kv: KVNamespace, chain: string): BtcHeaderCache {
  return {
    async get(height) {
      const header = await soft(() => getBtcHeader(kv, chain, height), null);
      return header ? { timestamp: header.timestamp, hash: header.hash } : undefined;
    },
    async put(height, header) {
      await soft(() => putBtcHeader(kv, chain, height, { height, ...header }), false);
    },
  };
}

/** The contract config from `cfg/{chain}` or, on a miss, from the reader (then stored with a TTL). */
export async function cachedContractConfig(options: CachedSourcesOptions): Promise<ContractConfig> {
  const { kv, chain, readers, ttlSeconds } = options;
  const hit = await soft(() => getContractConfig(kv, chain), null);
  if (hit) return hit;
  const config = await readers.contractConfig();
  await soft(() => putContractConfig(kv, chain, config, ttlSeconds), undefined);
  return config;
}

/** Converts the Babylon reader's power table into the rule's. */
export function toRulePowerTable(table: BabylonPowerTable): PowerTable {
  return {
    btcHeight: BigInt(table.btcHeight),
    power: new Map(table.providers.map((p) => [p.btcPk, p.power])),
  };
}

/**
 * {@link FinalitySources} over the readers with KV caching. `known` blocks (already read canonical by number)
 * seed the block look-ups; `finalizedTip` comes from `tip/{chain}` when given.
 */
export function createFinalitySources(
  options: CachedSourcesOptions & {
    bsnId: string;
    finalizedTip?: { number: bigint; hash: Hex } | null;
    known?: readonly BlockRef[];
  },
): FinalitySources {
  const { kv, chain, readers, bsnId, ttlSeconds } = options;
  const known = new Map((options.known ?? []).map((b) => [b.number, b]));
  const headerCache = kvHeaderCache(kv, chain);
  return {
    finalizedTip: options.finalizedTip ?? null,
    async block(number) {
      return known.get(number) ?? readers.blockAt(number);
    },
    async votes(height, hash) {
      return readers.blockVoters(Number(height), hash);
    },
    async powerAt(timestamp) {
      let height: number;
      try {
        ({ height } = await readers.btcHeightAt(Number(timestamp), headerCache));
      } catch (error) {
        // Older than every header the light client knows: Babylon attests no stake then, so no power
        // (the rule answers no_voting_power). The height reported is the one just below the base.
        if (error instanceof BtcTimestampBeforeBaseError) {
          return { btcHeight: BigInt(error.baseHeight) - 1n, power: new Map() };
        }
        throw error;
      }
      const hit = await soft(() => getPowerTable(kv, chain, height), null);
      if (hit) return toRulePowerTable(hit);
      const table = await readers.powerTable(bsnId, height);
      await soft(() => putPowerTable(kv, chain, height, table, ttlSeconds), undefined);
      return toRulePowerTable(table);
    },
  };
}

/** The finalized tip stored at `tip/{chain}`, as the rule takes it. */
export async function readTip(kv: KVNamespace, chain: string): Promise<{ number: bigint; hash: Hex } | null> {
  const tip = await soft(() => getTip(kv, chain), null);
  return tip ? { number: BigInt(tip.height), hash: tip.hash } : null;
}

/** The stored finalized decision about `(number, hash)` (one KV read), or `null`. */
export async function readFinalizedDecision(
  kv: KVNamespace,
  chain: string,
  target: BlockId,
): Promise<Decision | null> {
  return soft(() => getFinalizedDecision<Decision>(kv, chain, Number(target.number), target.hash), null);
}

/**
 * The stored finalized decision at `height`, whatever its hash (finality is irreversible, so at most one hash
 * per height is ever stored): one KV `list` by prefix, then one KV read. `null` when none is stored.
 */
export async function readFinalizedDecisionAtHeight(
  kv: KVNamespace,
  chain: string,
  height: bigint,
): Promise<Decision | null> {
  const sample = finalizedDecisionKey(chain, Number(height), "00".repeat(32));
  const prefix = sample.slice(0, sample.lastIndexOf("/") + 1);
  const listed = await soft(() => kv.list({ prefix, limit: 2 }), null);
  const only = listed?.keys.length === 1 ? listed.keys[0] : undefined;
  if (!only) return null;
  const hash = only.name.slice(prefix.length) as Hex;
  return readFinalizedDecision(kv, chain, { number: height, hash });
}

export type CachedDecision = { decision: Decision; fromCache: boolean };

/**
 * Decides `target` with the cache: the stored finalized decision first; else the rule over cached sources.
 * A finalized answer is stored forever; a finalized grid block decided by quorum moves `tip/{chain}` forward.
 * `target` may be a {@link BlockRef} read canonical by number (it then seeds the look-ups).
 */
export async function decideWithCache(
  options: CachedSourcesOptions & { canonical?: BlockRef },
  target: BlockId,
): Promise<CachedDecision> {
  const { kv, chain, quorum } = options;
  const stored = await readFinalizedDecision(kv, chain, target);
  if (stored) return { decision: stored, fromCache: true };
  const [config, finalizedTip] = await Promise.all([cachedContractConfig(options), readTip(kv, chain)]);
  const sources = createFinalitySources({
    ...options,
    bsnId: config.bsnId,
    finalizedTip,
    known: options.canonical ? [options.canonical] : [],
  });
  const decision = await decideBlock(
    sources,
    {
      activationHeight: BigInt(config.activationHeight),
      interval: BigInt(config.interval),
      ...(quorum ? { quorum } : {}),
    },
    target,
  );
  if (decision.finalized) await remember(kv, chain, decision);
  return { decision, fromCache: false };
}

async function remember(kv: KVNamespace, chain: string, decision: Decision): Promise<void> {
  const { block } = decision;
  await soft(() => putFinalizedDecision(kv, chain, Number(block.number), block.hash, decision), false);
  // A grid block finalized by its own quorum (not by the tip shortcut) proves a new tip.
  if (decision.quorum !== null && decision.gridHeight === block.number && "timestamp" in block) {
    await soft(
      () =>
        advanceTip(kv, chain, {
          height: Number(block.number),
          hash: block.hash,
          timestamp: Number(block.timestamp),
          updatedAt: Math.floor(Date.now() / 1000),
        }),
      undefined,
    );
  }
}

/** {@link longestFinalizedPrefix} over cached sources (nothing is stored: a range answer is one number). */
export async function longestFinalizedPrefixWithCache(
  options: CachedSourcesOptions,
  blocks: readonly BlockId[],
): Promise<BlockId | null> {
  const { kv, chain, quorum } = options;
  if (blocks.length === 0) return null;
  const [config, finalizedTip] = await Promise.all([cachedContractConfig(options), readTip(kv, chain)]);
  const sources = createFinalitySources({ ...options, bsnId: config.bsnId, finalizedTip });
  return longestFinalizedPrefix(
    sources,
    {
      activationHeight: BigInt(config.activationHeight),
      interval: BigInt(config.interval),
      ...(quorum ? { quorum } : {}),
    },
    blocks,
  );
}
