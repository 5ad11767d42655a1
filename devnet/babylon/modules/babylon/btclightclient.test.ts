import {
  QueryBaseHeaderRequest,
  QueryBaseHeaderResponse,
  QueryContainsBytesRequest,
  QueryContainsBytesResponse,
  QueryHashesRequest,
  QueryHashesResponse,
  QueryHeaderDepthRequest,
  QueryHeaderDepthResponse,
  QueryMainChainRequest,
  QueryMainChainResponse,
  QueryTipRequest,
  QueryTipResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../../../../src/crypto/index.ts";
import { MemoryStore } from "../../store/kv-store.ts";
import { decodeHeader, hashDisplayHex, hashFromDisplayHex, headerHash, meetsTarget } from "./btc-header.ts";
import { page, TestChain } from "./testing.ts";

const Q = "/babylon.btclightclient.v1.Query";

const mainChain = (chain: TestChain, pagination: ReturnType<typeof page>) =>
  chain.query(`${Q}/MainChain`, QueryMainChainRequest, { pagination }, QueryMainChainResponse);

describe("btclightclient", () => {
  let chain: TestChain;
  const genesisMs = Date.parse("2026-01-01T00:00:00Z");

  beforeAll(() => {
    chain = new TestChain();
    chain.advanceTo(95); // 95 s of blocks at 1 s → 9 headers over the base at 10 s each
  });

  it("starts with the genesis headers 10 min apart, then grows one real header per BTC_BLOCK_MS, linked", () => {
    const tip = chain.query(`${Q}/Tip`, QueryTipRequest, {}, QueryTipResponse).header;
    const base = chain.query(`${Q}/BaseHeader`, QueryBaseHeaderRequest, {}, QueryBaseHeaderResponse).header;
    expect(base?.height).toBe(150);
    expect(tip?.height).toBe(209);
    const all = mainChain(chain, page({ reverse: true })).headers;
    expect(all.map((h) => h.height)).toEqual(Array.from({ length: 60 }, (_, i) => 150 + i));
    for (const [i, h] of all.entries()) {
      const bytes = hexToBytes(h.headerHex);
      expect(bytes).toHaveLength(80);
      expect(h.hashHex).toBe(hashDisplayHex(headerHash(bytes)));
      expect(meetsTarget(bytes)).toBe(true);
      const header = decodeHeader(bytes);
      // Genesis headers 150…200: the base at baseTime, then 600 s apart, the genesis tip 200 at the genesis
      // time. Header 200 + n exactly n × 10 s after genesis (the schedule's anchor).
      expect(header.time).toBe(
        h.height <= 200 ? 1_767_195_600 + i * 600 : (genesisMs + (h.height - 200) * 10_000) / 1000,
      );
      expect(BigInt(h.work)).toBe(2n * BigInt(h.height + 1));
      if (i > 0) {
        const parent = all[i - 1];
        expect(bytesToHex(header.prevBlock)).toBe(bytesToHex(hashFromDisplayHex(parent?.hashHex ?? "")));
        expect(header.time).toBeGreaterThan(decodeHeader(hexToBytes(parent?.headerHex ?? "")).time);
      }
    }
  });

  it("pages MainChain from the tip down, next_key = the last header's parent hash, as Babylon does", () => {
    const seen: number[] = [];
    let key: Uint8Array = new Uint8Array();
    let lastKey: Uint8Array = new Uint8Array();
    for (;;) {
      const res = mainChain(chain, page({ key, limit: 7 }));
      seen.push(...res.headers.map((h) => h.height));
      lastKey = res.pagination?.nextKey ?? new Uint8Array();
      if (res.headers.length < 7) break;
      key = lastKey;
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => 209 - i));
    // Past the base header the key names the base header's parent, which the light client lacks.
    const base = mainChain(chain, page({ reverse: true, limit: 1 })).headers[0];
    expect(bytesToHex(lastKey)).toBe(bytesToHex(decodeHeader(hexToBytes(base?.headerHex ?? "")).prevBlock));
    const failure = chain.queryFailure(`${Q}/MainChain`, QueryMainChainRequest, {
      pagination: page({ key: lastKey, limit: 7 }),
    });
    expect(failure.message).toContain("header specified by key does not exist");
    expect(failure.codespace).toBe("sdk");
  });

  it("pages MainChain from the base up with reverse, next_key = the next header's hash, empty at the tip", () => {
    const first = mainChain(chain, page({ reverse: true, limit: 6 }));
    expect(first.headers.map((h) => h.height)).toEqual([150, 151, 152, 153, 154, 155]);
    const next = first.pagination?.nextKey ?? new Uint8Array();
    const header156 = mainChain(chain, page({ limit: 1, key: next })).headers[0];
    expect(header156?.height).toBe(156);
    const second = mainChain(chain, page({ reverse: true, limit: 6, key: next }));
    expect(second.headers.map((h) => h.height)).toEqual([156, 157, 158, 159, 160, 161]);
    const h206 = mainChain(chain, page({ limit: 4 })).headers[3];
    expect(h206?.height).toBe(206);
    const last = mainChain(
      chain,
      page({ reverse: true, limit: 6, key: hashFromDisplayHex(h206?.hashHex ?? "") }),
    );
    expect(last.headers.map((h) => h.height)).toEqual([206, 207, 208, 209]);
    expect(last.pagination?.nextKey).toHaveLength(0);
  });

  it("rejects a MainChain limit above 1000 and a key that is not a hash", () => {
    expect(
      chain.queryFailure(`${Q}/MainChain`, QueryMainChainRequest, { pagination: page({ limit: 1001 }) })
        .message,
    ).toContain("pagination limit is larger than the maximum limit of 1000");
    expect(
      chain.queryFailure(`${Q}/MainChain`, QueryMainChainRequest, {
        pagination: page({ key: new Uint8Array(5) }),
      }).message,
    ).toContain("key does not correspond to a header hash");
  });

  it("answers HeaderDepth, ContainsBytes and Hashes", () => {
    const h205 = mainChain(chain, page({ limit: 5 })).headers[4];
    expect(h205?.height).toBe(205);
    const depth = chain.query(
      `${Q}/HeaderDepth`,
      QueryHeaderDepthRequest,
      { hash: h205?.hashHex ?? "" },
      QueryHeaderDepthResponse,
    );
    expect(depth.depth).toBe(4);
    expect(
      chain.queryFailure(`${Q}/HeaderDepth`, QueryHeaderDepthRequest, { hash: "ab".repeat(32) }).message,
    ).toContain("header does not exist");
    const contains = (hash: Uint8Array) =>
      chain.query(`${Q}/ContainsBytes`, QueryContainsBytesRequest, { hash }, QueryContainsBytesResponse)
        .contains;
    expect(contains(hashFromDisplayHex(h205?.hashHex ?? ""))).toBe(true);
    expect(contains(new Uint8Array(32))).toBe(false);
    const hashes = chain.query(
      `${Q}/Hashes`,
      QueryHashesRequest,
      { pagination: page({ limit: 4 }) },
      QueryHashesResponse,
    );
    expect(hashes.hashes).toHaveLength(4);
    expect(hashes.pagination?.total).toBe(0);
    const all = chain.query(`${Q}/Hashes`, QueryHashesRequest, { pagination: page() }, QueryHashesResponse);
    expect(all.pagination?.total).toBe(60);
    const sorted = all.hashes.map((h) => bytesToHex(h));
    expect(sorted).toEqual([...sorted].sort());
  });

  it("keeps all state in the KV store: a restored snapshot continues the same chain", () => {
    const copy = new TestChain({ store: MemoryStore.load(structuredClone(chain.store.dump())) });
    copy.height = chain.height;
    copy.time = chain.time;
    const original = new TestChain({ store: MemoryStore.load(structuredClone(chain.store.dump())) });
    original.height = chain.height;
    original.time = chain.time;
    original.advanceTo(120);
    copy.advanceTo(120);
    const tipOf = (c: TestChain) => c.query(`${Q}/Tip`, QueryTipRequest, {}, QueryTipResponse).header;
    expect(tipOf(copy)).toEqual(tipOf(original));
    expect(tipOf(copy)?.height).toBe(212);
  });

  it("appends every header a long block interval made due, each at its scheduled time", () => {
    const slow = new TestChain({ timing: { blockMs: 25_000 } });
    slow.nextBlock(); // +25 s: headers due at +10 s and +20 s
    const headers = mainChain(slow, page({ reverse: true })).headers.slice(-3);
    expect(headers.map((h) => h.height)).toEqual([200, 201, 202]);
    expect(headers.map((h) => decodeHeader(hexToBytes(h.headerHex)).time - 1_767_225_600)).toEqual([
      0, 10, 20,
    ]);
  });

  it("never dates a genesis header after the genesis block time", () => {
    const genesis = new TestChain().genesis;
    const early = new TestChain({ genesis: { ...genesis, genesisTime: "2025-06-01T00:00:00Z" } });
    const genesisHeaders = mainChain(early, page({ reverse: true })).headers;
    expect(genesisHeaders.map((h) => h.height)).toEqual(Array.from({ length: 51 }, (_, i) => 150 + i));
    for (const h of genesisHeaders) {
      expect(decodeHeader(hexToBytes(h.headerHex)).time).toBe(Date.parse("2025-06-01T00:00:00Z") / 1000);
    }
    early.advanceTo(10);
    const tip = early.query(`${Q}/Tip`, QueryTipRequest, {}, QueryTipResponse).header;
    expect(tip?.height).toBe(201);
  });

  it("holds the base header alone at genesis when the genesis names no tipHeight", () => {
    const genesis = new TestChain().genesis;
    const { tipHeight: _, ...btc } = genesis.btc;
    const bare = new TestChain({ genesis: { ...genesis, btc: { ...btc, baseHeight: 200 } } });
    const headers = mainChain(bare, page({ reverse: true })).headers;
    expect(headers.map((h) => h.height)).toEqual([200]);
    expect(decodeHeader(hexToBytes(headers[0]?.headerHex ?? "")).time).toBe(genesis.btc.baseTime);
    bare.advanceTo(10);
    expect(bare.query(`${Q}/Tip`, QueryTipRequest, {}, QueryTipResponse).header?.height).toBe(201);
  });
});
