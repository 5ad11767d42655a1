import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createL2BlockReader,
  type FinalityDecision,
  type VerificationResult,
  verifyDecision,
  verifyWithBabylon,
} from "../../sdk/src/verify/index.ts";
import type { DecisionJson } from "../../src/api/schemas.ts";
import { CHAINS_CONFIG_KEY } from "../../src/cache/keys.ts";
import { ruleSigningContexts } from "../../src/contract-rules/index.ts";
import { bytesToHex, eotsSign, hexToBytes, voteMessage, xOnlyPublicKey } from "../../src/crypto/index.ts";
import { withoutEvidence } from "../support/verify-world.ts";

// The SDK's verifier inside workerd, on answers of the real Worker (`exports.default.fetch`, chains from KV
// config/chains) about the chains global-setup.ts votes on with the real Babylon emulator and anvil: the e2e chain
// (blocks 1–4 finalized, 5 below quorum, 6 a quorum after 5) and the powers chain (exact 2/3, a slashed FP).
// Chain ids of their own, so no other suite's cached answers or tips are read.
type Chain = { l2RpcUrl: string; babylonRpcUrl: string; babylonChainId: string; contractAddress: string };
const [e2e] = JSON.parse(inject("e2eChains")) as Chain[];
const [powers] = JSON.parse(inject("powersChains")) as Chain[];
if (!e2e || !powers) throw new Error("global-setup provided no chains");
const M = 1_000_000n;
const CHAINS = { verify: "edge-verify", tip: "edge-verify-tip", powers: "edge-verify-powers" } as const;

beforeAll(async () => {
  await env.FINALITY_KV.put(
    CHAINS_CONFIG_KEY,
    JSON.stringify([
      { ...e2e, id: CHAINS.verify },
      { ...e2e, id: CHAINS.tip },
      { ...powers, id: CHAINS.powers },
    ]),
  );
});
afterAll(async () => {
  await env.FINALITY_KV.delete(CHAINS_CONFIG_KEY);
});

async function answer(chain: string, height: number): Promise<DecisionJson> {
  const res = await exports.default.fetch(`http://edge.test/v1/chains/${chain}/blocks/${height}/finality`);
  expect(res.status).toBe(200);
  return res.json();
}
const copy = <T>(v: T): T => structuredClone(v);
const failed = (r: VerificationResult) => r.failures.map((c) => c.name);
const options = (c: Chain) => ({ babylonChainId: c.babylonChainId, contractAddress: c.contractAddress });
const withBabylon = (c: Chain) => ({ ...options(c), babylonRpcUrl: c.babylonRpcUrl });

