import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../src/crypto/index.ts";
import {
  DEFAULT_CHAIN_TIMING,
  defaultGenesis,
  GenesisError,
  loadGenesis,
  parseGenesis,
  readChainTiming,
} from "./genesis-load.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests corrupt an untyped copy of the genesis JSON on purpose.
type LooseJson = any;

function problemsOf(mutate: (genesis: LooseJson) => void): readonly string[] {
  const genesis: LooseJson = structuredClone(defaultGenesis());
  mutate(genesis);
  try {
    parseGenesis(genesis, "test");
  } catch (error) {
    if (error instanceof GenesisError) return error.problems;
    throw error;
  }
  return [];
}

describe("genesis loading", () => {
  it("loads the default genesis: one BSN, four FPs with unequal power, an odd-Y key among them", () => {
    const genesis = loadGenesis({ env: {} });
    expect(genesis.chainId).toBe("bbn-devnet-1");
    expect(genesis.accounts.map((a) => a.name)).toEqual(["relayer", "admin", "fp-1", "fp-2", "fp-3", "fp-4"]);
    const [consumer] = genesis.consumers;
    expect(consumer?.bsnId).toBe("edge-devnet-l2");
    const staked = consumer?.finalityProviders.map((fp) =>
      fp.delegations
        .filter((d) => d.covenantSigs >= genesis.btcstaking.covenantQuorum)
        .reduce((s, d) => s + d.totalSat, 0),
    );
    expect(staked).toEqual([4_000_000, 3_000_000, 2_000_000, 1_000_000]);
    // Both branches of EOTS key normalisation are exercised: raw keys with odd-Y and even-Y points.
    const parities = consumer?.finalityProviders.map((fp) =>
      secp256k1.getPublicKey(hexToBytes(fp.btcSecretKeyHex), true)[0] === 3 ? "odd" : "even",
    );
    expect(parities).toEqual(["odd", "even", "odd", "even"]);
    expect(genesis.consumers[0]?.finalityProviders[1]?.delegations[1]?.unbondAtBtcHeight).toBe(203);
    expect(loadGenesis({ env: {} })).toEqual(defaultGenesis());
  });

  it("loads a file from a path or BABYLON_GENESIS, and reports unreadable and non-JSON files", () => {
    const dir = mkdtempSync(join(tmpdir(), "genesis-"));
    const path = join(dir, "genesis.json");
    const custom = { ...defaultGenesis(), chainId: "bbn-custom-1" };
    writeFileSync(path, JSON.stringify(custom));
    expect(loadGenesis({ path }).chainId).toBe("bbn-custom-1");
    expect(loadGenesis({ env: { BABYLON_GENESIS: path } }).chainId).toBe("bbn-custom-1");
    expect(() => loadGenesis({ path: join(dir, "missing.json") })).toThrow(/cannot read the file/);
    writeFileSync(path, "{ not json");
    expect(() => loadGenesis({ path })).toThrow(/not valid JSON/);
  });

  it("names every problem with its JSON path", () => {
    expect(
      problemsOf((g) => {
        g.consumers[0].finalityProviders[0].account = "nobody";
        g.consumers[0].finalityProviders[1].btcSecretKeyHex = "abcd";
        g.consumers[0].finalityProviders[2].delegations[0].endHeight = 100;
        g.consumers[0].contract.admin = "root";
        g.accounts[1].mnemonic = "not a mnemonic";
      }),
    ).toEqual([
      "$.accounts[1].mnemonic: not a valid BIP-39 English mnemonic (Invalid mnemonic)",
      '$.consumers[0].contract.admin: no account named "root"',
      '$.consumers[0].finalityProviders[0].account: no account named "nobody"',
      "$.consumers[0].finalityProviders[1].btcSecretKeyHex: must be 32 bytes as 64 hex characters, got 4 characters",
      "$.consumers[0].finalityProviders[2].delegations[0].endHeight: must be greater than startHeight (165)",
    ]);
  });

  it("checks heights, keys, names and parameters", () => {
    const one = (mutate: (g: LooseJson) => void) => problemsOf(mutate);
    expect(one((g) => (g.btc.k = 4))).toEqual([
      "$.btc.k: must be smaller than w (4), as Babylon's btccheckpoint params require",
    ]);
    expect(one((g) => (g.consumers[0].finalityProviders[0].delegations[0].startHeight = 250))).toEqual([
      "$.consumers[0].finalityProviders[0].delegations[0].startHeight: must be ≤ btc.tipHeight (200), the BTC tip at genesis",
    ]);
    expect(one((g) => (g.consumers[0].finalityProviders[0].delegations[0].startHeight = 149))).toEqual([
      "$.consumers[0].finalityProviders[0].delegations[0].startHeight: must be ≥ btc.baseHeight (150): the light client holds no header below its base",
    ]);
    // Without tipHeight the base header is the genesis tip: every delegation must start at it.
    const baseOnly = one((g) => delete g.btc.tipHeight);
    expect(baseOnly).toHaveLength(8);
    expect(baseOnly).toContain(
      "$.consumers[0].finalityProviders[0].delegations[1].startHeight: must be ≤ btc.baseHeight (150), the BTC tip at genesis",
    );
    expect(one((g) => (g.btc.tipHeight = 149))).toContain("$.btc.tipHeight: must be in [150, 4294967294]");
    expect(
      one((g) => (g.consumers[0].finalityProviders[1].delegations[1].unbondAtBtcHeight = 64170)),
    ).toEqual([
      "$.consumers[0].finalityProviders[1].delegations[1].unbondAtBtcHeight: must be between startHeight (170) and endHeight (64170)",
    ]);
    expect(one((g) => (g.consumers[0].finalityProviders[1].delegations[0].unbondAtBtcHieght = 205))).toEqual([
      "$.consumers[0].finalityProviders[1].delegations[0].unbondAtBtcHieght: unknown field (expected one of totalSat, startHeight, endHeight, covenantSigs, unbondAtBtcHeight)",
    ]);
    expect(one((g) => (g.consumers[0].finalityProviders[3].btcSecretKeyHex = "ff".repeat(32)))).toEqual([
      "$.consumers[0].finalityProviders[3].btcSecretKeyHex: is not a valid secp256k1 secret key (must be in [1, n-1])",
    ]);
    expect(
      one(
        (g) =>
          (g.consumers[0].finalityProviders[3].btcSecretKeyHex =
            g.consumers[0].finalityProviders[0].btcSecretKeyHex),
      ),
    ).toEqual([
      "$.consumers[0].finalityProviders[3].btcSecretKeyHex: same BTC key as $.consumers[0].finalityProviders[0]",
    ]);
    expect(one((g) => (g.consumers[0].finalityProviders[3].account = "fp-1"))).toEqual([
      '$.consumers[0].finalityProviders[3].account: account "fp-1" already owns $.consumers[0].finalityProviders[0]',
    ]);
    expect(one((g) => g.accounts.push({ ...g.accounts[0] }))).toEqual([
      '$.accounts[6].name: duplicate account name "relayer"',
    ]);
    expect(one((g) => (g.consumers[0].bsnId = "bad id!"))).toEqual([
      "$.consumers[0].bsnId: must be ≤ 100 bytes of letters, digits, '-' or '_'",
    ]);
    expect(one((g) => (g.consumers[0].contract.allowlist = ["fp-1", "admin"]))).toEqual([
      '$.consumers[0].contract.allowlist[1]: "admin" is not the account of a finality provider of this BSN',
    ]);
    expect(one((g) => (g.consumers[0].finalityProviders[0].commission = "1.5"))).toEqual([
      '$.consumers[0].finalityProviders[0].commission: must be a decimal in [0, 1] with ≤ 18 places, got "1.5"',
    ]);
    expect(one((g) => (g.btc.baseTime = 1_900_000_000))).toEqual([
      "$.btc.baseTime: must not be after genesisTime (1767225600)",
      "$.btc.tipHeight: its header (baseTime + 50 × 600 s = 1900030000) must not be after genesisTime (1767225600)",
    ]);
    // The genesis headers are 600 s apart from the base: the genesis tip's must not postdate genesis either.
    expect(one((g) => (g.btc.baseTime += 1))).toEqual([
      "$.btc.tipHeight: its header (baseTime + 50 × 600 s = 1767225601) must not be after genesisTime (1767225600)",
    ]);
    expect(one((g) => (g.consumers[0].finalityProviders[0].delegations[0].totalSat = 5))).toEqual([
      "$.consumers[0].finalityProviders[0].delegations[0].totalSat: must be ≥ 10000",
    ]);
    expect(() => parseGenesis([], "x")).toThrow(GenesisError);
    expect(() => parseGenesis([], "x")).toThrow("$: must be an object, got an array");
  });

  it("reads the timing knobs from the environment with defaults and clear errors", () => {
    expect(readChainTiming({})).toEqual(DEFAULT_CHAIN_TIMING);
    expect(DEFAULT_CHAIN_TIMING).toEqual({
      blockMs: 1000,
      btcBlockMs: 10_000,
      epochBlocks: 10,
      finalizeDelay: 5,
    });
    expect(
      readChainTiming({
        BABYLON_BLOCK_MS: "200",
        BTC_BLOCK_MS: "2000",
        EPOCH_BLOCKS: "4",
        FINALIZE_DELAY: "2",
      }),
    ).toEqual({ blockMs: 200, btcBlockMs: 2000, epochBlocks: 4, finalizeDelay: 2 });
    expect(() => readChainTiming({ EPOCH_BLOCKS: "1", BTC_BLOCK_MS: "fast" })).toThrow(
      'Invalid Babylon emulator timing:\n  - BTC_BLOCK_MS="fast": must be an integer ≥ 1\n  - EPOCH_BLOCKS="1": must be an integer ≥ 2',
    );
    expect(() => readChainTiming({ FINALIZE_DELAY: "0" })).toThrow(
      /FINALIZE_DELAY="0": must be an integer ≥ 1/,
    );
  });
});
