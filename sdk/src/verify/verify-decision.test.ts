// verifyDecision (sdk/src/verify) over decisions made by the edge's own rule from real finality-provider signatures.
import { beforeAll, describe, expect, it } from "vitest";
import type { DecisionJson } from "../../../src/api/schemas.ts";
import { ruleSigningContexts } from "../../../src/contract-rules/index.ts";
import { bytesToHex, eotsSign, hexToBytes, voteMessage, xOnlyPublicKey } from "../../../src/crypto/index.ts";
import { fakeChain, reorgChain } from "../../../test/support/fake-finality-sources.ts";
import {
  BTC_HEIGHT,
  copy,
  createWorld,
  flipByte,
  M,
  OPTIONS,
  type World,
  withoutEvidence,
} from "../../../test/support/verify-world.ts";
import { type FinalityDecision, type VerificationResult, verifyDecision } from "./index.ts";

// The edge's JSON type must be accepted as it is, with no conversion.
const accepts = (d: DecisionJson): FinalityDecision => d;

let world: World;
let finalized: DecisionJson;
beforeAll(async () => {
  world = await createWorld();
  await world.vote(10, ["fp-1", "fp-2"]);
  await world.vote(15, ["fp-1", "fp-2"]);
  await world.vote(20, ["fp-1", "fp-2", "fp-3"]);
  // 6M of 10M: below 2/3.
  await world.vote(25, ["fp-1", "fp-3"]);
  // A quorum, but 25 is not finalized.
  await world.vote(30, ["fp-1", "fp-2"]);
  finalized = await world.decide(20);
});

const failed = (result: VerificationResult) => result.failures.map((c) => c.name);
const verify = (decision: unknown, options = {}) =>
  verifyDecision(decision as FinalityDecision, { ...OPTIONS, ...options });