describe("verifying the real Worker's answers", () => {
  const decisions: Awaited<ReturnType<typeof answer>>[] = [];
  beforeAll(async () => {
    // In order, so each is decided by its own quorum (with evidence) and not from the tip.
    for (let h = 1; h <= 4; h++) decisions.push(await answer(CHAINS.verify, h));
  });

  it("verifyDecision accepts the finalized answers, with the chain's quorum from GET /v1/chains", async () => {
    const res = await exports.default.fetch("http://edge.test/v1/chains");
    const { chains } = (await res.json()) as {
      chains: { id: string; quorum: { numerator: number; denominator: number } }[];
    };
    const quorum = chains.find((c) => c.id === CHAINS.verify)?.quorum;
    expect(quorum).toEqual({ numerator: 2, denominator: 3 });
    for (const decision of decisions) {
      expect(decision).toMatchObject({ finalized: true, status: "finalized" });
      const result = await verifyDecision(decision, { ...options(e2e), ...(quorum ? { quorum } : {}) });
      expect(result.failures).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it("verifyDecision rejects tampered copies, naming the check", async () => {
    const real = decisions[3];
    if (!real) throw new Error("no decision");
    const flipped = copy(real);
    const v0 = flipped.voters[0];
    if (!v0) throw new Error("no voter");
    flipped.voters[0] = {
      ...v0,
      signature: v0.signature.slice(0, 63) + (v0.signature.endsWith("0") ? "1" : "0"),
    };
    expect(failed(await verifyDecision(flipped, options(e2e)))).toEqual(["signatures"]);
    expect(failed(await verifyDecision(real, { ...options(e2e), babylonChainId: "bbn-other" }))).toEqual([
      "signatures",
    ]);
    const dropped = { ...copy(real), voters: real.voters.slice(1) };
    expect(failed(await verifyDecision(dropped, options(e2e)))).toContain("voted-power");
    const doubled = { ...copy(real), voters: [...real.voters, ...real.voters.slice(0, 1)] };
    expect(failed(await verifyDecision(doubled, options(e2e)))).toEqual(["distinct-voters"]);
  });

  it("verifyWithBabylon accepts the real answer over the emulator's RPC, re-deriving the BTC height", async () => {
    const real = decisions[3];
    if (!real) throw new Error("no decision");
    // Through the caller's fetch, counted: one JSON-RPC POST per Babylon query.
    let posts = 0;
    const counting: typeof fetch = (input, init) => {
      posts++;
      return fetch(input, init);
    };
    const result = await verifyWithBabylon(real, {
      ...withBabylon(e2e),
      bsnId: inject("e2eBsnId"),
      fetch: counting,
    });
    console.log(`verifyWithBabylon: ${posts} Babylon RPC requests for ${real.voters.length} voters`);
    expect(posts).toBeGreaterThan(0);
    expect(result.failures).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.checks.find((c) => c.name === "btc-height")).toMatchObject({ ok: true });
    expect(result.babylon).toMatchObject({ btcHeight: real.btcHeight, reached: true });
    expect(result.trusts.join("\n")).toContain(e2e.babylonRpcUrl);
  });

  it("verifyWithBabylon catches an edge that lies about power consistently, which verifyDecision cannot", async () => {
    const real = decisions[3];
    if (!real?.quorum) throw new Error("no decision");
    const scaled = copy(real);
    scaled.voters = scaled.voters.map((v) => ({ ...v, power: String(BigInt(v.power) * 3n) }));
    const total = BigInt(real.quorum.totalPower) * 3n;
    scaled.quorum = {
      votedPower: String(BigInt(real.quorum.votedPower) * 3n),
      totalPower: String(total),
      threshold: String((total * 2n + 2n) / 3n),
      reached: true,
    };
    expect((await verifyDecision(scaled, options(e2e))).valid).toBe(true);
    const result = await verifyWithBabylon(scaled, withBabylon(e2e));
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["babylon-power"]);
    expect(result.failures[0]?.detail).toContain(`total stated ${total}, Babylon ${real.quorum.totalPower}`);
  });

  it("verifyWithBabylon catches a lie about voters: a stranger's valid signature, and a hidden voter", async () => {
    const real = decisions[3];
    if (!real?.quorum) throw new Error("no decision");
    const sk = new Uint8Array(32).fill(21);
    const k = new Uint8Array(32).fill(22);
    const message = voteMessage(
      ruleSigningContexts(options(e2e)).vote,
      4n,
      hexToBytes(real.block.hash.slice(2)),
    );
    const stranger = bytesToHex(xOnlyPublicKey(sk));
    const invented = copy(real);
    const extra = 5n * M;
    invented.voters = [
      ...invented.voters,
      {
        fpBtcPk: stranger,
        power: String(extra),
        pubRand: bytesToHex(xOnlyPublicKey(k)),
        signature: bytesToHex(eotsSign(sk, k, message)),
      },
    ];
    const total = BigInt(real.quorum.totalPower) + extra;
    invented.quorum = {
      votedPower: String(BigInt(real.quorum.votedPower) + extra),
      totalPower: String(total),
      threshold: String((total * 2n + 2n) / 3n),
      reached: true,
    };
    expect((await verifyDecision(invented, options(e2e))).valid).toBe(true);
    const result = await verifyWithBabylon(invented, withBabylon(e2e));
    expect(failed(result)).toEqual(["babylon-voters", "babylon-power"]);
    expect(result.failures[0]?.detail).toBe(`${stranger} is not among Babylon's voters`);

    const hidden = copy(real);
    const [kept, gone] = real.voters;
    if (!kept || !gone) throw new Error("expected two voters");
    hidden.voters = real.voters.filter((v) => v !== gone);
    hidden.quorum = {
      ...real.quorum,
      votedPower: String(BigInt(real.quorum.votedPower) - BigInt(gone.power)),
      reached: false,
    };
    Object.assign(hidden, { finalized: false, status: "pending" });
    const omitted = await verifyWithBabylon(hidden, withBabylon(e2e));
    expect(failed(omitted)).toEqual(["finalized-claim", "babylon-voters"]);
    expect(omitted.failures[1]?.detail).toBe(`Babylon's voter ${gone.fpBtcPk} is missing from the answer`);
  });

  it("checks the chain condition with previousGrids and the caller's L2 node", async () => {
    const l2 = createL2BlockReader(e2e.l2RpcUrl, { cacheTime: 0 });
    const whole = await verifyWithBabylon(decisions[3] as FinalityDecision, {
      ...withBabylon(e2e),
      l2,
      previousGrids: 3,
    });
    expect(whole.failures).toEqual([]);
    expect(whole.checks.find((c) => c.name === "previous-grids")?.detail).toBe(
      "previous grid blocks from 3 down to activation 1 are finalized over Babylon",
    );
    expect(whole.trusts.join("\n")).not.toMatch(/canonical on the L2 chain|grid blocks below/);

    // Block 6 has a quorum, but 5 does not: the Worker says pending; a lying finalized copy passes the
    // decision level and Babylon's own quorum, and fails only the chain condition.
    const six = await answer(CHAINS.verify, 6);
    expect(six).toMatchObject({ finalized: false, status: "pending", quorum: { reached: true } });
    const lie = { ...copy(six), finalized: true, status: "finalized" };
    delete (lie as { reason?: string }).reason;
    expect((await verifyDecision(lie, options(e2e))).valid).toBe(true);
    expect((await verifyWithBabylon(lie, withBabylon(e2e))).valid).toBe(true);
    const checked = await verifyWithBabylon(lie, { ...withBabylon(e2e), l2, previousGrids: 1 });
    expect(failed(checked)).toEqual(["previous-grids"]);
    expect(checked.failures[0]?.detail).toContain("previous grid block 5");
  });

  it("an answer from the edge's tip carries its grid block's votes; an older one without is read from Babylon", async () => {
    // Deciding 4 first moves this chain's tip to 4; then 2 is answered from the tip, with its own evidence.
    expect(await answer(CHAINS.tip, 4)).toMatchObject({ finalized: true });
    const fromTip = await answer(CHAINS.tip, 2);
    expect(fromTip).toMatchObject({
      finalized: true,
      reason: "at or below the finalized tip",
      gridBlock: { number: 2, hash: fromTip.block.hash },
      quorum: { reached: true },
    });
    expect(fromTip.voters).toHaveLength(2);
    const local = await verifyDecision(fromTip, options(e2e));
    expect(local.failures).toEqual([]);
    expect(local.valid).toBe(true);
    const full = await verifyWithBabylon(fromTip, withBabylon(e2e));
    expect(full.failures).toEqual([]);
    expect(full.valid).toBe(true);

    // As such an answer was stored before tip answers carried evidence (stored answers never change).
    const older = withoutEvidence(fromTip);
    expect(failed(await verifyDecision(older, options(e2e)))).toEqual(["evidence"]);
    const result = await verifyWithBabylon(older, withBabylon(e2e));
    expect(result.failures).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.babylon).toMatchObject({ reached: true, voters: 2 });
  });
});

