import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createFinalityClient,
  InvalidRequestError,
  NotFoundError,
  SubmissionRefusedError,
  TimeoutError,
} from "../../sdk/src/index.ts";
import { tickCoordinators } from "../../src/api/scheduled.ts";
import { CHAINS_CONFIG_KEY } from "../../src/cache/keys.ts";
import { createFinalityProviderSigner } from "../../src/provider/index.ts";

// The SDK client inside workerd against the real Worker (its default export, as deployed) and the Babylon emulator
// and anvil that global-setup.ts started. The Worker's CHAINS var is "[]", so it reads the chain registry from KV
// `config/chains`, written here for this file (files run one at a time and share KV).
const chains = JSON.parse(inject("e2eChains")) as {
  id: string;
  babylonChainId: string;
  contractAddress: string;
}[];
const chain = chains[0] as (typeof chains)[number];
const votes = JSON.parse(inject("e2eVotes")) as { blocks: { number: number; hash: `0x${string}` }[] };
const hashOf = (n: number) => {
  const block = votes.blocks.find((b) => b.number === n);
  if (!block) throw new Error(`no block ${n} in the vote plan`);
  return block.hash;
};

/** Every request the clients send, with the Worker's status. */
const sent: { url: string; status: number }[] = [];
const fetch = async (input: string, init: RequestInit) => {
  const response = await exports.default.fetch(new Request(input, init));
  sent.push({ url: input, status: response.status });
  return response;
};
const client = createFinalityClient({
  url: "http://edge.test",
  chain: chain.id,
  fetch,
  retry: { attempts: 1 },
});

beforeAll(async () => {
  await env.FINALITY_KV.put(CHAINS_CONFIG_KEY, inject("e2eChains"));
  // The coordinator's work: the finalized tip moves to the last finalized block (4 in the vote plan).
  await tickCoordinators(env);
});
afterAll(async () => {
  await env.FINALITY_KV.delete(CHAINS_CONFIG_KEY);
});

describe("the SDK against the real Worker", () => {
  it("getChains, getStatus, getFinalityProviders", async () => {
    expect(await client.getChains()).toMatchObject([
      { id: chain.id, contract: { bsnId: inject("e2eBsnId"), activationHeight: 1, interval: 1 } },
    ]);
    const status = await client.getStatus();
    expect(status).toMatchObject({
      chain: chain.id,
      finalizedTip: { number: 4, hash: hashOf(4) },
      fpCount: 4,
    });
    expect(status.lag?.blocks).toBe(status.l2Head.number - 4);
    const providers = await client.getFinalityProviders({ window: 5 });
    expect(providers.providers).toHaveLength(4);
    expect(providers.gridHeights.length).toBeLessThanOrEqual(5);
  });

  it("getBlockFinality by height, hash and tag; a finalized answer asked again is a 304 reusing the body", async () => {
    const byHeight = await client.getBlockFinality(3);
    expect(byHeight).toMatchObject({
      finalized: true,
      status: "finalized",
      block: { number: 3, hash: hashOf(3) },
    });
    expect(byHeight.voters.length).toBeGreaterThan(0);
    expect(await client.getBlockFinality(hashOf(3))).toEqual(byHeight);
    expect(await client.getBlockFinality(5n)).toMatchObject({ finalized: false, status: "pending" });
    expect(await client.getBlockFinality("latest")).toMatchObject({ finalized: false });
    const before = sent.length;
    expect(await client.getBlockFinality(3)).toEqual(byHeight);
    expect(sent.slice(before)).toEqual([
      { url: `http://edge.test/v1/chains/${chain.id}/blocks/3/finality`, status: 304 },
    ]);
  });

  it("getFinalizedPrefix: the longest finalized prefix of the voted blocks", async () => {
    const blocks = votes.blocks.map((b) => ({ number: b.number, hash: b.hash }));
    expect(await client.getFinalizedPrefix(blocks)).toEqual({ number: 4, hash: hashOf(4) });
  });

  it("watchFinalized emits 1…4 in order from the edge's tip and block answers", async () => {
    const seen: { number: number; hash: string }[] = [];
    const errors: unknown[] = [];
    const unwatch = client.watchFinalized((b) => void seen.push(b), {
      fromHeight: 1,
      pollIntervalMs: 20,
      onError: (e) => errors.push(e),
    });
    try {
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(4);
    } finally {
      unwatch();
    }
    expect(seen.map((b) => [b.number, b.hash])).toEqual([1, 2, 3, 4].map((n) => [n, hashOf(n)]));
    expect(errors).toEqual([]);
  });

  it("typed errors from real answers: unknown chain, unknown block, unknown tx and submission", async () => {
    const other = createFinalityClient({ url: "http://edge.test", chain: "no-such-chain", fetch });
    await expect(other.getStatus()).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && e.code === "unknown_chain" && e.status === 404,
    );
    const unknown = `0x${"11".repeat(32)}` as const;
    await expect(client.getBlockFinality(unknown)).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && e.code === "block_not_found",
    );
    await expect(client.getTxFinality(unknown)).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && e.code === "tx_not_found" && e.field === "txHash",
    );
    await expect(client.getSubmission(`v_${"0".repeat(40)}`)).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && e.code === "submission_not_found",
    );
    await expect(client.getEquivocation("ab".repeat(32), 3)).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && e.code === "evidence_not_found",
    );
    expect(await client.getSubmissionMetrics()).toMatchObject({ chain: chain.id });
  });

  it("a bad block id is refused before any request", async () => {
    const before = sent.length;
    await expect(client.getBlockFinality("0x1234" as `0x${string}`)).rejects.toSatisfy(
      (e) => e instanceof InvalidRequestError && e.field === "blockId" && e.status === undefined,
    );
    await expect(client.getBlockFinality(-1)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(sent.length).toBe(before);
  });

  it("waitForTxFinality keeps waiting while the node does not know the tx, then times out", async () => {
    const updates: unknown[] = [];
    const error = await client
      .waitForTxFinality(`0x${"22".repeat(32)}`, {
        timeoutMs: 300,
        pollIntervalMs: 50,
        onUpdate: (a) => updates.push(a),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(updates).toEqual([null]);
  });

  it("a vote the contract would refuse: SubmissionRefusedError with the contract's code, text and the message's index", async () => {
    // A well-formed, correctly signed vote from a key no finality provider registered.
    const stranger = createFinalityProviderSigner({
      secretKey: Uint8Array.from({ length: 32 }, (_, i) => i + 1),
      bsnId: inject("e2eBsnId"),
      babylonChainId: chain.babylonChainId,
      contractAddress: chain.contractAddress,
      bsnActivationHeight: 1,
      finalitySignatureInterval: 1,
    });
    await stranger.commitPublicRandomness({ startHeight: 1, numPubRand: 10 });
    const vote = await stranger.submitFinalitySignature({ height: 3, blockHash: hashOf(3) });
    const error = await client.submitFinalitySignatures([vote]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionRefusedError);
    const refused = error as SubmissionRefusedError;
    expect([403, 422]).toContain(refused.status);
    expect(refused.code).toMatch(/^[a-z_]+$/);
    expect(refused.detail).toEqual(expect.any(String));
    expect(refused.field).toMatch(/^\[0\]/);
    expect(refused.message).toContain(`Status: ${refused.status} (${refused.code})`);
  });
});
