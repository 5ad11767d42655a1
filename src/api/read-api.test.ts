import { describe, expect, it } from "vitest";
import { CONTRACT, FP, fakeEnv, fakeReaders, memoryKv } from "../../test/support/fake-readers.ts";
import { BabylonUnavailableError } from "../babylon/index.ts";
import { createApp } from "./app.ts";

function setup(length = 31) {
  const kv = memoryKv();
  const fake = fakeReaders(length);
  const app = createApp({ deps: { readers: () => fake.readers } });
  const env = fakeEnv(kv);
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers }, env);
  return { kv, fake, app, env, get };
}

const finality = (blockId: string | number, chain = "op-devnet") =>
  `/v1/chains/${chain}/blocks/${blockId}/finality`;

describe("GET /v1/chains", () => {
  it("lists configured chains with their contract config", async () => {
    const { get, kv } = setup();
    const res = await get("/v1/chains");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      chains: [
        {
          id: "op-devnet",
          quorum: { numerator: 2, denominator: 3 },
          contract: { bsnId: CONTRACT.bsnId, activationHeight: 10, interval: 5 },
        },
      ],
    });
    expect(kv.store.has("cfg/op-devnet")).toBe(true);
  });
});

describe("GET /v1/chains/{chain}/blocks/{blockId}/finality", () => {
  it("answers 404 for an unknown chain, naming the known ones", async () => {
    const { get } = setup();
    const res = await get(finality(12, "nope"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({
      code: "unknown_chain",
      detail: expect.stringContaining("op-devnet"),
    });
  });

  it.each(["-1", "abc", "0x12", "01", "99999999999999999"])(
    "answers 400 naming blockId for %j",
    async (id) => {
      const { get, fake } = setup();
      const res = await get(finality(id));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        code: "invalid_request",
        field: "blockId",
        detail: expect.stringMatching(/blockId .*(must be|safe integer)/),
      });
      expect(fake.total()).toBe(0);
    },
  );

  it("answers 404 for a block the node does not have", async () => {
    const { get } = setup();
    const res = await get(finality(`0x${"99".repeat(32)}`));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "block_not_found" });
  });

  it("answers a finalized block immutable with an ETag, then 304 on If-None-Match", async () => {
    const { get, fake } = setup();
    fake.vote([10, 15, 20]);
    const res = await get(finality(17));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"/);
    const body = await res.json();
    expect(body).toMatchObject({
      chain: "op-devnet",
      block: { number: 17, hash: fake.hash(17), timestamp: 1017 },
      finalized: true,
      status: "finalized",
      gridHeight: 20,
      btcHeight: 100,
      quorum: { votedPower: "200", totalPower: "300", threshold: "200", reached: true },
      voters: [
        { fpBtcPk: FP.a, power: "100" },
        { fpBtcPk: FP.b, power: "100" },
      ],
    });
    const again = await get(finality(17), { "if-none-match": etag ?? "" });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
  });

  it("answers a pending block with a short max-age and stores nothing about it", async () => {
    const { get, fake, kv } = setup();
    fake.vote([10, 20]);
    const res = await get(finality(20));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=2");
    expect(await res.json()).toMatchObject({
      finalized: false,
      status: "pending",
      reason: expect.stringContaining("previous grid block 15"),
    });
    expect([...kv.store.keys()].filter((k) => k.startsWith("fin/"))).toEqual([]);
  });

  it("answers before_activation, by hash, and latest", async () => {
    const { get, fake } = setup();
    expect(await (await get(finality(3))).json()).toMatchObject({
      status: "before_activation",
      finalized: false,
    });
    fake.vote([10]);
    expect(await (await get(finality(fake.hash(10)))).json()).toMatchObject({ status: "finalized" });
    expect(await (await get(finality("latest"))).json()).toMatchObject({ block: { number: 30 } });
  });

  it("answers no_voting_power, not an error, for a block older than the BTC light client's base", async () => {
    const { get, fake } = setup();
    fake.vote([10]);
    fake.btcBeforeBase();
    const res = await get(finality(10));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ finalized: false, status: "no_voting_power", btcHeight: 99 });
  });

  it("fails closed: an upstream failure is a 503 with Retry-After, never finalized", async () => {
    const { get, fake } = setup();
    fake.vote([10, 15, 20]);
    fake.fail(new BabylonUnavailableError("/cosmwasm.wasm.v1.Query/SmartContractState", new Error("down")));
    const res = await get(finality(17));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body).toMatchObject({ code: "upstream_unavailable" });
    expect(body).not.toHaveProperty("finalized");
  });

  it("counts upstream calls: a first decision reads the chain, a finalized one is answered from its stored bytes", async () => {
    const { get, fake, kv } = setup();
    fake.vote([10, 15, 20]);
    const first = await get(finality(17));
    expect(first.status).toBe(200);
    // blockRef(17) + blockAt(20, 19, 18, 15, 10) + contractConfig + 3×blockVoters + 3×btcHeightAt + 1 powerTable
    expect(fake.calls).toEqual({
      blockRef: 1,
      blockAt: 5,
      contractConfig: 1,
      blockVoters: 3,
      btcHeightAt: 3,
      powerTable: 1,
    });
    expect(kv.store.has(`fin/op-devnet/17/${fake.hash(17)}`)).toBe(true);
    expect(kv.store.get("tip/op-devnet")).toBeUndefined(); // 17 is off-grid: it proves no tip
    // The answer's bytes are kept by height and by hash, with the ETag that was served.
    const body = await first.text();
    expect(kv.store.get("ans/op-devnet/n/17")).toBe(body);
    expect(kv.store.get(`ans/op-devnet/h/${fake.hash(17)}`)).toBe(body);
    expect(kv.metadata.get("ans/op-devnet/n/17")).toEqual({ etag: first.headers.get("etag") });

    const before = fake.total();
    const ops = { ...kv.ops };
    for (const id of [17, fake.hash(17), fake.hash(17).toUpperCase().replace("0X", "0x")]) {
      const cached = await get(finality(id));
      expect(cached.status).toBe(200);
      expect(await cached.text()).toBe(body);
      expect(cached.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(cached.headers.get("cache-control")).toContain("immutable");
    }
    // Zero upstream calls, and no KV operation at all: the isolate's memory holds the answer.
    expect(fake.total()).toBe(before);
    expect(kv.ops).toEqual(ops);
  });

  it("a finalized answer stored in KV alone (another isolate's) is served with one KV read and no upstream call", async () => {
    const first = setup();
    first.fake.vote([10, 15, 20]);
    const answered = await first.get(finality(17));
    // A second app over a copy of that KV: a fresh isolate memory, the same stored bytes.
    const { get, fake, kv } = setup();
    for (const [key, value] of first.kv.store)
      await kv.put(key, value, { metadata: first.kv.metadata.get(key) });
    const ops = { ...kv.ops };
    const byHash = await get(finality(first.fake.hash(17)));
    expect(await byHash.text()).toBe(await answered.text());
    expect(fake.total()).toBe(0);
    expect(kv.ops.get - ops.get).toBe(1);
    expect(kv.ops.list - ops.list).toBe(0);
    // An unknown hash still goes to the L2 node (and is a 404 there).
    expect((await get(finality(`0x${"ee".repeat(32)}`))).status).toBe(404);
    expect(fake.calls.blockRef).toBe(1);
  });

  it("a finalized grid block advances the tip, which then shortcuts deeper decisions", async () => {
    const { get, fake, kv } = setup();
    fake.vote([10, 15, 20, 25]);
    expect(await (await get(finality(20))).json()).toMatchObject({ status: "finalized" });
    expect(JSON.parse(kv.store.get("tip/op-devnet") ?? "null")).toMatchObject({ height: 20 });
    const voters = fake.calls.blockVoters ?? 0;
    expect(await (await get(finality(25))).json()).toMatchObject({ status: "finalized" });
    expect((fake.calls.blockVoters ?? 0) - voters).toBe(1); // only 25 itself: 20 is the tip
  });
});

