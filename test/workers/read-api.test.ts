import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/api/app.ts";
import { advanceFinalizedTips } from "../../src/api/scheduled.ts";
import { putFinalizedDecision } from "../../src/cache/index.ts";

// The read API inside workerd against the REAL Babylon emulator and anvil (started by global-setup.ts).
// The chains are passed as the CHAINS var of this env only, so other suites keep the wrangler.toml default.
const e2eEnv = { ...env, CHAINS: inject("e2eChains") } as Env;
const app = createApp();
const get = async (path: string, target: Env = e2eEnv) =>
  app.fetch(new Request(`http://edge.test${path}`), target);

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

  it("decides real blocks: below activation, and unvoted blocks never finalized", async () => {
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
    expect(await status.json()).toMatchObject({ chain: "edge-devnet", l2Head: 5, finalizedTip: null });
    const fps = await get("/v1/chains/edge-devnet/finality-providers");
    expect(fps.status).toBe(200);
    const table = (await fps.json()) as { providers: { btcPk: string; power: string }[] };
    expect(table.providers.length).toBeGreaterThan(0);
    expect(table.providers[0]?.btcPk).toMatch(/^[0-9a-f]{64}$/);
  });

  it("counts upstream requests: a decision reads both chains, a cached finalized one nothing", async () => {
    // A chain id of its own: nothing about it is in KV yet (cold contract config and power table).
    const cold = JSON.parse(inject("e2eChains")) as { id: string }[];
    const coldEnv = { ...env, CHAINS: JSON.stringify(cold.map((c) => ({ ...c, id: "edge-cold" }))) } as Env;
    const first = await countingRequests(() => get("/v1/chains/edge-cold/blocks/3/finality", coldEnv));
    expect(first.result.status).toBe(200);
    console.log(
      `e2e upstream HTTP requests, cold decision of block 3: l2=${first.l2} babylon=${first.babylon}`,
    );
    const warm = await countingRequests(() => get("/v1/chains/edge-cold/blocks/3/finality", coldEnv));
    console.log(
      `e2e upstream HTTP requests, warm (pending, not stored) block 3: l2=${warm.l2} babylon=${warm.babylon}`,
    );
    expect(first.l2).toBeGreaterThan(0);
    expect(first.babylon).toBeGreaterThan(0);
    const body = (await first.result.json()) as { block: { hash: string }; finalized: boolean };
    expect(body.finalized).toBe(false);

    // Store a finalized decision for block 2 (as a finalized read would), then ask by height.
    const two = (await (await get("/v1/chains/edge-devnet/blocks/2/finality")).json()) as {
      block: { hash: string };
    };
    const decision = {
      block: { number: 2n, hash: two.block.hash, timestamp: 0n },
      finalized: true,
      status: "finalized",
      gridHeight: 2n,
      btcHeight: 1n,
      quorum: null,
      voters: [],
      reason: "stored by the test",
    };
    await putFinalizedDecision(env.FINALITY_KV, "edge-devnet", 2, two.block.hash, decision);
    const cached = await countingRequests(() => get("/v1/chains/edge-devnet/blocks/2/finality"));
    expect(cached.result.status).toBe(200);
    expect(cached.result.headers.get("cache-control")).toContain("immutable");
    expect(await cached.result.json()).toMatchObject({ finalized: true, reason: "stored by the test" });
    expect({ l2: cached.l2, babylon: cached.babylon }).toEqual({ l2: 0, babylon: 0 });
  });

  it("404s an unknown block and tx; the cron moves no tip without votes", async () => {
    expect((await get(`/v1/chains/edge-devnet/blocks/0x${"11".repeat(32)}/finality`)).status).toBe(404);
    expect((await get(`/v1/chains/edge-devnet/txs/0x${"11".repeat(32)}/finality`)).status).toBe(404);
    const [result] = await advanceFinalizedTips(e2eEnv);
    expect(result).toMatchObject({ chain: "edge-devnet", from: null, to: null });
    expect(result?.error).toBeUndefined();
  });
});
