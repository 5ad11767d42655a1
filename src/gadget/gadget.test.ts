// The gadget's semantics over an edge that answers from a small in-memory chain (finalized up to a tip), and over
// an edge that is down. The real path (SDK → Worker → emulator) is the stack e2e's gRPC test.
import { describe, expect, it } from "vitest";
import { NetworkError, NotFoundError, UpstreamUnavailableError } from "../../sdk/src/index.ts";
import { GadgetError, NOT_ACTIVATED_TEXT } from "./errors.ts";
import { createGadget, type GadgetEdge } from "./gadget.ts";

const hashOf = (n: number) => `0x${n.toString(16).padStart(64, "a")}` as `0x${string}`;
const info = (n: number, hash = hashOf(n)) => ({
  blockHash: hash,
  blockHeight: BigInt(n),
  blockTimestamp: BigInt(1_000 + n),
});

type World = {
  head: number;
  tip: number | null;
  activationHeight: number;
  btcActivatedAt: number | null;
  l1Finalized: number;
};

function fakeEdge(world: World): GadgetEdge {
  const block = (n: number) => ({ number: n, hash: hashOf(n), timestamp: 1_000 + n });
  const decision = (n: number) => ({ block: block(n), finalized: world.tip !== null && n <= world.tip });
  const notFound = () =>
    new NotFoundError({ status: 404, problem: undefined, fallbackCode: "block_not_found" });
  return {
    async getBlockFinality(id) {
      if (id === "finalized") return decision(world.l1Finalized) as never;
      const n =
        typeof id === "string" ? [...Array(world.head + 1).keys()].find((k) => hashOf(k) === id) : Number(id);
      if (n === undefined || n > world.head) throw notFound();
      return decision(n) as never;
    },
    async getFinalizedPrefix(blocks) {
      let last = null;
      for (const b of blocks) {
        const n = Number(b.number);
        if (n > world.head || hashOf(n) !== b.hash || world.tip === null || n > world.tip) break;
        last = { number: n, hash: b.hash };
      }
      return last;
    },
    async getStatus() {
      return {
        l2Head: block(world.head),
        finalizedTip: world.tip === null ? null : block(world.tip),
        activation: {
          height: world.activationHeight,
          btcHeight: 1,
          btcStakingActivatedAt: world.btcActivatedAt,
        },
      } as never;
    },
    async getTxFinality(hash) {
      if (hash === hashOf(999))
        throw new NotFoundError({ status: 404, problem: undefined, fallbackCode: "tx_not_found" });
      return { ...decision(7), block: block(7) } as never;
    },
  };
}

const world = (over: Partial<World> = {}): World => ({
  head: 20,
  tip: 10,
  activationHeight: 3,
  btcActivatedAt: 1_001,
  l1Finalized: 2,
  ...over,
});

const code = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GadgetError)
      return { code: error.code, message: error.shortMessage, field: error.field };
    throw error;
  }
  throw new Error("expected a GadgetError");
};