describe("GET /openapi.json", () => {
  it("documents the routes", async () => {
    const { get } = setup();
    const res = await get("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/v1/chains", "/v1/chains/{chain}/blocks/{blockId}/finality"]),
    );
  });
});

describe("CORS", () => {
  it("lets any origin read answers, without credentials, and see ETag and Retry-After", async () => {
    const { app, env } = setup();
    const origin = { origin: "https://dapp.example" };
    const res = await app.request("/v1/chains", { headers: origin }, env);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("access-control-expose-headers")).toContain("etag");
    const preflight = await app.request(
      "/v1/chains/op-devnet/finality/range",
      {
        method: "OPTIONS",
        headers: { ...origin, "access-control-request-method": "POST" },
      },
      env,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
  });
});

describe("GET /v1/chains/{chain}/txs/{txHash}/finality", () => {
  const TX = `0x${"7a".repeat(32)}` as const;

  it("answers 404 for an unknown transaction and 400 for a malformed hash", async () => {
    const { get } = setup();
    const res = await get(`/v1/chains/op-devnet/txs/${TX}/finality`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "tx_not_found", field: "txHash" });
    const bad = await get("/v1/chains/op-devnet/txs/0x1234/finality");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "invalid_request", field: "txHash" });
  });

  it("answers a pending transaction as pending with a reason", async () => {
    const { get, fake } = setup();
    fake.txs.set(TX, { status: "pending" });
    const res = await get(`/v1/chains/op-devnet/txs/${TX}/finality`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=2");
    expect(await res.json()).toMatchObject({
      txHash: TX,
      block: null,
      finalized: false,
      status: "pending",
      reason: expect.stringContaining("not included"),
    });
  });

  it("decides the transaction's block", async () => {
    const { get, fake } = setup();
    fake.vote([10, 15, 20]);
    fake.txs.set(TX, { status: "included", blockNumber: 17n, blockHash: fake.hash(17) });
    const res = await get(`/v1/chains/op-devnet/txs/${TX.toUpperCase().replace("0X", "0x")}/finality`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await res.json()).toMatchObject({
      txHash: TX,
      block: { number: 17, hash: fake.hash(17) },
      status: "finalized",
      gridHeight: 20,
    });
  });
});

