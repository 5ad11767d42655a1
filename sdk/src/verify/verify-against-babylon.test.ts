// verifyAgainstBabylon / verifyWithBabylon (sdk/src/verify) over Babylon readers that hold the world's real votes
// and power table: the facts the answer states are re-read and every mismatch is a named failure.
import { beforeAll, describe, expect, it } from "vitest";
import type { DecisionJson } from "../../../src/api/schemas.ts";
import { ruleSigningContexts } from "../../../src/contract-rules/index.ts";
import { bytesToHex, eotsSign, hexToBytes, voteMessage, xOnlyPublicKey } from "../../../src/crypto/index.ts";
import {
  BSN_ID,
  BTC_HEIGHT,
  copy,
  createWorld,
  M,
  OPTIONS,
  type World,
  withoutEvidence,
} from "../../../test/support/verify-world.ts";
import {
  type BabylonReaders,
  type FinalityDecision,
  type VerificationResult,
  verifyAgainstBabylon,
  verifyWithBabylon,
} from "./index.ts";

let world: World;
let finalized: DecisionJson;
beforeAll(async () => {
  world = await createWorld();
  await world.vote(10, ["fp-1", "fp-2"]);
  await world.vote(15, ["fp-1", "fp-2"]);
  await world.vote(20, ["fp-1", "fp-2", "fp-3"]);
  await world.vote(25, ["fp-1", "fp-3"]);
  await world.vote(30, ["fp-1", "fp-2"]);
  await world.vote(35, ["fp-1", "fp-2"]);
  finalized = await world.decide(20);
});

const failed = (result: VerificationResult) => result.failures.map((c) => c.name);
const verify = (decision: unknown, options: object = {}, readers: BabylonReaders = world.readers()) =>
  verifyAgainstBabylon(decision as FinalityDecision, readers, {
    ...OPTIONS,
    babylonLabel: "fake://babylon",
    ...options,
  });