describe("verifyDecision on real decisions", () => {
  it("accepts a finalized on-grid decision and lists every check it ran", async () => {
    expect(finalized).toMatchObject({ finalized: true, status: "finalized", gridHeight: 20, btcHeight: 230 });
    const result = await verify(accepts(finalized));
    expect(result).toMatchObject({
      valid: true,
      level: "decision",
      block: { number: 20, hash: finalized.block.hash },
      gridBlock: { number: 20, hash: finalized.block.hash },
      failures: [],
    });
    expect(result.checks.map((c) => c.name)).toEqual([
      "shape",
      "finalized-claim",
      "evidence",
      "grid",
      "signatures",
      "distinct-voters",
      "voted-power",
      "quorum",
    ]);
    expect(result.checks.find((c) => c.name === "signatures")?.detail).toContain("3 EOTS signatures verify");
    expect(result.checks.find((c) => c.name === "quorum")?.detail).toBe(
      `${9n * M} of ${10n * M} at 2/3: threshold 6666667, reached`,
    );
    // The decision level trusts Babylon's facts and the L2 chain; it says so.
    expect(result.trusts.join("\n")).toMatch(/pubRand.*committed/);
    expect(result.trusts.join("\n")).toMatch(/voting-power table/);
    expect(result.trusts.join("\n")).toMatch(/previous grid block is BTC-finalized/);
    expect(result.trusts.join("\n")).toMatch(/canonical on the L2 chain/);
  });

  it("rejects a flipped signature byte, naming the voter", async () => {
    const tampered = copy(finalized);
    const voter = tampered.voters[1];
    if (!voter) throw new Error("no voter");
    voter.signature = flipByte(voter.signature, 31);
    const result = await verify(tampered);
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["signatures"]);
    expect(result.failures[0]?.detail).toContain(voter.fpBtcPk);
    expect(result.failures[0]?.detail).toContain("Failed to verify signature: EOTS");
  });

  it("rejects a flipped pubRand byte and a signature for another block", async () => {
    const pubRand = copy(finalized);
    if (pubRand.voters[0]) pubRand.voters[0].pubRand = flipByte(pubRand.voters[0].pubRand, 5);
    expect(failed(await verify(pubRand))).toEqual(["signatures"]);
    // Another block named consistently (block and grid block): the votes sign neither.
    const other = copy(finalized);
    other.block.hash = world.chain[21]?.hash ?? "";
    if (other.gridBlock) other.gridBlock.hash = other.block.hash;
    expect(failed(await verify(other))).toEqual(["signatures"]);
  });

  it("rejects a dropped voter that breaks quorum", async () => {
    const dropped = copy(finalized);
    // fp-2 (3M) and fp-3 (2M) gone: 4M of 10M.
    dropped.voters = dropped.voters.slice(0, 1);
    const asStated = await verify(dropped);
    expect(asStated.valid).toBe(false);
    expect(failed(asStated)).toEqual(["voted-power", "quorum"]);
    expect(asStated.failures[0]?.detail).toBe(
      `voted power ${9n * M}, but the voters' stated powers sum to ${4n * M}`,
    );

    // An edge that also lowers the voted power still claims `reached`: the rule's arithmetic says otherwise.
    const recounted = copy(dropped);
    if (recounted.quorum) recounted.quorum.votedPower = String(4n * M);
    const result = await verify(recounted);
    expect(failed(result)).toEqual(["quorum"]);
    expect(result.failures[0]?.detail).toBe("at 2/3: reached true, recomputed false");
  });

  it("rejects a wrong Babylon chain id, a wrong contract address and the empty context", async () => {
    for (const options of [
      { babylonChainId: "bbn-test-6" },
      { contractAddress: "bbn1anotherfinalitycontract" },
      { emptySigningContext: true },
    ]) {
      const result = await verify(finalized, options);
      expect(result.valid).toBe(false);
      expect(failed(result)).toEqual(["signatures"]);
      expect(result.failures[0]?.detail).toMatch(/^3 of 3 signatures fail/);
    }
  });

  it("rejects a duplicated voter, even when the voted power counts it twice", async () => {
    const doubled = copy(finalized);
    const first = doubled.voters[0];
    if (!first || !doubled.quorum) throw new Error("no voter");
    doubled.voters.push({ ...first });
    const result = await verify(doubled);
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["distinct-voters"]);
    expect(result.failures[0]?.detail).toBe(`listed more than once: ${first.fpBtcPk}`);

    doubled.quorum.votedPower = String(13n * M);
    // Each FP counts once, as in the rule: 9M, not 13M.
    expect(failed(await verify(doubled))).toEqual(["distinct-voters", "voted-power"]);
  });

  it("rejects an inflated stated power or total, but not a consistent scaling (only Babylon can tell)", async () => {
    const power = copy(finalized);
    if (power.voters[0]) power.voters[0].power = String(5n * M);
    expect(failed(await verify(power))).toEqual(["voted-power"]);

    const total = copy(finalized);
    if (total.quorum) total.quorum.totalPower = String(20n * M);
    const inflated = await verify(total);
    expect(failed(inflated)).toEqual(["quorum"]);
    expect(inflated.failures[0]?.detail).toBe(
      "at 2/3: threshold 6666667, recomputed 13333334; reached true, recomputed false",
    );

    const scaled = copy(finalized);
    for (const v of scaled.voters) v.power = String(BigInt(v.power) * 10n);
    if (scaled.quorum)
      scaled.quorum = {
        votedPower: String(90n * M),
        totalPower: String(100n * M),
        threshold: "66666667",
        reached: true,
      };
    expect((await verify(scaled)).valid).toBe(true);
  });

  it("reports a pending decision as proving nothing, while its evidence is consistent", async () => {
    const pending = await world.decide(25);
    expect(pending).toMatchObject({ finalized: false, status: "pending", quorum: { reached: false } });
    const result = await verify(pending);
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["finalized-claim"]);
    expect(result.failures[0]?.detail).toBe(
      "the edge does not claim finality: status pending (quorum not reached at grid height 25)",
    );

    // Quorum at 30, but its predecessor 25 has none: the edge says pending, and so does the verifier.
    const chain = await verify(await world.decide(30));
    expect(failed(chain)).toEqual(["finalized-claim"]);
    expect(chain.failures[0]?.detail).toContain("previous grid block 25");
  });

  it("cannot see the chain condition: a finalized claim for 30 with its real quorum passes (Babylon level needed)", async () => {
    const lie = copy(await world.decide(30));
    Object.assign(lie, { finalized: true, status: "finalized" });
    delete lie.reason;
    const result = await verify(lie);
    expect(result.valid).toBe(true);
    expect(result.trusts.join("\n")).toContain("previous grid block is BTC-finalized");
  });

  it("rejects a finalized answer whose own quorum is not reached", async () => {
    const lie = copy(await world.decide(25));
    Object.assign(lie, { finalized: true, status: "finalized" });
    expect(failed(await verify(lie))).toEqual(["finalized-claim"]);
  });

  it("verifies an answer the edge gave from its finalized tip like any other: it carries the grid block's votes", async () => {
    const fromTip = await world.decide(15, 20);
    expect(fromTip).toMatchObject({
      finalized: true,
      reason: "at or below the finalized tip",
      gridHeight: 15,
      gridBlock: { number: 15, hash: world.chain[15]?.hash },
      btcHeight: BTC_HEIGHT,
      quorum: { reached: true },
    });
    expect(fromTip.voters).toHaveLength(2);
    const result = await verify(fromTip);
    expect(result).toMatchObject({ valid: true, failures: [] });
    expect(result.checks.find((c) => c.name === "signatures")?.detail).toContain("2 EOTS signatures verify");
  });

  it("fails closed on a tip answer whose recomputed power is below quorum: only the tip vouches for it", async () => {
    // 25 has 6M of 10M; a tip at 30 covers it, so the edge still answers finalized and says why.
    const short = await world.decide(25, 30);
    expect(short).toMatchObject({
      finalized: true,
      status: "finalized",
      reason: "at or below the finalized tip; today's recomputed power is below quorum",
      quorum: { reached: false },
    });
    const result = await verify(short);
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["finalized-claim"]);
    expect(result.failures[0]?.detail).toBe(
      `finalized by the edge's finalized tip, but today's recomputed power (${6n * M} of ${10n * M}, threshold ` +
        "6666667) is below quorum: the evidence no longer proves it, only the edge's word does",
    );
  });

  it("fails a finalized answer without evidence (one stored before tip answers carried it, or hand-made)", async () => {
    const bare = withoutEvidence(await world.decide(15, 20));
    const result = await verify(bare);
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["evidence"]);
    expect(result.failures[0]?.detail).toBe(
      "the answer carries no btcHeight, quorum, voters (edge: at or below the finalized tip): it proves nothing " +
        "by itself; verify it with Babylon, or verify the answer for its grid block",
    );
  });

  it("rejects malformed answers without throwing", async () => {
    for (const [answer, detail] of [
      [null, "the answer is not a JSON object"],
      [{ ...finalized, status: "pending" }, "finalized is true but status is pending"],
      [{ ...finalized, block: { ...finalized.block, hash: "0x12" } }, "block.hash is not a 32-byte 0x hash"],
      [
        { ...finalized, quorum: { ...finalized.quorum, votedPower: 9 } },
        "quorum.votedPower is not a decimal string",
      ],
      [
        { ...finalized, voters: [{ ...finalized.voters[0], fpBtcPk: "zz" }] },
        "voters[0].fpBtcPk is not a 32-byte hex key",
      ],
      [
        { ...finalized, voters: [{ ...finalized.voters[0], signature: "abc" }] },
        "voters[0].signature is not hex",
      ],
      [{ ...finalized, gridHeight: undefined }, "gridHeight is neither null nor a height"],
    ] as const) {
      const result = await verify(answer);
      expect(result.valid).toBe(false);
      expect(result.checks).toEqual([{ name: "shape", ok: false, detail }]);
    }
    // A short signature is well-formed JSON; its length is the contract's to refuse.
    const short = copy(finalized);
    if (short.voters[0]) short.voters[0].signature = "abcd";
    const result = await verify(short);
    expect(failed(result)).toEqual(["signatures"]);
    expect(result.failures[0]?.detail).toContain(
      "EOTS error: Invalid input length: expected 32 bytes, got 2",
    );
  });

  it("throws for bad options, not for bad answers", async () => {
    await expect(verify(finalized, { quorum: { numerator: 4, denominator: 3 } })).rejects.toMatchObject({
      code: "invalid_finality_config",
    });
    await expect(verify(finalized, { babylonChainId: "" })).rejects.toBeInstanceOf(TypeError);
    await expect(verify(finalized, { gridBlockHash: "0x12" })).rejects.toBeInstanceOf(TypeError);
  });

  it("applies the chain's quorum ratio: 9M of 10M is no 19/20 quorum", async () => {
    const result = await verify(finalized, { quorum: { numerator: 19, denominator: 20 } });
    expect(failed(result)).toEqual(["quorum"]);
    expect(result.failures[0]?.detail).toBe(
      "at 19/20: threshold 6666667, recomputed 9500000; reached true, recomputed false",
    );
  });

  it("checks the answer is about the block asked for, and the grid height against the schedule", async () => {
    const other = world.chain[21]?.hash ?? "";
    const wrong = await verify(finalized, { expected: { number: 20, hash: other } });
    expect(failed(wrong)).toEqual(["block"]);
    expect(
      (await verify(finalized, { expected: { number: 20, hash: finalized.block.hash.toUpperCase() } })).valid,
    ).toBe(true);

    const scheduled = await verify(finalized, { schedule: { activationHeight: 10, interval: 5 } });
    expect(scheduled.checks.find((c) => c.name === "grid")?.detail).toBe(
      "on the grid (activation 10, interval 5)",
    );
    const offSchedule = await verify(finalized, { schedule: { activationHeight: 12, interval: 5 } });
    expect(failed(offSchedule)).toEqual(["grid"]);
  });

  it("verifies an empty-context deployment only with emptySigningContext", async () => {
    const w = await createWorld();
    await w.vote(10, ["fp-1", "fp-2"], { emptySigningContext: true });
    const decision = await w.decide(10);
    expect(failed(await verify(decision))).toEqual(["signatures"]);
    expect((await verify(decision, { emptySigningContext: true })).valid).toBe(true);
  });

  it("proves a signature by a key that never committed randomness just the same (Babylon level needed)", async () => {
    // Anyone can sign with a key and nonce of their own: valid EOTS, no commitment, no stake.
    const stranger = copy(finalized);
    const sk = new Uint8Array(32).fill(9);
    const k = new Uint8Array(32).fill(11);
    const block = world.chain[20];
    if (!block || !stranger.quorum) throw new Error("no block");
    const message = voteMessage(ruleSigningContexts(OPTIONS).vote, 20n, hexToBytes(block.hash.slice(2)));
    stranger.voters.push({
      fpBtcPk: bytesToHex(xOnlyPublicKey(sk)),
      power: String(5n * M),
      pubRand: bytesToHex(xOnlyPublicKey(k)),
      signature: bytesToHex(eotsSign(sk, k, message)),
    });
    stranger.quorum = {
      ...stranger.quorum,
      votedPower: String(14n * M),
      totalPower: String(15n * M),
      threshold: "10000000",
    };
    expect((await verify(stranger)).valid).toBe(true);
  });

  it("handles a pending tx answer without a block", async () => {
    const tx = {
      chain: "op-rollup",
      block: null,
      finalized: false,
      status: "pending",
      reason: "transaction not mined yet",
      gridHeight: null,
      btcHeight: null,
      quorum: null,
      voters: [],
      txHash: `0x${"ab".repeat(32)}`,
    };
    const result = await verify(tx);
    expect(result).toMatchObject({ valid: false, block: null, gridBlock: null });
    expect(failed(result)).toEqual(["finalized-claim"]);
    expect(result.trusts.join("\n")).toContain(`the transaction ${tx.txHash} is in this block`);
  });
});