describe("POST /v1/chains/{chain}/finality/range", () => {
  const post = (s: ReturnType<typeof setup>, body: unknown) =>
    s.app.request(
      "/v1/chains/op-devnet/finality/range",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
      s.env,
    );

  it("answers the last block of the longest finalized prefix", async () => {
    const s = setup();
    s.fake.vote([10, 15, 20]);
    const blocks = [16, 17, 18, 19, 20, 21, 22].map((n) => ({ number: n, hash: s.fake.hash(n) }));
    const res = await post(s, { blocks });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ lastFinalized: { number: 20, hash: s.fake.hash(20) } });
    expect(await (await post(s, { blocks: blocks.slice(5) })).json()).toEqual({ lastFinalized: null });
  });

  it("rejects non-consecutive and malformed blocks with 400 naming the field", async () => {
    const s = setup();
    const gap = await post(s, {
      blocks: [
        { number: 1, hash: s.fake.hash(1) },
        { number: 3, hash: s.fake.hash(3) },
      ],
    });
    expect(gap.status).toBe(400);
    expect(await gap.json()).toMatchObject({ code: "blocks_not_consecutive", field: "blocks" });
    const bad = await post(s, { blocks: [{ number: 1, hash: "0x12" }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "invalid_request", field: "blocks.0.hash" });
    const empty = await post(s, { blocks: [] });
    expect(await empty.json()).toMatchObject({ field: "blocks" });
    expect(s.fake.total()).toBe(0);
  });
});