describe("gadget over the edge", () => {
  it("answers the longest finalized prefix of a consecutive range, 0 above the tip or for a reorged first block", async () => {
    const gadget = createGadget(fakeEdge(world()));
    expect(await gadget.blockRangeBabylonFinalized([8, 9, 10, 11, 12].map((n) => info(n)))).toBe(10n);
    expect(await gadget.blockRangeBabylonFinalized([4, 5].map((n) => info(n)))).toBe(5n);
    expect(await gadget.blockRangeBabylonFinalized([11, 12].map((n) => info(n)))).toBe(0n);
    expect(await gadget.blockRangeBabylonFinalized([info(8, hashOf(77)), info(9)])).toBe(0n);
    // A reorged block in the middle ends the prefix there (the reference ignores hashes).
    expect(await gadget.blockRangeBabylonFinalized([info(6), info(7, hashOf(78)), info(8)])).toBe(6n);
  });

  it("refuses empty and non-consecutive ranges with the reference's texts, and bad hashes naming the field", async () => {
    const gadget = createGadget(fakeEdge(world()));
    expect(await code(gadget.blockRangeBabylonFinalized([]))).toMatchObject({
      code: "invalid_argument",
      message: "blocks array is empty",
    });
    expect(await code(gadget.blockRangeBabylonFinalized([info(4), info(6)]))).toMatchObject({
      code: "invalid_argument",
      message: "blocks are not consecutive",
      field: "blocks[1].block_height",
    });
    expect(await code(gadget.blockRangeBabylonFinalized([{ ...info(4), blockHash: "0x12" }]))).toMatchObject({
      code: "invalid_argument",
      field: "blocks[0].block_hash",
    });
  });

  it("activation: the later of BTC staking's and the activation block's timestamp; op-node's text while not activated", async () => {
    expect(await createGadget(fakeEdge(world())).btcStakingActivatedTimestamp()).toBe(1_003n); // block 3 at 1003 > 1001
    expect(
      await createGadget(fakeEdge(world({ btcActivatedAt: 5_000 }))).btcStakingActivatedTimestamp(),
    ).toBe(5_000n);
    const notActive = await code(
      createGadget(fakeEdge(world({ btcActivatedAt: null }))).btcStakingActivatedTimestamp(),
    );
    expect(notActive.code).toBe("not_activated");
    expect(notActive.message).toContain(NOT_ACTIVATED_TEXT);
    const belowL2 = await code(createGadget(fakeEdge(world({ head: 2 }))).btcStakingActivatedTimestamp());
    expect(belowL2.message).toContain(NOT_ACTIVATED_TEXT);
  });

  it("checks the hash of a single block, answers off-grid heights, and the latest finalized block", async () => {
    const gadget = createGadget(fakeEdge(world()));
    expect(await gadget.isBlockBabylonFinalized(info(9))).toBe(true);
    expect(await gadget.isBlockBabylonFinalized(info(9, hashOf(5)))).toBe(false); // the hash is block 5's
    expect(await gadget.isBlockBabylonFinalized(info(9, hashOf(99)))).toBe(false); // unknown hash
    expect(await gadget.isBlockBabylonFinalized(info(15))).toBe(false);
    expect(await gadget.isBlockFinalizedByHeight(10n)).toBe(true);
    expect(await gadget.isBlockFinalizedByHeight(11n)).toBe(false);
    expect(await gadget.isBlockFinalizedByHeight(500n)).toBe(false);
    expect(await gadget.isBlockFinalizedByHash(hashOf(3).toUpperCase().replace("0X", ""))).toBe(true);
    expect(await gadget.latestFinalizedBlock()).toEqual({
      blockHash: hashOf(10),
      blockHeight: 10n,
      blockTimestamp: 1_010n,
    });
    expect(await code(createGadget(fakeEdge(world({ tip: null }))).latestFinalizedBlock())).toMatchObject({
      code: "not_found",
      message: "block not found",
    });
  });

  it("HTTP: a transaction's status by the reference's rules, and the chain sync status", async () => {
    const gadget = createGadget(fakeEdge(world()), { safeHead: async () => 8 });
    expect(await gadget.transaction(hashOf(1))).toEqual({
      txHash: hashOf(1),
      blockHash: hashOf(7).slice(2),
      status: "btc finalized",
      blockTimestamp: 1_007,
      blockHeight: 7,
      babylonFinalized: true,
    });
    expect((await createGadget(fakeEdge(world({ l1Finalized: 9 }))).transaction(hashOf(1))).status).toBe(
      "finalized",
    );
    expect(
      await createGadget(fakeEdge(world({ tip: 5 })), { safeHead: async () => 8 }).transaction(hashOf(1)),
    ).toMatchObject({
      status: "safe",
      babylonFinalized: false,
    });
    expect(await code(gadget.transaction("0x12"))).toMatchObject({
      code: "invalid_argument",
      message: "invalid EVM transaction hash",
    });
    expect(await code(gadget.transaction(hashOf(999)))).toMatchObject({
      code: "not_found",
      message: "not found",
    });
    expect(await gadget.chainSyncStatus()).toEqual({
      latest_block: 20,
      latest_btc_finalized_block: 10,
      earliest_btc_finalized_block: 3,
      latest_eth_finalized_block: 2,
    });
  });

  it("with the edge down, every question fails unavailable — nothing says finalized or 0", async () => {
    const down = new UpstreamUnavailableError({
      status: 503,
      problem: undefined,
      fallbackCode: "upstream_unavailable",
    });
    const broken: GadgetEdge = {
      getBlockFinality: async () => Promise.reject(down),
      getFinalizedPrefix: async () =>
        Promise.reject(new NetworkError({ details: "connect ECONNREFUSED 127.0.0.1:1" })),
      getStatus: async () => Promise.reject(down),
      getTxFinality: async () => Promise.reject(down),
    };
    const gadget = createGadget(broken);
    for (const call of [
      gadget.blockRangeBabylonFinalized([info(1), info(2)]),
      gadget.isBlockBabylonFinalized(info(1)),
      gadget.isBlockFinalizedByHeight(1n),
      gadget.isBlockFinalizedByHash(hashOf(1)),
      gadget.btcStakingActivatedTimestamp(),
      gadget.latestFinalizedBlock(),
      gadget.transaction(hashOf(1)),
      gadget.chainSyncStatus(),
    ]) {
      expect((await code(call)).code).toBe("unavailable");
    }
  });
});
