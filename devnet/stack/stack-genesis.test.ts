// The two-BSN stack genesis: validated by the emulator's loader, the default genesis kept as it is, and an
// in-process emulator serving both BSNs (two contracts, each BSN's four FPs in btcstaking) whose BTC-staking
// activation timestamp is known, as on a real chain (the genesis delegations start above the light client's base).
import { existsSync } from "node:fs";
import { QueryClientImpl as LightClientQuery } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createBabylonRpc,
  createFinalityQueryClient,
  getBtcBaseHeader,
  getBtcStakingActivation,
  getFinalityProviders,
} from "../../src/babylon/index.ts";
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../../src/crypto/index.ts";
import { genesisBtcTipHeight, PRE_GENESIS_BTC_SPACING_S } from "../babylon/genesis.ts";
import { defaultGenesis, loadGenesis } from "../babylon/genesis-load.ts";
import type { BabylonChain } from "../babylon/index.ts";
import { startBabylonChain } from "../babylon/index.ts";
import { STACK_GENESIS_PATH, stackGenesis } from "./stack-genesis.ts";

const genesis = stackGenesis();
const pkOf = (secretKeyHex: string) => bytesToHex(xOnlyPublicKey(hexToBytes(secretKeyHex)));
const keysOf = (bsn: number) =>
  genesis.consumers[bsn]?.finalityProviders.map((fp) => pkOf(fp.btcSecretKeyHex));

describe("stack genesis", () => {
  it("is the file at STACK_GENESIS_PATH, loadable through BABYLON_GENESIS", () => {
    expect(STACK_GENESIS_PATH).toMatch(/\/devnet\/stack\/genesis\.stack\.json$/);
    expect(existsSync(STACK_GENESIS_PATH)).toBe(true);
    expect(loadGenesis({ env: { BABYLON_GENESIS: STACK_GENESIS_PATH } })).toEqual(genesis);
  });

  it("keeps the default genesis's accounts and consumer, and adds edge-devnet-l2b with fp-b1…fp-b4", () => {
    const base = defaultGenesis();
    expect(genesis.accounts.slice(0, base.accounts.length)).toEqual(base.accounts);
    expect(genesis.consumers[0]).toEqual(base.consumers[0]);
    expect({ ...genesis, accounts: [], consumers: [] }).toEqual({ ...base, accounts: [], consumers: [] });
    expect(genesis.accounts.slice(base.accounts.length).map((a) => a.name)).toEqual([
      "fp-b1",
      "fp-b2",
      "fp-b3",
      "fp-b4",
    ]);

    const [first, second] = genesis.consumers;
    expect(genesis.consumers).toHaveLength(2);
    expect(second?.bsnId).toBe("edge-devnet-l2b");
    expect(second?.bsnId).not.toBe(first?.bsnId);
    expect(second?.contract).toEqual(first?.contract);
    expect(second?.finalityProviders.map((fp) => fp.account)).toEqual(["fp-b1", "fp-b2", "fp-b3", "fp-b4"]);
    const staked = second?.finalityProviders.map((fp) =>
      fp.delegations
        .filter(
          (d) => d.covenantSigs >= genesis.btcstaking.covenantQuorum && d.unbondAtBtcHeight === undefined,
        )
        .reduce((sum, d) => sum + d.totalSat, 0),
    );
    expect(staked).toEqual([4_000_000, 3_000_000, 2_000_000, 1_000_000]);
  });

  it("has four FPs per BSN, all with distinct BTC keys and mnemonics", () => {
    const keys = [...(keysOf(0) ?? []), ...(keysOf(1) ?? [])];
    expect(keys).toHaveLength(8);
    expect(new Set(keys).size).toBe(8);
    expect(new Set(genesis.accounts.map((a) => a.mnemonic)).size).toBe(genesis.accounts.length);
  });
});

describe("stack genesis on the emulator", () => {
  let chain: BabylonChain;
  beforeAll(async () => {
    chain = await startBabylonChain({
      genesis,
      port: 0,
      timing: { blockMs: 100, btcBlockMs: 2000, epochBlocks: 5, finalizeDelay: 2 },
      log: () => {},
    });
  });
  afterAll(async () => {
    await chain?.stop();
  });

  it("runs one finality contract per BSN and lists each BSN's four FPs", async () => {
    expect(chain.contracts.map((c) => c.bsnId)).toEqual(["edge-devnet-l2", "edge-devnet-l2b"]);
    expect(new Set(chain.contracts.map((c) => c.address)).size).toBe(2);
    const rpc = createBabylonRpc(chain.rpcUrl, { timeoutMs: 10_000 });
    for (const [i, contract] of chain.contracts.entries()) {
      const config = await createFinalityQueryClient(chain.rpcUrl, contract.address).config();
      expect(config.bsn_id).toBe(contract.bsnId);
      const fps = await getFinalityProviders(rpc, contract.bsnId);
      expect(fps.map((fp) => fp.btcPk).sort()).toEqual([...(keysOf(i) ?? [])].sort());
    }
  });

  it("knows each BSN's BTC-staking activation: the header timestamp at the earliest start + k", async () => {
    const rpc = createBabylonRpc(chain.rpcUrl, { timeoutMs: 10_000 });
    // Oracle: every main-chain header from the base up, read with the generated client.
    const all = await new LightClientQuery(rpc.rpc).MainChain({
      pagination: { key: new Uint8Array(), offset: 0, limit: 1000, countTotal: false, reverse: true },
    });
    const timeOf = (height: number) => {
      const header = all.headers.find((h) => h.height === height);
      if (!header) throw new Error(`no BTC header at ${height}`);
      const bytes = hexToBytes(header.headerHex);
      return new DataView(bytes.buffer, bytes.byteOffset).getUint32(68, true);
    };
    const base = await getBtcBaseHeader(rpc);
    expect(base.height).toBe(genesis.btc.baseHeight);
    for (const consumer of genesis.consumers) {
      const starts = consumer.finalityProviders.flatMap((fp) =>
        fp.delegations
          .filter((d) => d.covenantSigs >= genesis.btcstaking.covenantQuorum)
          .map((d) => d.startHeight),
      );
      const height = Math.min(...starts) + genesis.btc.k;
      // Above the base header and at or below the genesis tip: a genesis header, 10 min after its parent.
      expect(height).toBeGreaterThan(base.height);
      expect(height).toBeLessThanOrEqual(genesisBtcTipHeight(genesis.btc));
      expect(timeOf(height)).toBe(genesis.btc.baseTime + (height - base.height) * PRE_GENESIS_BTC_SPACING_S);
      const activation = await getBtcStakingActivation(rpc, consumer.bsnId);
      expect(activation, consumer.bsnId).toEqual({ btcHeight: height, timestamp: timeOf(height) });
      expect(activation?.timestamp).not.toBeNull();
    }
  });
});
