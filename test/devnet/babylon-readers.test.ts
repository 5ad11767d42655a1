// The Babylon readers (src/babylon) against the emulator over HTTP, default genesis. Tests share one chain
// and run in order: the power table at BTC 202 must be read before the BTC tip reaches 203 (fp-2's
// scheduled unbonding), and the equivocation test (which slashes fp-1) runs last.
// BTC headers come every 2 s of block time (not 1 s) so that a timestamp strictly between two headers
// exists and the 202 table has ~6 s of margin.
import { createServer } from "node:http";
import { QueryClientImpl as LightClientQuery } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genesisBtcTipHeight } from "../../devnet/babylon/genesis.ts";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import type { BabylonChain } from "../../devnet/babylon/index.ts";
import { startBabylonChain } from "../../devnet/babylon/index.ts";
import {
  BabylonUnavailableError,
  type BtcHeaderCache,
  BtcTimestampBeforeBaseError,
  computeVotingPower,
  createBabylonRpc,
  createFinalityQueryClient,
  type Delegation,
  getBlockVoters,
  getBtcHeightAtTimestamp,
  getBtcTip,
  getCheckpointParams,
  getContractConfig,
  getFinalityProviderDelegations,
  getFinalityProviders,
  getPowerTable,
  getStakingParams,
} from "../../src/babylon/index.ts";
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../../src/crypto/index.ts";
import { BaseError } from "../../src/errors/index.ts";
import {
  type BabylonQueries,
  connectBabylonQueries,
  connectFinalityProvider,
  contractOf,
  label32,
  waitForEpochFinalized,
} from "./support/contract-harness.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
if (!consumer) throw new Error("the default genesis has no consumer");
const bsnId = consumer.bsnId;
const pkOf = (secretHex: string) => bytesToHex(xOnlyPublicKey(hexToBytes(secretHex)));
const fpPks = consumer.finalityProviders.map((fp) => pkOf(fp.btcSecretKeyHex));
const [fp1, fp2, fp3, fp4] = fpPks as [string, string, string, string];

let chain: BabylonChain;
const realFetch = globalThis.fetch;
/** abci_query paths sent since the last `resetQueries()`. */
let queries: string[] = [];
const resetQueries = () => {
  queries = [];
};

beforeAll(async () => {
  globalThis.fetch = async (input, init) => {
    if (typeof init?.body === "string") {
      try {
        const body = JSON.parse(init.body) as { method?: string; params?: { path?: string } };
        if (body.method === "abci_query") queries.push(body.params?.path ?? "?");
      } catch {}
    }
    return realFetch(input, init);
  };
  chain = await startBabylonChain({
    genesis,
    port: 0,
    timing: { blockMs: 100, btcBlockMs: 2000, epochBlocks: 5, finalizeDelay: 2 },
    log: () => {},
  });
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await chain?.stop();
});

const rpc = () => createBabylonRpc(chain.rpcUrl, { timeoutMs: 10_000 });

/** The genesis delegations as the rule sees them, with scheduled unbondings applied up to `tip`. */
function genesisDelegations(fpIndex: number, tip: number): Delegation[] {
  const fp = consumer?.finalityProviders[fpIndex];
  if (!fp) throw new Error(`no FP ${fpIndex}`);
  return fp.delegations.map((d) => ({
    totalSat: BigInt(d.totalSat),
    startHeight: d.startHeight,
    endHeight: d.endHeight,
    covenantSigs: d.covenantSigs,
    covenantUnbondingSigs: d.covenantSigs,
    covenantSlashingSigs: d.covenantSigs,
    unbonded: d.unbondAtBtcHeight !== undefined && d.unbondAtBtcHeight <= tip,
  }));
}

function expectedPowers(btcHeight: number, tip: number): Map<string, bigint> {
  const rule = {
    btcHeight,
    k: genesis.btc.k,
    w: genesis.btc.w,
    covenantQuorum: genesis.btcstaking.covenantQuorum,
  };
  return new Map(fpPks.map((pk, i) => [pk, computeVotingPower(genesisDelegations(i, tip), rule)]));
}