describe("status, finality providers, readiness, docs", () => {
  it("GET /v1/chains/{chain}/status reports head, tip, lag, activation, power and tip update time", async () => {
    const { get, fake, kv } = setup();
    fake.vote([10]);
    const before = Math.floor(Date.now() / 1000);
    await get(finality(10));
    const res = await get("/v1/chains/op-devnet/status");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { lastTipUpdate: number };
    expect(body.lastTipUpdate).toBeGreaterThanOrEqual(before);
    expect(body.lastTipUpdate).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(body).toEqual({
      chain: "op-devnet",
      contract: { bsnId: CONTRACT.bsnId, activationHeight: 10, interval: 5 },
      l2Head: { number: 30, hash: fake.hash(30), timestamp: 1030 },
      finalizedTip: { number: 10, hash: fake.hash(10), timestamp: 1010 },
      lag: { blocks: 20, seconds: 20 },
      activation: { height: 10, btcStakingActivatedAt: null, btcHeight: null },
      fpCount: 3,
      totalPower: "300",
      lastTipUpdate: body.lastTipUpdate,
    });
    expect(JSON.parse(kv.store.get("tip/op-devnet") ?? "null")).toMatchObject({
      updatedAt: body.lastTipUpdate,
    });
  });

  it("status: lag in blocks and seconds differ when timestamps do; an old tip has no update time", async () => {
    const { get, fake, kv } = setup();
    // A tip stored before `updatedAt` existed (backward compatible), with its own L2 timestamp.
    kv.store.set("tip/op-devnet", JSON.stringify({ height: 25, hash: fake.hash(25), timestamp: 1000 }));
    const body = await (await get("/v1/chains/op-devnet/status")).json();
    expect(body).toMatchObject({
      l2Head: { number: 30, timestamp: 1030 },
      finalizedTip: { number: 25, timestamp: 1000 },
      lag: { blocks: 5, seconds: 30 },
      lastTipUpdate: null,
    });
  });

  it("status: no tip → lag null; BTC-staking activation is computed once, then served from KV", async () => {
    const { get, fake, kv } = setup();
    const first = await get("/v1/chains/op-devnet/status");
    expect(await first.json()).toMatchObject({
      finalizedTip: null,
      lag: null,
      lastTipUpdate: null,
      activation: { height: 10, btcStakingActivatedAt: null, btcHeight: null },
    });
    expect(fake.calls.btcStakingActivation).toBe(1);
    // Not activated: the negative answer is kept briefly (KV TTL), so the next call re-checks only after it.
    kv.store.delete("activation/op-devnet");
    fake.activate({ btcHeight: 120, timestamp: 1_700_000_000 });
    const second = await (await get("/v1/chains/op-devnet/status")).json();
    expect(second).toMatchObject({
      activation: { height: 10, btcStakingActivatedAt: 1_700_000_000, btcHeight: 120 },
    });
    expect(fake.calls.btcStakingActivation).toBe(2);
    fake.activate(null); // it never changes once reached: the cached value wins
    const third = await (await get("/v1/chains/op-devnet/status")).json();
    expect(third).toMatchObject({ activation: { btcStakingActivatedAt: 1_700_000_000, btcHeight: 120 } });
    expect(fake.calls.btcStakingActivation).toBe(2);
  });

  it("GET /v1/chains/{chain}/finality-providers lists power, last voted height and canonical recent votes", async () => {
    const { get, fake } = setup();
    // Grid: 10, 15, 20, 25, 30 (head 30). a and b vote 10, 20, 30; c votes 15 and a fork of 25 (not canonical).
    fake.vote([10, 20, 30], [FP.a, FP.b]);
    fake.vote([15], [FP.c]);
    fake.voteFork(25, [FP.c]);
    const res = await get("/v1/chains/op-devnet/finality-providers");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      chain: "op-devnet",
      bsnId: CONTRACT.bsnId,
      btcHeight: 100,
      totalPower: "300",
      l2Head: { number: 30, hash: fake.hash(30), timestamp: 1030 },
      gridHeights: [30, 25, 20, 15, 10],
      providers: [
        {
          fpBtcPk: FP.a,
          power: "100",
          slashed: false,
          lastVotedHeight: 30,
          recentVotes: { window: 5, count: 3 },
        },
        {
          fpBtcPk: FP.b,
          power: "100",
          slashed: false,
          lastVotedHeight: 30,
          recentVotes: { window: 5, count: 3 },
        },
        {
          fpBtcPk: FP.c,
          power: "100",
          slashed: false,
          lastVotedHeight: 15,
          recentVotes: { window: 5, count: 1 },
        },
      ],
    });
    // Cost: one block and one block_voters per grid height, one highest_voted_height per FP.
    expect(fake.calls).toMatchObject({ blockAt: 5, blockVoters: 5, highestVotedHeight: 3 });
  });

  it("finality-providers: window=2 counts only the last two grid heights; an FP that never voted has null", async () => {
    const { get, fake } = setup();
    fake.vote([10, 15], [FP.a]);
    fake.vote([25, 30], [FP.b]);
    const body = (await (await get("/v1/chains/op-devnet/finality-providers?window=2")).json()) as {
      gridHeights: number[];
      providers: { lastVotedHeight: number | null; recentVotes: { window: number; count: number } }[];
    };
    expect(body.gridHeights).toEqual([30, 25]);
    expect(body.providers.map((p) => [p.lastVotedHeight, p.recentVotes])).toEqual([
      [15, { window: 2, count: 0 }],
      [30, { window: 2, count: 2 }],
      [null, { window: 2, count: 0 }],
    ]);
    expect(fake.calls).toMatchObject({ blockAt: 2, blockVoters: 2 });
  });

  it("finality-providers: a head below activation examines no grid height", async () => {
    const { get } = setup(8); // head 7 < activation 10
    const body = await (await get("/v1/chains/op-devnet/finality-providers")).json();
    expect(body).toMatchObject({
      l2Head: { number: 7 },
      gridHeights: [],
      providers: [{ recentVotes: { window: 0, count: 0 } }, {}, {}],
    });
  });

  it("finality-providers: an invalid window is a 400 problem naming the field", async () => {
    const { get, fake } = setup();
    for (const bad of ["0", "101", "abc", "2.5", "-1"]) {
      const res = await get(`/v1/chains/op-devnet/finality-providers?window=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 400, field: "window" });
    }
    expect(fake.total()).toBe(0);
  });

  it("GET /readyz probes every upstream and answers 503 when one is down", async () => {
    const { get, fake } = setup();
    const ok = await get("/readyz");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status: "ready",
      chains: [{ id: "op-devnet", l2: { ok: true, height: 30 }, babylon: { ok: true, height: 42 } }],
    });
    fake.fail(new BabylonUnavailableError("status", new Error("down")));
    const down = await get("/readyz");
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(await down.json()).toMatchObject({ status: "unavailable", chains: [{ l2: { ok: false } }] });
  });

  it("GET /docs is a self-contained page linking the OpenAPI document", async () => {
    const { get } = setup();
    const res = await get("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('href="/openapi.json"');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it("GET /openapi.json documents every endpoint", async () => {
    const { get } = setup();
    const doc = (await (await get("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/healthz",
      "/metrics",
      "/readyz",
      "/v1/chains",
      "/v1/chains/{chain}/blocks/{blockId}/finality",
      "/v1/chains/{chain}/equivocations/{fpBtcPk}/{height}",
      "/v1/chains/{chain}/events",
      "/v1/chains/{chain}/finality-providers",
      "/v1/chains/{chain}/finality-providers/{fpBtcPk}/votes",
      "/v1/chains/{chain}/finality-signatures",
      "/v1/chains/{chain}/finality/range",
      "/v1/chains/{chain}/lag-history",
      "/v1/chains/{chain}/participation",
      "/v1/chains/{chain}/public-randomness",
      "/v1/chains/{chain}/status",
      "/v1/chains/{chain}/submission-metrics",
      "/v1/chains/{chain}/submissions/{id}",
      "/v1/chains/{chain}/txs/{txHash}/finality",
      "/v1/chains/{chain}/vote-history",
      "/v1/chains/{chain}/webhooks",
      "/v1/chains/{chain}/webhooks/{id}",
      "/v1/chains/{chain}/webhooks/{id}/deliveries",
    ]);
  });
});