describe("verifyDecision off the grid", () => {
  let offGrid: DecisionJson;
  beforeAll(async () => {
    offGrid = await world.decide(18);
  });

  it("checks the votes over the answer's grid block, trusting its canonicity and the ancestry", async () => {
    const grid = world.chain[20];
    expect(offGrid).toMatchObject({
      block: { number: 18 },
      gridHeight: 20,
      gridBlock: { number: 20, hash: grid?.hash, timestamp: Number(grid?.timestamp) },
      finalized: true,
    });
    const result = await verify(offGrid);
    expect(result).toMatchObject({ valid: true, gridBlock: { number: 20, hash: grid?.hash } });
    expect(result.checks.find((c) => c.name === "signatures")?.detail).toBe(
      `3 EOTS signatures verify for block 20 ${grid?.hash}`,
    );
    expect(result.trusts.join("\n")).toContain(
      `grid block 20 ${grid?.hash} (the answer's gridBlock), whose hash the votes sign, is canonical on the L2 ` +
        "chain and the block is its ancestor by parent hashes (pass l2 to check both on a node you trust)",
    );
  });

  it("rejects an answer whose grid block is not at its grid height, or on the grid is another block", async () => {
    const elsewhere = copy(offGrid);
    if (elsewhere.gridBlock) elsewhere.gridBlock.number = 25;
    const moved = await verify(elsewhere);
    expect(failed(moved)).toEqual(["grid"]);
    expect(moved.failures[0]?.detail).toBe("the answer's grid block is at 25, its gridHeight 20");

    const other = copy(finalized);
    if (other.gridBlock) other.gridBlock.hash = world.chain[21]?.hash ?? "";
    const result = await verify(other);
    expect(failed(result)).toEqual(["grid"]);
    expect(result.failures[0]?.detail).toBe(
      `on the grid, but the answer's grid block ${world.chain[21]?.hash} is not the block itself`,
    );
  });

  it("needs the grid block's hash when an older answer does not name it", async () => {
    const older = copy(offGrid) as Partial<DecisionJson>;
    delete older.gridBlock;
    const result = await verify(older);
    expect(result.valid).toBe(false);
    expect(result.gridBlock).toEqual({ number: 20, hash: null });
    expect(failed(result)).toEqual(["signatures"]);
    expect(result.failures[0]?.detail).toContain("pass gridBlockHash or l2");

    const vouched = await verify(older, { gridBlockHash: world.chain[20]?.hash });
    expect(vouched.valid).toBe(true);
    expect(vouched.trusts.join("\n")).toContain(
      `an ancestor of grid block 20 ${world.chain[20]?.hash} (the hash you passed)`,
    );
    expect(failed(await verify(older, { gridBlockHash: world.chain[21]?.hash }))).toEqual(["signatures"]);
  });

  it("takes the caller's grid block hash, which must be the answer's", async () => {
    const result = await verify(offGrid, { gridBlockHash: world.chain[20]?.hash });
    expect(result.valid).toBe(true);
    expect(result.trusts.join("\n")).toContain(
      `an ancestor of grid block 20 ${world.chain[20]?.hash} (the hash you passed)`,
    );
    const other = await verify(offGrid, { gridBlockHash: world.chain[21]?.hash });
    expect(failed(other)).toEqual(["grid"]);
    expect(other.failures[0]?.detail).toBe(
      `the answer's grid block ${world.chain[20]?.hash} is not the gridBlockHash you passed, ${world.chain[21]?.hash}`,
    );
  });

  it("verifies the ancestry and the grid hash with an L2 reader", async () => {
    const result = await verify(offGrid, { l2: world.l2 });
    expect(result.valid).toBe(true);
    expect(result.gridBlock).toEqual({ number: 20, hash: world.chain[20]?.hash });
    expect(result.checks.find((c) => c.name === "l2-block")?.detail).toBe(
      `canonical on the L2 node, an ancestor of grid block 20 ${world.chain[20]?.hash}`,
    );
    expect(result.trusts.join("\n")).not.toContain("canonical on the L2 chain");
  });

  it("fails when the caller's L2 node disagrees: another chain, a reorg between the block and its grid block", async () => {
    const elsewhere = { blockAt: async (n: bigint) => fakeChain(40, 7)[Number(n)] ?? null };
    const other = await verify(offGrid, { l2: elsewhere });
    // The votes do sign the answer's grid block; that block is what the caller's chain does not have.
    expect(failed(other)).toEqual(["l2-block"]);
    expect(other.failures[0]?.detail).toContain("not canonical on the L2 node");

    // A reorg above 18: it is still an ancestor of the new grid block 20, which nobody voted for.
    const reorged = reorgChain(world.chain, 19, 3);
    const afterReorg = await verify(offGrid, {
      l2: { blockAt: async (n: bigint) => reorged[Number(n)] ?? null },
    });
    expect(afterReorg.gridBlock).toEqual({ number: 20, hash: world.chain[20]?.hash });
    expect(failed(afterReorg)).toEqual(["l2-block"]);
    expect(afterReorg.failures[0]?.detail).toBe(
      `the answer's grid block 20 ${world.chain[20]?.hash} (timestamp ${world.chain[20]?.timestamp}) is not the ` +
        `L2 node's ${reorged[20]?.hash} (timestamp ${reorged[20]?.timestamp})`,
    );
    // An older answer names no grid block: the L2 node's is checked, which nobody voted for.
    const older = copy(offGrid) as Partial<DecisionJson>;
    delete older.gridBlock;
    const olderAfterReorg = await verify(older, {
      l2: { blockAt: async (n: bigint) => reorged[Number(n)] ?? null },
    });
    expect(olderAfterReorg.gridBlock).toEqual({ number: 20, hash: reorged[20]?.hash });
    expect(failed(olderAfterReorg)).toEqual(["signatures"]);

    // A grid block whose parent-hash chain does not reach 18.
    const unlinked = world.chain.map((b) =>
      b.number === 20n ? { ...b, parentHash: `0x${"00".repeat(32)}` as const } : b,
    );
    const broken = await verify(offGrid, {
      l2: { blockAt: async (n: bigint) => unlinked[Number(n)] ?? null },
    });
    expect(failed(broken)).toEqual(["l2-block"]);
    expect(broken.failures[0]?.detail).toBe("block 18 is not an ancestor of grid block 20 on the L2 node");

    const down = { blockAt: async () => Promise.reject(new Error("connection refused")) };
    const unreachable = await verify(offGrid, { l2: down });
    expect(unreachable.failures[0]?.detail).toBe("the L2 node could not be read: Error: connection refused");
  });
});