async function waitForBtcTip(height: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await getBtcTip(rpc())).height < height) {
    if (Date.now() > deadline) throw new Error(`BTC tip ${height} not reached`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // One more Babylon block, so that begin-block effects of that tip (scheduled unbonding) are applied.
  await chain.waitForHeight(chain.height() + 2);
}

const powersOf = (table: { providers: Array<{ btcPk: string; power: bigint }> }) =>
  new Map(table.providers.map((p) => [p.btcPk, p.power]));

describe("Babylon readers on the emulator", () => {
  it("power table at BTC 202 before fp-2's unbonding: 4.0M > 3.0M > 2.0M > 1.0M", async () => {
    const before = (await getBtcTip(rpc())).height;
    const table = await getPowerTable(rpc(), { bsnId, btcHeight: 202 });
    const after = (await getBtcTip(rpc())).height;
    expect(after, "the BTC tip passed 203 before the first test ran").toBeLessThan(203);
    expect(before).toBeGreaterThanOrEqual(genesis.btc.baseHeight);
    expect(powersOf(table)).toEqual(expectedPowers(202, after));
    expect(powersOf(table)).toEqual(
      new Map([
        [fp1, 4_000_000n],
        [fp2, 3_000_000n],
        [fp3, 2_000_000n],
        [fp4, 1_000_000n],
      ]),
    );
    expect(table.totalPower).toBe(10_000_000n);
    expect(table.providers.every((p) => !p.slashed)).toBe(true);
  });

  it("getContractConfig camelCases the contract's config", async () => {
    const contract = chain.contracts.find((c) => c.bsnId === bsnId);
    const client = createFinalityQueryClient(chain.rpcUrl, contract?.address ?? "");
    expect(await getContractConfig(client)).toEqual({
      bsnId,
      activationHeight: consumer.contract.bsn_activation_height,
      interval: consumer.contract.finality_signature_interval,
      minPubRand: consumer.contract.min_pub_rand,
      rateLimiting: {
        blockInterval: consumer.contract.rate_limiting_interval,
        maxMsgsPerInterval: consumer.contract.max_msgs_per_interval,
      },
    });
  });

  it("getFinalityProviders reads every page (page size 1 → 4 queries)", async () => {
    const all = await getFinalityProviders(rpc(), bsnId);
    expect(new Set(all.map((fp) => fp.btcPk))).toEqual(new Set(fpPks));
    expect(all.map((fp) => fp.moniker).sort()).toEqual(consumer.finalityProviders.map((fp) => fp.moniker));
    expect(all.every((fp) => fp.slashedBabylonHeight === 0 && fp.slashedBtcHeight === 0 && !fp.jailed)).toBe(
      true,
    );
    resetQueries();
    const paged = await getFinalityProviders(rpc(), bsnId, { pageSize: 1 });
    expect(paged).toEqual(all);
    expect(queries).toEqual(Array(4).fill("/babylon.btcstaking.v1.Query/FinalityProviders"));
    expect(await getFinalityProviders(rpc(), "no-such-bsn")).toEqual([]);
  });

  it("getFinalityProviderDelegations normalizes every delegation, across pages", async () => {
    const dels = await getFinalityProviderDelegations(rpc(), fp1);
    const sorted = [...dels].sort((a, b) => a.startHeight - b.startHeight);
    expect(sorted).toEqual(genesisDelegations(0, 0));
    // 0x prefix and upper case are accepted; one delegator per page still yields everything.
    const paged = await getFinalityProviderDelegations(rpc(), `0x${fp1.toUpperCase()}`, { pageSize: 1 });
    expect([...paged].sort((a, b) => a.startHeight - b.startHeight)).toEqual(sorted);
  });

  it("params: covenant quorum, k and w", async () => {
    expect(await getStakingParams(rpc())).toEqual({ covenantQuorum: genesis.btcstaking.covenantQuorum });
    expect(await getCheckpointParams(rpc())).toEqual({ k: genesis.btc.k, w: genesis.btc.w });
  });

  it("power tables at BTC 203 and 206 after the unbonding: fp-2 2.2M, then fp-3 1.5M", async () => {
    await waitForBtcTip(203);
    const tip = (await getBtcTip(rpc())).height;
    const at203 = await getPowerTable(rpc(), { bsnId, btcHeight: 203 });
    const at206 = await getPowerTable(rpc(), { bsnId, btcHeight: 206 }, { pageSize: 1, concurrency: 2 });
    expect(powersOf(at203)).toEqual(expectedPowers(203, tip));
    expect(powersOf(at206)).toEqual(expectedPowers(206, tip));
    expect(powersOf(at203)).toEqual(
      new Map([
        [fp1, 4_000_000n],
        [fp2, 2_200_000n],
        [fp3, 2_000_000n],
        [fp4, 1_000_000n],
      ]),
    );
    expect(powersOf(at206)).toEqual(
      new Map([
        [fp1, 4_000_000n],
        [fp2, 2_200_000n],
        [fp3, 1_500_000n],
        [fp4, 1_000_000n],
      ]),
    );
    expect(at206.totalPower).toBe(8_700_000n);
    // Current state applies retroactively (as in the reference gadget): 202 now also sees 2.2M for fp-2.
    expect(powersOf(await getPowerTable(rpc(), { bsnId, btcHeight: 202 })).get(fp2)).toBe(2_200_000n);
  });

  it("getBtcHeightAtTimestamp: exact, between, clamped, before the base; equals a brute force", async () => {
    await waitForBtcTip(206);
    // Oracle: every main-chain header from the base up, read directly with the generated client.
    const all = await new LightClientQuery(rpc().rpc).MainChain({
      pagination: { key: new Uint8Array(), offset: 0, limit: 1000, countTotal: false, reverse: true },
    });
    const headers = all.headers.map((h) => {
      const bytes = hexToBytes(h.headerHex);
      return { height: h.height, time: new DataView(bytes.buffer, bytes.byteOffset).getUint32(68, true) };
    });
    const base = headers[0] as { height: number; time: number };
    const tip = headers[headers.length - 1] as { height: number; time: number };
    const timeOf = (height: number) => headers.find((h) => h.height === height)?.time ?? Number.NaN;
    expect(base.height).toBe(genesis.btc.baseHeight);
    expect(timeOf(204) - timeOf(203)).toBe(2);

    const r = rpc();
    expect(await getBtcHeightAtTimestamp(r, timeOf(203))).toMatchObject({ height: 203, clamped: false });
    expect(await getBtcHeightAtTimestamp(r, timeOf(203) + 1)).toMatchObject({ height: 203, clamped: false });
    const clamped = await getBtcHeightAtTimestamp(r, tip.time + 3600);
    expect(clamped.height).toBeGreaterThanOrEqual(tip.height);
    expect(clamped.clamped).toBe(true);
    const early = getBtcHeightAtTimestamp(r, base.time - 1);
    await expect(early).rejects.toBeInstanceOf(BtcTimestampBeforeBaseError);
    await expect(early).rejects.toMatchObject({ code: "btc_height_unknown", baseHeight: base.height });
    expect(await getBtcHeightAtTimestamp(r, base.time)).toMatchObject({ height: base.height });

    // Brute force over every timestamp from before the base to past the tip, with tiny pages (walks
    // down several pages) and with a cache (binary search over cached heights, then a short walk).
    const store = new Map<number, { timestamp: number; hash: string }>();
    const cache: BtcHeaderCache = { get: (h) => store.get(h), put: (h, v) => void store.set(h, v) };
    const expected = (ts: number) =>
      headers.filter((h) => h.time <= ts && h.height <= tip.height).at(-1)?.height ?? "before-base";
    // The genesis headers (base up to the genesis tip, 10 minutes apart) predate the chain's start by a long
    // gap: probe around each of them, then every second from just before the first header the chain made.
    const genesisTip = genesisBtcTipHeight(genesis.btc);
    const probes = headers
      .filter((h) => h.height <= genesisTip)
      .flatMap((h) => [h.time - 1, h.time, h.time + 1]);
    for (let ts = timeOf(genesisTip + 1) - 2; ts <= tip.time + 1; ts++) probes.push(ts);
    for (const ts of probes) {
      for (const options of [
        { firstPageSize: 2, pageSize: 2 },
        { firstPageSize: 2, pageSize: 3, headerCache: cache, cacheDepth: 1 },
      ]) {
        const got = await getBtcHeightAtTimestamp(r, ts, options).then(
          (x) => (ts >= tip.time && x.height >= tip.height ? tip.height : x.height),
          (e: unknown) => (e instanceof BtcTimestampBeforeBaseError ? "before-base" : e),
        );
        expect(got, `ts ${ts} ${JSON.stringify({ ...options, headerCache: undefined })}`).toBe(expected(ts));
      }
    }
    expect(store.size).toBeGreaterThan(0);
  });

  it("costs 8 abci_queries for one power table and one fresh timestamp on the default genesis", async () => {
    const r = rpc();
    resetQueries();
    const tip = await getBtcTip(r);
    resetQueries();
    const at = await getBtcHeightAtTimestamp(r, tip.timestamp + 5);
    await getPowerTable(r, { bsnId, btcHeight: at.height });
    expect(queries.sort()).toEqual(
      [
        "/babylon.btclightclient.v1.Query/MainChain",
        "/babylon.btcstaking.v1.Query/FinalityProviders",
        "/babylon.btcstaking.v1.Query/Params",
        "/babylon.btccheckpoint.v1.Query/Params",
        ...Array(4).fill("/babylon.btcstaking.v1.Query/FinalityProviderDelegations"),
      ].sort(),
    );
  });

  it("upstream down (closed port) → upstream_unavailable with the cause kept", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = createBabylonRpc(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 });
    for (const call of [
      () => getBtcTip(down),
      () => getPowerTable(down, { bsnId, btcHeight: 202 }),
      () => getBtcHeightAtTimestamp(down, 1),
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BabylonUnavailableError);
      expect(error).toBeInstanceOf(BaseError);
      expect((error as BaseError).code).toBe("upstream_unavailable");
      expect((error as BaseError).cause).toBeDefined();
    }
  });

  it("getBlockVoters after a real vote; an equivocating FP is then slashed and has no power", async () => {
    const contract = await contractOf(chain, bsnId);
    const babylon: BabylonQueries = await connectBabylonQueries(chain.rpcUrl);
    const cheater = await connectFinalityProvider(chain, genesis, "fp-1", contract);
    try {
      const height = contract.config.bsn_activation_height + 4;
      const { msg } = await cheater.signer.commitPublicRandomness({
        startHeight: contract.config.bsn_activation_height,
        numPubRand: 100,
      });
      await cheater.client.execute(cheater.address, contract.address, msg, "auto");
      const stored = await contract.queries.lastPubRandCommit({ btcPkHex: cheater.publicKeyHex });
      await waitForEpochFinalized(chain, babylon, stored?.babylon_epoch ?? 1);

      const hashA = label32("readers/block-a");
      const voteA = await cheater.signer.submitFinalitySignature({ height, blockHash: hashA });
      await cheater.client.execute(cheater.address, contract.address, voteA, "auto");

      const voters = await getBlockVoters(contract.queries, {
        height,
        hash: `0x${bytesToHex(hashA).toUpperCase()}`,
      });
      expect(voters).toHaveLength(1);
      expect(voters[0]).toMatchObject({ fpBtcPk: fp1, blockHash: bytesToHex(hashA) });
      expect(voters[0]?.signature).toMatch(/^[0-9a-f]{64}$/);
      expect(voters[0]?.pubRand).toMatch(/^[0-9a-f]{64}$/);
      expect(await getBlockVoters(contract.queries, { height, hash: bytesToHex(label32("other")) })).toEqual(
        [],
      );

      // A second signer (own double-sign guard) votes for another hash at the same height → slashed.
      const second = cheater.newSigner();
      await second.commitPublicRandomness({
        startHeight: contract.config.bsn_activation_height,
        numPubRand: 100,
      });
      const fork = await second.submitFinalitySignature({ height, blockHash: label32("readers/block-b") });
      await cheater.client.execute(cheater.address, contract.address, fork, "auto");

      const fps = await getFinalityProviders(rpc(), bsnId);
      expect(fps.find((fp) => fp.btcPk === fp1)?.slashedBabylonHeight).toBeGreaterThan(0);
      const table = await getPowerTable(rpc(), { bsnId, btcHeight: 206 });
      expect(table.providers.find((p) => p.btcPk === fp1)).toEqual({ btcPk: fp1, power: 0n, slashed: true });
      expect(table.totalPower).toBe(4_700_000n);
    } finally {
      cheater.client.disconnect();
      babylon.disconnect();
    }
  });
});
