import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/api/app.ts";
import { tickCoordinators } from "../../src/api/scheduled.ts";
import { putFinalizedDecision } from "../../src/cache/index.ts";
import { CHAINS_CONFIG_KEY } from "../../src/cache/keys.ts";

// The read API inside workerd against the REAL Babylon emulator and anvil (started by global-setup.ts).
// The chains are passed as the CHAINS var of this env only, so other suites keep the wrangler.toml default.
const e2eEnv = { ...env, CHAINS: inject("e2eChains") } as Env;
const app = createApp();
const get = async (path: string, target: Env = e2eEnv) =>
  app.fetch(new Request(`http://edge.test${path}`), target);

const votes = JSON.parse(inject("e2eVotes")) as {
  head: number;
  blocks: { number: number; hash: string; voters: string[] }[];
  publicKeys: Record<string, string>;
};
const voted = (n: number) => {
  const block = votes.blocks.find((b) => b.number === n);
  if (!block) throw new Error(`no block ${n} in the vote plan`);
  return block;
};
const chains = JSON.parse(inject("e2eChains")) as { l2RpcUrl: string; babylonRpcUrl: string }[];
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Counts outgoing HTTP requests (JSON-RPC POSTs) per upstream while `run` runs. */
async function countingRequests<T>(
  run: () => Promise<T>,
): Promise<{ result: T; l2: number; babylon: number }> {
  const counts = { l2: 0, babylon: 0 };
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(chains[0]?.l2RpcUrl ?? "-")) counts.l2++;
    else if (url.startsWith(chains[0]?.babylonRpcUrl ?? "-")) counts.babylon++;
    return realFetch(input, init);
  };
  try {
    return { result: await run(), ...counts };
  } finally {
    globalThis.fetch = realFetch;
  }
}

