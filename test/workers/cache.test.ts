// The typed KV accessors (src/cache) against the Worker's real local KV binding, inside workerd.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  advanceTip,
  DEFAULT_TTL_SECONDS,
  type FinalizedTip,
  getBtcHeader,
  getContractConfig,
  getFinalizedDecision,
  getPowerTable,
  getTip,
  InvalidCacheValueError,
  NotFinalizedDecisionError,
  type PowerTable,
  putBtcHeader,
  putContractConfig,
  putFinalizedDecision,
  putPowerTable,
} from "../../src/cache/index.ts";

const kv = env.FINALITY_KV;
const hash = (byte: string) => `0x${byte.repeat(32)}`;
/** A chain id of its own per test: the KV namespace is shared by the tests of this file. */
const freshChain = () => `c-${crypto.randomUUID().slice(0, 8)}`;
const CHAIN_FOR_HEADERS = freshChain();

/** The `expiration` KV reports for `key` (seconds since the epoch), via list metadata. */
async function expirationOf(key: string): Promise<number | undefined> {
  const listed = await kv.list({ prefix: key });
  return listed.keys.find((entry) => entry.name === key)?.expiration;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("finalized decisions: fin/{chain}/{height}/{hash}", () => {
  it("round-trips and never expires", async () => {
    const chain = freshChain();
    const decision = { finalized: true, height: 10, hash: hash("aa"), evidence: { votedPower: "7" } };
    expect(await getFinalizedDecision(kv, chain, 10, hash("aa"))).toBeNull();
    expect(await putFinalizedDecision(kv, chain, 10, hash("aa"), decision)).toBe(true);
    expect(await getFinalizedDecision(kv, chain, 10, hash("aa"))).toEqual(decision);
    expect(await kv.get(`fin/${chain}/10/${hash("aa")}`, "json")).toEqual(decision);
    expect(await expirationOf(`fin/${chain}/10/${hash("aa")}`)).toBeUndefined();
  });

  it("round-trips a decision with bigints (the shape src/finality decides)", async () => {
    const chain = freshChain();
    const decision = {
      block: { number: 2n ** 60n, hash: hash("ab"), parentHash: hash("ac"), timestamp: 1_700_000_000n },
      finalized: true,
      status: "finalized",
      gridHeight: 2n ** 60n,
      btcHeight: 850_000n,
      quorum: { votedPower: 10n, totalPower: 12n, threshold: 8n, reached: true },
      voters: [{ fpBtcPk: "aa", pubRand: "bb", signature: "cc", power: 10n }],
    };
    expect(await putFinalizedDecision(kv, chain, 1, hash("ab"), decision)).toBe(true);
    expect(await getFinalizedDecision(kv, chain, 1, hash("ab"))).toEqual(decision);
  });

  it("is immutable: a second put with different content does not overwrite", async () => {
    const chain = freshChain();
    const first = { finalized: true, note: "first" };
    expect(await putFinalizedDecision(kv, chain, 11, hash("bb"), first)).toBe(true);
    expect(await putFinalizedDecision(kv, chain, 11, hash("bb"), { finalized: true, note: "second" })).toBe(
      false,
    );
    expect(await getFinalizedDecision(kv, chain, 11, hash("bb"))).toEqual(first);
  });

  it("is keyed by hash: same height, other hash is another entry; hash case does not matter", async () => {
    const chain = freshChain();
    await putFinalizedDecision(kv, chain, 12, hash("cc"), { finalized: true });
    expect(await getFinalizedDecision(kv, chain, 12, hash("dd"))).toBeNull();
    expect(await getFinalizedDecision(kv, chain, 12, hash("CC"))).toEqual({ finalized: true });
  });

  it("refuses a pending decision (typed error) and stores nothing", async () => {
    const chain = freshChain();
    await expect(
      putFinalizedDecision(kv, chain, 13, hash("ee"), { finalized: false }),
    ).rejects.toBeInstanceOf(NotFinalizedDecisionError);
    expect(await kv.get(`fin/${chain}/13/${hash("ee")}`)).toBeNull();
  });

  it("treats a stored value that is not a finalized decision as a miss (fail closed)", async () => {
    const chain = freshChain();
    await kv.put(`fin/${chain}/14/${hash("ff")}`, JSON.stringify({ finalized: false }));
    await kv.put(`fin/${chain}/15/${hash("ff")}`, "{not json");
    expect(await getFinalizedDecision(kv, chain, 14, hash("ff"))).toBeNull();
    expect(await getFinalizedDecision(kv, chain, 15, hash("ff"))).toBeNull();
  });
});

describe("finalized tip: tip/{chain}", () => {
  const tip = (height: number, byte = "01"): FinalizedTip => ({
    height,
    hash: hash(byte) as `0x${string}`,
    timestamp: 1_700_000_000 + height,
  });

  it("starts absent, then moves forward only", async () => {
    const chain = freshChain();
    expect(await getTip(kv, chain)).toBeNull();
    expect(await advanceTip(kv, chain, tip(100))).toEqual({ advanced: true, tip: tip(100) });
    expect(await advanceTip(kv, chain, tip(120, "02"))).toEqual({ advanced: true, tip: tip(120, "02") });
    expect(await advanceTip(kv, chain, tip(110, "03"))).toEqual({ advanced: false, tip: tip(120, "02") });
    expect(await advanceTip(kv, chain, tip(120, "04"))).toEqual({ advanced: false, tip: tip(120, "02") });
    expect(await getTip(kv, chain)).toEqual(tip(120, "02"));
    expect(await expirationOf(`tip/${chain}`)).toBeUndefined();
  });

  it("re-puts the higher tip when a concurrent lower write lands after it (KV has no CAS)", async () => {
    const chain = freshChain();
    await advanceTip(kv, chain, tip(80));
    let raced = false;
    const racing = {
      get: kv.get.bind(kv),
      put: async (key: string, value: string) => {
        await kv.put(key, value);
        if (!raced) {
          raced = true; // another writer, who read tip 80, lands its tip 90 just after ours
          await kv.put(key, JSON.stringify(tip(90, "09")));
        }
      },
    } as unknown as KVNamespace;
    expect(await advanceTip(racing, chain, tip(100))).toEqual({ advanced: true, tip: tip(100) });
    expect(await getTip(kv, chain)).toEqual(tip(100));
  });

  it("refuses a malformed tip", async () => {
    const chain = freshChain();
    await expect(
      advanceTip(kv, chain, { height: -1, hash: hash("01") as `0x${string}`, timestamp: 0 }),
    ).rejects.toBeInstanceOf(InvalidCacheValueError);
    await expect(advanceTip(kv, chain, { height: 1, hash: "0x12", timestamp: 0 })).rejects.toBeInstanceOf(
      InvalidCacheValueError,
    );
    expect(await getTip(kv, chain)).toBeNull();
  });
});

describe("power tables: power/{chain}/{btcHeight}", () => {
  const pk = (c: string) => c.repeat(64);

  it("round-trips bigints (beyond 2^53) as decimal strings", async () => {
    const chain = freshChain();
    const table: PowerTable = {
      btcHeight: 850_000,
      totalPower: 2n ** 64n + 1n,
      providers: [
        { btcPk: pk("a"), power: 2n ** 63n, slashed: false },
        { btcPk: pk("b"), power: 2n ** 63n + 1n, slashed: false },
        { btcPk: pk("c"), power: 0n, slashed: true },
      ],
    };
    await putPowerTable(kv, chain, 850_000, table);
    expect(await getPowerTable(kv, chain, 850_000)).toEqual(table);
    expect(await kv.get(`power/${chain}/850000`, "text")).toContain('"18446744073709551617"');
    expect(await getPowerTable(kv, chain, 850_001)).toBeNull();
  });

  it("is written with expirationTtl: 300 s by default, clamped to KV's 60 s minimum", async () => {
    const chain = freshChain();
    const table = (btcHeight: number): PowerTable => ({ btcHeight, totalPower: 1n, providers: [] });
    const before = nowSeconds();
    await putPowerTable(kv, chain, 1, table(1));
    await putPowerTable(kv, chain, 2, table(2), 5);
    await putPowerTable(kv, chain, 3, table(3), 900);
    const after = nowSeconds();
    for (const [height, ttl] of [
      [1, DEFAULT_TTL_SECONDS],
      [2, 60],
      [3, 900],
    ] as const) {
      const expiration = await expirationOf(`power/${chain}/${height}`);
      expect(expiration).toBeGreaterThanOrEqual(before + ttl);
      expect(expiration).toBeLessThanOrEqual(after + ttl + 1);
    }
  });

  it("refuses negative powers, non-bigints and a table for another BTC height", async () => {
    const chain = freshChain();
    const ok: PowerTable = { btcHeight: 1, totalPower: 1n, providers: [] };
    await expect(putPowerTable(kv, chain, 1, { ...ok, totalPower: -1n })).rejects.toBeInstanceOf(
      InvalidCacheValueError,
    );
    const notBig = {
      ...ok,
      providers: [{ btcPk: pk("a"), power: 5, slashed: false }],
    } as unknown as PowerTable;
    await expect(putPowerTable(kv, chain, 1, notBig)).rejects.toBeInstanceOf(InvalidCacheValueError);
    await expect(putPowerTable(kv, chain, 2, ok)).rejects.toBeInstanceOf(InvalidCacheValueError);
    expect(await kv.list({ prefix: `power/${chain}/` })).toMatchObject({ keys: [] });
  });
});

describe("BTC headers: btc/{chain}/{height}", () => {
  it("round-trips forever, put only if absent", async () => {
    const height = 800_000 + Math.floor(Math.random() * 100_000);
    const header = { height, hash: "AB".repeat(32), timestamp: 1_700_000_123 };
    expect(await getBtcHeader(kv, CHAIN_FOR_HEADERS, height)).toBeNull();
    expect(await putBtcHeader(kv, CHAIN_FOR_HEADERS, height, header)).toBe(true);
    expect(
      await putBtcHeader(kv, CHAIN_FOR_HEADERS, height, { height, hash: "cd".repeat(32), timestamp: 1 }),
    ).toBe(false);
    expect(await getBtcHeader(kv, CHAIN_FOR_HEADERS, height)).toEqual({
      height,
      hash: "ab".repeat(32),
      timestamp: 1_700_000_123,
    });
    expect(await expirationOf(`btc/${CHAIN_FOR_HEADERS}/${height}`)).toBeUndefined();
  });

  it("refuses a malformed header", async () => {
    await expect(
      putBtcHeader(kv, CHAIN_FOR_HEADERS, 1, { height: 1, hash: "zz", timestamp: 1 }),
    ).rejects.toBeInstanceOf(InvalidCacheValueError);
    const header = { height: 2, hash: "ab".repeat(32), timestamp: 1 };
    await expect(putBtcHeader(kv, CHAIN_FOR_HEADERS, 3, header)).rejects.toBeInstanceOf(
      InvalidCacheValueError,
    );
    expect(await getBtcHeader(kv, CHAIN_FOR_HEADERS, 1)).toBeNull();
    expect(await getBtcHeader(kv, CHAIN_FOR_HEADERS, 3)).toBeNull();
  });
});

describe("contract config: cfg/{chain}", () => {
  const cfg = {
    bsnId: "op-sepolia",
    activationHeight: 100,
    interval: 5,
    minPubRand: 10,
    rateLimiting: { blockInterval: 10, maxMsgsPerInterval: 100 },
  };

  it("round-trips with expirationTtl (default 300 s)", async () => {
    const chain = freshChain();
    const before = nowSeconds();
    await putContractConfig(kv, chain, cfg);
    expect(await getContractConfig(kv, chain)).toEqual(cfg);
    const expiration = await expirationOf(`cfg/${chain}`);
    expect(expiration).toBeGreaterThanOrEqual(before + 300);
    expect(expiration).toBeLessThanOrEqual(nowSeconds() + 301);
  });

  it("refuses a config without a signature interval", async () => {
    const broken = { ...cfg, interval: 0 };
    await expect(putContractConfig(kv, freshChain(), broken)).rejects.toBeInstanceOf(InvalidCacheValueError);
  });
});