describe("verifying the powers chain: exact 2/3 and a slashed FP", () => {
  it("accepts the exact 2/3 quorum, and a stricter ratio rejects it", async () => {
    const one = await answer(CHAINS.powers, 1);
    expect(one.quorum).toEqual({
      votedPower: String(6n * M),
      totalPower: String(9n * M),
      threshold: String(6n * M),
      reached: true,
    });
    expect((await verifyDecision(one, options(powers))).valid).toBe(true);
    expect((await verifyWithBabylon(one, withBabylon(powers))).failures).toEqual([]);
    const strict = await verifyDecision(one, {
      ...options(powers),
      quorum: { numerator: 3, denominator: 4 },
    });
    expect(failed(strict)).toEqual(["quorum"]);
  });

  it("catches an edge that counts the slashed FP's stake to claim finality", async () => {
    const five = await answer(CHAINS.powers, 5);
    expect(five).toMatchObject({
      finalized: false,
      quorum: { votedPower: String(3n * M), totalPower: String(7n * M) },
    });
    const slashed = five.voters.find((v) => v.power === "0");
    if (!slashed) throw new Error("no slashed voter");
    // With fp-4's 5M: 8M of 12M, exactly 2/3.
    const lie = {
      ...copy(five),
      finalized: true,
      status: "finalized",
      voters: five.voters.map((v) => (v === slashed ? { ...v, power: String(5n * M) } : v)),
      quorum: {
        votedPower: String(8n * M),
        totalPower: String(12n * M),
        threshold: String(8n * M),
        reached: true,
      },
    };
    delete (lie as { reason?: string }).reason;
    expect((await verifyDecision(lie, options(powers))).valid).toBe(true);
    const result = await verifyWithBabylon(lie, withBabylon(powers));
    expect(result.valid).toBe(false);
    expect(failed(result)).toEqual(["babylon-power", "babylon-quorum"]);
    expect(result.failures[0]?.detail).toContain(`${slashed.fpBtcPk} stated ${5n * M}, Babylon 0`);
    expect(result.babylon).toMatchObject({
      votedPower: String(3n * M),
      totalPower: String(7n * M),
      reached: false,
    });
  });
});