describe("read API against the Babylon emulator and anvil", () => {
  it("lists the chain with the contract config read from Babylon", async () => {
    const res = await get("/v1/chains");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      chains: [
        { id: "edge-devnet", contract: { bsnId: inject("e2eBsnId"), activationHeight: 1, interval: 1 } },
      ],
    });
  });

  it("is ready: both upstreams answer", async () => {
    const res = await get("/readyz");
    expect(await res.json()).toMatchObject({
      status: "ready",
      chains: [{ id: "edge-devnet", l2: { ok: true }, babylon: { ok: true } }],
    });
    expect(res.status).toBe(200);
  });

  it("decides real blocks: below activation, and the unvoted head not finalized", async () => {
    const genesis = await get("/v1/chains/edge-devnet/blocks/0/finality");
    expect(genesis.status).toBe(200);
    expect(await genesis.json()).toMatchObject({
      block: { number: 0 },
      status: "before_activation",
      finalized: false,
    });

    const res = await get("/v1/chains/edge-devnet/blocks/latest/finality");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=2");
    const body = (await res.json()) as { status: string; finalized: boolean; btcHeight: number | null };
    expect(body.finalized).toBe(false);
    expect(["pending", "no_voting_power"]).toContain(body.status);
    expect(body.btcHeight).toEqual(expect.any(Number));
    expect(await env.FINALITY_KV.get("cfg/edge-devnet")).not.toBeNull();
  });

  it("answers status and finality providers from the real chain", async () => {
    const status = await get("/v1/chains/edge-devnet/status");
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      chain: "edge-devnet",
      l2Head: { number: votes.head },
      finalizedTip: null,
      lag: null,
      lastTipUpdate: null,
      // Default genesis: the earliest delegation with covenant quorum starts at BTC 150 (the light client's
      // base), k = 2; header 152 is a genesis header, baseTime 1767195600 + 2 × 600 s.
      activation: { height: expect.any(Number), btcHeight: 152, btcStakingActivatedAt: 1_767_196_800 },
      fpCount: expect.any(Number),
      totalPower: expect.stringMatching(/^[0-9]+$/),
    });
    const fps = await get("/v1/chains/edge-devnet/finality-providers?window=5");
    expect(fps.status).toBe(200);
    const table = (await fps.json()) as {
      gridHeights: number[];
      providers: { fpBtcPk: string; power: string; recentVotes: { window: number; count: number } }[];
    };
    expect(table.providers.length).toBeGreaterThan(0);
    expect(table.providers[0]?.fpBtcPk).toMatch(/^[0-9a-f]{64}$/);
    expect(table.gridHeights.length).toBeLessThanOrEqual(5);
    expect(table.providers[0]?.recentVotes.window).toBe(table.gridHeights.length);
  });

  it("counts upstream requests: a decision reads both chains, a cached finalized one nothing", async () => {
    // A chain id of its own: nothing about it is in KV yet (cold contract config and power table).
    const cold = JSON.parse(inject("e2eChains")) as { id: string }[];
    const coldEnv = { ...env, CHAINS: JSON.stringify(cold.map((c) => ({ ...c, id: "edge-cold" }))) } as Env;
    const first = await countingRequests(() => get("/v1/chains/edge-cold/blocks/5/finality", coldEnv));
    expect(first.result.status).toBe(200);
    console.log(
      `e2e upstream HTTP requests, cold decision of block 5: l2=${first.l2} babylon=${first.babylon}`,
    );
    const warm = await countingRequests(() => get("/v1/chains/edge-cold/blocks/5/finality", coldEnv));
    console.log(
      `e2e upstream HTTP requests, warm (pending, not stored) block 5: l2=${warm.l2} babylon=${warm.babylon}`,
    );
    expect(first.l2).toBeGreaterThan(0);
    expect(first.babylon).toBeGreaterThan(0);
    const body = (await first.result.json()) as { block: { hash: string }; finalized: boolean };
    expect(body.finalized).toBe(false);

    // Store a finalized decision for the unvoted block 7 of the cold chain id, then ask by height.
    const two = (await (await get("/v1/chains/edge-cold/blocks/7/finality", coldEnv)).json()) as {
      block: { hash: string };
    };
    const decision = {
      block: { number: 7n, hash: two.block.hash, timestamp: 0n },
      finalized: true,
      status: "finalized",
      gridHeight: 7n,
      btcHeight: 1n,
      quorum: null,
      voters: [],
      reason: "stored by the test",
    };
    await putFinalizedDecision(env.FINALITY_KV, "edge-cold", 7, two.block.hash, decision);
    const cached = await countingRequests(() => get("/v1/chains/edge-cold/blocks/7/finality", coldEnv));
    expect(cached.result.status).toBe(200);
    expect(cached.result.headers.get("cache-control")).toContain("immutable");
    expect(await cached.result.json()).toMatchObject({ finalized: true, reason: "stored by the test" });
    expect({ l2: cached.l2, babylon: cached.babylon }).toEqual({ l2: 0, babylon: 0 });
  });

  it("finalizes a block voted by fp-1+fp-2, with the voters' randomness and signatures as evidence", async () => {
    const block = voted(2);
    const res = await get(`/v1/chains/edge-devnet/blocks/${block.hash}/finality`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      block: { number: number; hash: string };
      status: string;
      finalized: boolean;
      voters: { fpBtcPk: string; pubRand: string; signature: string }[];
    };
    expect(body).toMatchObject({
      block: { number: 2, hash: block.hash },
      status: "finalized",
      finalized: true,
    });
    const keys = block.voters.map((fp) => votes.publicKeys[fp]).sort();
    expect(body.voters.map((v) => v.fpBtcPk).sort()).toEqual(keys);
    for (const v of body.voters) {
      expect(v.pubRand).toMatch(/^[0-9a-f]{64}$/);
      expect(v.signature).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("keeps a block voted by fp-1+fp-3 (6.0M of 10.0M, below 2/3) pending, and its voted successor too", async () => {
    const below = (await (await get(`/v1/chains/edge-devnet/blocks/5/finality`)).json()) as {
      block: { hash: string };
      status: string;
      finalized: boolean;
      quorum: { reached: boolean } | null;
      voters: unknown[];
    };
    expect(below).toMatchObject({ block: { hash: voted(5).hash }, status: "pending", finalized: false });
    expect(below.quorum?.reached).toBe(false);
    expect(below.voters).toHaveLength(2);

    const next = (await (await get(`/v1/chains/edge-devnet/blocks/6/finality`)).json()) as {
      status: string;
      finalized: boolean;
      quorum: { reached: boolean } | null;
      reason: string;
    };
    expect(next).toMatchObject({ status: "pending", finalized: false });
    expect(next.quorum?.reached).toBe(true);
    expect(next.reason).toContain("previous grid block 5");
  });

  it("serves a finalized block again from KV with zero upstream requests, and 304 for its ETag", async () => {
    // By height: a lookup by hash needs the L2 to map the hash to a height.
    const path = "/v1/chains/edge-devnet/blocks/3/finality";
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: "finalized" });
    const again = await countingRequests(() => get(path));
    expect(again.result.status).toBe(200);
    expect(again.result.headers.get("cache-control")).toContain("immutable");
    expect(await again.result.json()).toMatchObject({ status: "finalized", block: { number: 3 } });
    expect({ l2: again.l2, babylon: again.babylon }).toEqual({ l2: 0, babylon: 0 });
    const etag = again.result.headers.get("etag");
    expect(etag).toBeTruthy();
    const notModified = await countingRequests(async () =>
      app.fetch(new Request(`http://edge.test${path}`, { headers: { "if-none-match": etag ?? "" } }), e2eEnv),
    );
    expect(notModified.result.status).toBe(304);
    expect({ l2: notModified.l2, babylon: notModified.babylon }).toEqual({ l2: 0, babylon: 0 });
  });

  it("answers a range with the longest finalized prefix", async () => {
    const blocks = votes.blocks.map((b) => ({ number: b.number, hash: b.hash }));
    const res = await app.fetch(
      new Request("http://edge.test/v1/chains/edge-devnet/finality/range", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ blocks }),
      }),
      e2eEnv,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ lastFinalized: { number: 4, hash: voted(4).hash } });
  });

  it("404s an unknown block and tx; the chain's coordinator moves the tip to the last finalized block", async () => {
    expect((await get(`/v1/chains/edge-devnet/blocks/0x${"11".repeat(32)}/finality`)).status).toBe(404);
    expect((await get(`/v1/chains/edge-devnet/txs/0x${"11".repeat(32)}/finality`)).status).toBe(404);
    // The coordinator reads the registry from its own env: KV's `config/chains` stands in for this file's CHAINS.
    await env.FINALITY_KV.put(CHAINS_CONFIG_KEY, inject("e2eChains"));
    try {
      const [result] = await tickCoordinators(env);
      expect(result).toEqual({ chain: "edge-devnet", tip: 4 });
    } finally {
      await env.FINALITY_KV.delete(CHAINS_CONFIG_KEY);
    }
  });

  // Last in the file: it mines on the shared anvil, and puts the head back before it returns.
  it("reorgs a pending block on anvil: the old hash is not_canonical, the height answers the new one", async () => {
    const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
      const res = await realFetch(chains[0]?.l2RpcUrl ?? "", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      const body = (await res.json()) as { result?: unknown; error?: unknown };
      if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
      return body.result;
    };
    type Finality = { block: { number: number; hash: string }; status: string; finalized: boolean };
    const finality = async (id: string | number) => {
      const res = await get(`/v1/chains/edge-devnet/blocks/${id}/finality`);
      expect(res.status).toBe(200);
      return (await res.json()) as Finality;
    };

    const original = (await rpc("evm_snapshot")) as string;
    try {
      const head = (await rpc("eth_getBlockByNumber", ["latest", false])) as {
        number: string;
        timestamp: string;
      };
      const height = Number(head.number) + 1;
      const timestamp = Number(head.timestamp);

      await rpc("evm_setNextBlockTimestamp", [`0x${(timestamp + 10).toString(16)}`]);
      await rpc("evm_mine");
      const before = await finality(height);
      expect(before).toMatchObject({ block: { number: height }, status: "pending", finalized: false });
      const oldHash = before.block.hash;
      const oldBlock = await rpc("eth_getBlockByHash", [oldHash, false]);
      expect(oldBlock).toMatchObject({ hash: oldHash });

      await rpc("evm_revert", [original]);
      const reorged = (await rpc("evm_snapshot")) as string;
      try {
        expect(Number(await rpc("eth_blockNumber"))).toBe(height - 1);
        await rpc("evm_setNextBlockTimestamp", [`0x${(timestamp + 20).toString(16)}`]);
        await rpc("evm_mine");
        const newHash = (
          (await rpc("eth_getBlockByNumber", [`0x${height.toString(16)}`, false])) as { hash: string }
        ).hash;
        expect(newHash.toLowerCase()).not.toBe(oldHash.toLowerCase());

        // anvil drops reverted blocks, so on plain anvil the old hash is unknown to the node: 404.
        expect(await rpc("eth_getBlockByHash", [oldHash, false])).toBeNull();
        expect((await get(`/v1/chains/edge-devnet/blocks/${oldHash}/finality`)).status).toBe(404);
        // A node that keeps side-chain blocks (geth, reth) still returns it by hash: then the canonical check
        // answers not_canonical. Emulated by answering only eth_getBlockByHash(oldHash) with the stored block.
        globalThis.fetch = async (input, init) => {
          const request = new Request(input, init);
          const text = request.method === "POST" ? await request.clone().text() : "";
          const res = await realFetch(request);
          if (!request.url.startsWith(chains[0]?.l2RpcUrl ?? "-") || !text.includes("eth_getBlockByHash")) {
            return res;
          }
          type Rpc = { id: unknown; method?: string; params?: unknown[]; result?: unknown };
          const sent = JSON.parse(text) as Rpc | Rpc[];
          const got = (await res.json()) as Rpc | Rpc[];
          const patch = (answer: Rpc): Rpc => {
            const asked = (Array.isArray(sent) ? sent : [sent]).find((r) => r.id === answer.id);
            const isOld =
              asked?.method === "eth_getBlockByHash" &&
              String(asked.params?.[0]).toLowerCase() === oldHash.toLowerCase();
            return isOld && answer.result == null ? { ...answer, result: oldBlock } : answer;
          };
          const body = Array.isArray(got) ? got.map(patch) : patch(got);
          return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
        };
        try {
          expect(await finality(oldHash)).toMatchObject({
            block: { number: height, hash: oldHash },
            status: "not_canonical",
            finalized: false,
          });
        } finally {
          globalThis.fetch = realFetch;
        }
        expect(await finality(height)).toMatchObject({
          block: { number: height, hash: newHash.toLowerCase() },
          status: "pending",
          finalized: false,
        });

        const stored = (await env.FINALITY_KV.list({ prefix: "fin/" })).keys.map((k) => k.name.toLowerCase());
        for (const hash of [oldHash, newHash]) {
          expect(stored.filter((k) => k.includes(hash.toLowerCase().replace(/^0x/, "")))).toEqual([]);
        }
      } finally {
        await rpc("evm_revert", [reorged]);
      }
    } finally {
      // A revert that failed above leaves `original` unused: spend it so the head is back where it was.
      await rpc("evm_revert", [original]).catch(() => undefined);
    }
    expect(Number(await rpc("eth_blockNumber"))).toBe(votes.head);
  });
});