describe("verifyAgainstBabylon", () => {
  it("accepts a real finalized decision, re-reading voters, BTC height and powers", async () => {
    const readers = world.readers();
    const result = await verify(finalized, {}, readers);
    expect(result).toMatchObject({ valid: true, level: "babylon", failures: [] });
    expect(result.checks.map((c) => c.name)).toEqual([
      "shape",
      "finalized-claim",
      "evidence",
      "grid",
      "signatures",
      "distinct-voters",
      "voted-power",
      "quorum",
      "contract",
      "babylon-voters",
      "btc-height",
      "babylon-power",
      "babylon-quorum",
    ]);
    expect(result.checks.find((c) => c.name === "grid")?.detail).toBe(
      "on the grid (activation 10, interval 5)",
    );
    expect(result.babylon).toEqual({
      btcHeight: BTC_HEIGHT,
      votedPower: String(9n * M),
      totalPower: String(10n * M),
      threshold: "6666667",
      reached: true,
      voters: 3,
    });
    expect(readers.calls).toEqual({ contractConfig: 1, blockVoters: 1, btcHeightAt: 1, powerTable: 1 });
    const trusts = result.trusts.join("\n");
    expect(trusts).toContain("fake://babylon");
    expect(trusts).toContain("Babylon's current delegations and slashings");
    expect(trusts).toContain("grid blocks below 20 are BTC-finalized");
    expect(trusts).not.toMatch(/pubRand is the one/);
  });

  it("catches an edge that lies about power consistently (every power and the total scaled)", async () => {
    const scaled = copy(finalized);
    for (const v of scaled.voters) v.power = String(BigInt(v.power) * 10n);
    scaled.quorum = {
      votedPower: String(90n * M),
      totalPower: String(100n * M),
      threshold: "66666667",
      reached: true,
    };
    const result = await verify(scaled);
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["babylon-power"]);
    expect(result.failures[0]?.detail).toContain(`total stated ${100n * M}, Babylon ${10n * M}`);
  });

  it("catches a made-up voter whose signature verifies, and a hidden one", async () => {
    const sk = new Uint8Array(32).fill(9);
    const k = new Uint8Array(32).fill(11);
    const block = world.chain[20];
    if (!block) throw new Error("no block");
    const message = voteMessage(ruleSigningContexts(OPTIONS).vote, 20n, hexToBytes(block.hash.slice(2)));
    const stranger = bytesToHex(xOnlyPublicKey(sk));
    const invented = copy(finalized);
    invented.voters.push({
      fpBtcPk: stranger,
      power: String(5n * M),
      pubRand: bytesToHex(xOnlyPublicKey(k)),
      signature: bytesToHex(eotsSign(sk, k, message)),
    });
    invented.quorum = {
      votedPower: String(14n * M),
      totalPower: String(15n * M),
      threshold: String(10n * M),
      reached: true,
    };
    const result = await verify(invented);
    expect(failed(result)).toEqual(["babylon-voters", "babylon-power"]);
    expect(result.failures[0]?.detail).toBe(`${stranger} is not among Babylon's voters`);

    const hidden = copy(finalized);
    const gone = hidden.voters.pop();
    if (hidden.quorum) hidden.quorum.votedPower = String(7n * M);
    const omitted = await verify(hidden);
    expect(failed(omitted)).toEqual(["babylon-voters"]);
    expect(omitted.failures[0]?.detail).toBe(`Babylon's voter ${gone?.fpBtcPk} is missing from the answer`);
  });

  it("catches a lie about the BTC height, and a stale answer whose power Babylon no longer counts", async () => {
    const height = copy(finalized);
    height.btcHeight = BTC_HEIGHT - 5;
    const result = await verify(height);
    expect(failed(result)).toEqual(["btc-height"]);
    expect(result.failures[0]?.detail).toBe(
      `the answer uses BTC height ${BTC_HEIGHT - 5}; Babylon gives ${BTC_HEIGHT} for timestamp ${finalized.block.timestamp}`,
    );

    // fp-2 slashed after the decision: Babylon's power now leaves it out, retroactively.
    const fp2 = world.signers["fp-2"].publicKeyHex;
    const readers = world.readers({
      async powerTable(_bsn, btcHeight) {
        const providers = [...world.powers].map(([btcPk, power]) => ({
          btcPk,
          power: btcPk === fp2 ? 0n : power,
          slashed: btcPk === fp2,
        }));
        return { btcHeight: Number(btcHeight), totalPower: 7n * M, providers };
      },
    });
    const stale = await verify(finalized, {}, readers);
    expect(failed(stale)).toEqual(["babylon-power"]);
    // Babylon's own count still reaches quorum (6M of 7M): the result says so for the bridge to weigh.
    expect(stale.babylon).toMatchObject({
      votedPower: String(6n * M),
      totalPower: String(7n * M),
      reached: true,
    });
  });

  it("verifies an answer from the edge's tip with its evidence, and an older one without from Babylon's votes alone", async () => {
    const fromTip = await world.decide(15, 20);
    const full = await verify(fromTip);
    expect(full.valid).toBe(true);
    expect(full.checks.find((c) => c.name === "babylon-voters")?.detail).toContain("the answer's 2 voters");

    const older = withoutEvidence(fromTip);
    const result = await verify(older);
    expect(result.valid).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      "shape",
      "finalized-claim",
      "evidence",
      "grid",
      "contract",
      "babylon-voters",
      "btc-height",
      "babylon-power",
      "babylon-quorum",
    ]);
    expect(result.checks.find((c) => c.name === "babylon-voters")?.detail).toContain(
      "the answer listed none",
    );
  });

  it("fails closed on a tip answer whose recomputed power is below quorum, and shows Babylon's count", async () => {
    const short = await world.decide(25, 30);
    const result = await verify(short);
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["finalized-claim", "babylon-quorum"]);
    expect(result.babylon).toMatchObject({
      votedPower: String(6n * M),
      totalPower: String(10n * M),
      reached: false,
    });
  });

  it("re-decides previous grid blocks with previousGrids and l2: a finalized claim whose predecessor has no quorum fails", async () => {
    const lie = copy(await world.decide(30));
    Object.assign(lie, { finalized: true, status: "finalized" });
    delete lie.reason;
    expect((await verify(lie)).valid).toBe(true);
    const result = await verify(lie, { previousGrids: 1, l2: world.l2 });
    expect(failed(result)).toEqual(["previous-grids"]);
    expect(result.failures[0]?.detail).toMatch(
      /^previous grid block 25 0x[0-9a-f]{64} is not finalized over Babylon \(pending: quorum not reached at grid height 25\)$/,
    );

    // The honest 20 with its whole ancestry: 15 and 10 re-decided, nothing left on trust.
    const whole = await verify(finalized, { previousGrids: 5, l2: world.l2 });
    expect(whole.valid).toBe(true);
    expect(whole.checks.find((c) => c.name === "previous-grids")?.detail).toBe(
      "previous grid blocks from 15 down to activation 10 are finalized over Babylon",
    );
    expect(whole.trusts.join("\n")).not.toContain("grid blocks below");

    // 35 ← 30 ← 25: checking one step finds nothing wrong with 30's own quorum but 25 has none.
    const deep = copy(await world.decide(35));
    Object.assign(deep, { finalized: true, status: "finalized" });
    const one = await verify(deep, { previousGrids: 1, l2: world.l2 });
    expect(one.valid).toBe(true);
    expect(one.trusts.join("\n")).toContain("grid blocks below 30 are BTC-finalized");
    expect(failed(await verify(deep, { previousGrids: 2, l2: world.l2 }))).toEqual(["previous-grids"]);
  });

  it("verifies an off-grid answer by its grid block: votes and BTC height from it, the ancestry with l2", async () => {
    const offGrid = await world.decide(18);
    const grid = world.chain[20];
    const readers = world.readers();
    const bare = await verify(offGrid, {}, readers);
    expect(bare.valid).toBe(true);
    expect(bare.checks.find((c) => c.name === "btc-height")?.detail).toBe(
      `BTC height ${BTC_HEIGHT} for timestamp ${grid?.timestamp}`,
    );
    expect(readers.calls.blockVoters).toBe(1);
    const trusts = bare.trusts.join("\n");
    expect(trusts).toContain(`the grid block's timestamp ${grid?.timestamp} as the answer states it`);
    expect(trusts).toContain(`grid block 20 ${grid?.hash} (the answer's gridBlock)`);

    const withL2 = await verify(offGrid, { l2: world.l2 });
    expect(withL2.valid).toBe(true);
    expect(withL2.checks.find((c) => c.name === "btc-height")?.ok).toBe(true);
    expect(withL2.trusts.join("\n")).not.toContain("as the answer states it");
    expect(withL2.trusts.join("\n")).not.toContain("canonical on the L2 chain");
  });

  it("verifies an older off-grid answer (no gridBlock) only with gridBlockHash or l2", async () => {
    const older = copy(await world.decide(18)) as Partial<DecisionJson>;
    delete older.gridBlock;
    const withoutL2 = await verify(older);
    expect(failed(withoutL2)).toEqual(["signatures", "babylon-voters"]);
    const withHash = await verify(older, { gridBlockHash: world.chain[20]?.hash });
    expect(withHash.valid).toBe(true);
    expect(withHash.checks.some((c) => c.name === "btc-height")).toBe(false);
    expect(withHash.trusts.join("\n")).toContain("the edge's BTC height 230");
    const withL2 = await verify(older, { l2: world.l2 });
    expect(withL2.valid).toBe(true);
    expect(withL2.checks.find((c) => c.name === "btc-height")?.ok).toBe(true);
    expect(withL2.trusts.join("\n")).not.toContain("the edge's BTC height");
  });

  it("fails closed when Babylon cannot be read, and names a BSN mismatch", async () => {
    const down = world.readers({
      blockVoters: () => Promise.reject(new Error("socket hang up")),
    });
    const unreachable = await verify(finalized, {}, down);
    expect(unreachable.valid).toBe(false);
    expect(unreachable.failures).toEqual([
      { name: "babylon-voters", ok: false, detail: "block_voters could not be read: Error: socket hang up" },
    ]);
    const noConfig = await verify(
      finalized,
      {},
      world.readers({ contractConfig: () => Promise.reject(new Error("502")) }),
    );
    expect(failed(noConfig)).toEqual(["contract"]);
    const otherBsn = await verify(finalized, { bsnId: "another-bsn" });
    expect(failed(otherBsn)).toEqual(["contract"]);
    expect(otherBsn.failures[0]?.detail).toBe(`the contract has BSN ${BSN_ID}, expected another-bsn`);
  });

  it("refuses bad options", async () => {
    await expect(verify(finalized, { previousGrids: 1 })).rejects.toThrow("previousGrids needs l2");
    await expect(verify(finalized, { previousGrids: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(
      verifyWithBabylon(finalized, { ...OPTIONS, babylonRpcUrl: "ftp://babylon" }),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it("verifyWithBabylon goes through the caller's fetch, and fails closed when it fails", async () => {
    const urls: string[] = [];
    const result = await verifyWithBabylon(finalized, {
      ...OPTIONS,
      babylonRpcUrl: "http://127.0.0.1:9/",
      fetch: async (input) => {
        urls.push(String(input instanceof Request ? input.url : input));
        throw new TypeError("fetch failed");
      },
    });
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["contract"]);
    expect(urls).toEqual(["http://127.0.0.1:9/"]);
  });
});
