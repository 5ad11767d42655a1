/**
 * @module Loads and validates the emulator's genesis (`genesis.default.json`, or the file named by
 * `BABYLON_GENESIS`) and reads the timing knobs from the environment. Every problem in a genesis
 * file is reported at once, each with the JSON path of the offending value, so a hand-edited
 * genesis fails with a list of fixes rather than a crash deep inside a module.
 *
 * Devnet only: the default genesis carries public mnemonics and BTC keys (see its `$comment`).
 */
import { readFileSync } from "node:fs";
import { EnglishMnemonic } from "@cosmjs/crypto";
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../../src/crypto/index.ts";
import defaultGenesisJson from "./genesis.default.json" with { type: "json" };
import {
  type ChainTiming,
  type DevnetGenesis,
  type GenesisAccount,
  type GenesisConsumer,
  type GenesisDelegation,
  type GenesisFinalityProvider,
  genesisBtcTipHeight,
  PRE_GENESIS_BTC_SPACING_S,
} from "./genesis.ts";

/** Where the default genesis lives, relative to the repository root (for messages and docs). */
export const DEFAULT_GENESIS_PATH = "devnet/babylon/genesis.default.json";

/** A genesis that failed validation; `problems` are `path: what is wrong` lines. */
export class GenesisError extends Error {
  override name = "GenesisError";
  readonly source: string;
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(`Invalid Babylon genesis (${source}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.source = source;
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The genesis to run: the file at `options.path`, else at `BABYLON_GENESIS`, else the default
 * genesis bundled with the emulator. Throws {@link GenesisError} listing every problem.
 */
export function loadGenesis(options: { path?: string; env?: Env } = {}): DevnetGenesis {
  const path = options.path ?? (options.env ?? process.env).BABYLON_GENESIS;
  if (path === undefined || path === "") return parseGenesis(defaultGenesisJson, DEFAULT_GENESIS_PATH);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new GenesisError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GenesisError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseGenesis(json, path);
}

/** The bundled default genesis, validated (a fresh copy on every call). */
export function defaultGenesis(): DevnetGenesis {
  return parseGenesis(defaultGenesisJson, DEFAULT_GENESIS_PATH);
}

// ---------------------------------------------------------------------------------------------
// Timing

/**
 * Defaults: a Babylon block per second; a BTC block every 10 s (60× faster than Bitcoin, so the
 * default genesis's unbonding and expiry happen within the first minute of a run while each BTC
 * height still spans ten Babylon blocks and several L2 blocks); epochs of 10 blocks, finalized 5
 * blocks after they end, so a fresh randomness commitment becomes usable 6–15 s after it lands.
 */
export const DEFAULT_CHAIN_TIMING: Readonly<ChainTiming> = Object.freeze({
  blockMs: 1000,
  btcBlockMs: 10_000,
  epochBlocks: 10,
  finalizeDelay: 5,
});

const TIMING_VARIABLES = [
  ["blockMs", "BABYLON_BLOCK_MS", 1],
  ["btcBlockMs", "BTC_BLOCK_MS", 1],
  // Babylon rejects epochs shorter than two blocks (Epoch.ValidateBasic).
  ["epochBlocks", "EPOCH_BLOCKS", 2],
  // The checkpoint of an epoch exists from the block after its last one, so it cannot finalize sooner.
  ["finalizeDelay", "FINALIZE_DELAY", 1],
] as const;

/** `ChainTiming` from `BABYLON_BLOCK_MS`, `BTC_BLOCK_MS`, `EPOCH_BLOCKS`, `FINALIZE_DELAY`; unset → default. */
export function readChainTiming(env: Env = process.env): ChainTiming {
  const timing: ChainTiming = { ...DEFAULT_CHAIN_TIMING };
  const problems: string[] = [];
  for (const [field, variable, minimum] of TIMING_VARIABLES) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === "") continue;
    const value = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < minimum) {
      problems.push(`${variable}=${JSON.stringify(raw)}: must be an integer ≥ ${minimum}`);
      continue;
    }
    timing[field] = value;
  }
  if (problems.length > 0)
    throw new Error(`Invalid Babylon emulator timing:\n  - ${problems.join("\n  - ")}`);
  return timing;
}

// ---------------------------------------------------------------------------------------------
// Validation

const BSN_ID_RE = /^[\p{L}\p{N}_-]+$/u;
const DECIMAL_RE = /^\d+(\.\d{1,18})?$/;
const SECRET_KEY_RE = /^[0-9a-fA-F]{64}$/;
const U32_MAX = 0xffff_ffff;

/** Collects problems while walking an untyped JSON value. */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(path, `must be an object, got ${describe(value)}`);
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key))
        this.fail(`${path}.${key}`, `unknown field (expected one of ${allowed.join(", ")})`);
    }
    return record;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) {
      this.fail(path, `must be an array, got ${describe(value)}`);
      return [];
    }
    return value;
  }

  string(value: unknown, path: string, options: { nonEmpty?: boolean } = {}): string {
    if (typeof value !== "string") {
      this.fail(path, `must be a string, got ${describe(value)}`);
      return "";
    }
    if (options.nonEmpty !== false && value.trim() === "") this.fail(path, "must not be empty");
    return value;
  }

  integer(value: unknown, path: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      this.fail(path, `must be an integer, got ${describe(value)}`);
      return minimum;
    }
    if (value < minimum || value > maximum) {
      this.fail(
        path,
        maximum === Number.MAX_SAFE_INTEGER ? `must be ≥ ${minimum}` : `must be in [${minimum}, ${maximum}]`,
      );
    }
    return value;
  }

  number(value: unknown, path: string, minimum: number): number {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.fail(path, `must be a number, got ${describe(value)}`);
      return minimum;
    }
    if (value < minimum) this.fail(path, `must be ≥ ${minimum}`);
    return value;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates an untyped genesis value and returns a typed copy (unknown fields are errors, so a
 * misspelt `unbondAtBtcHeight` cannot be silently ignored; a top-level `$comment` is allowed).
 */
export function parseGenesis(value: unknown, source = "genesis"): DevnetGenesis {
  const c = new Checker();
  const root = c.object(value, "$", [
    "$comment",
    "chainId",
    "genesisTime",
    "accounts",
    "consumers",
    "btc",
    "btcstaking",
    "minGasPriceUbbn",
  ]);
  if (root === undefined) throw new GenesisError(source, c.problems);

  const chainId = c.string(root.chainId, "$.chainId");
  const genesisTime = c.string(root.genesisTime, "$.genesisTime");
  const genesisMs = Date.parse(genesisTime);
  if (genesisTime !== "" && (Number.isNaN(genesisMs) || !/^\d{4}-\d{2}-\d{2}T/.test(genesisTime))) {
    c.fail("$.genesisTime", `must be an ISO 8601 date-time, got ${JSON.stringify(genesisTime)}`);
  }

  const accounts = c
    .array(root.accounts, "$.accounts")
    .map((raw, i) => parseAccount(c, raw, `$.accounts[${i}]`));
  const accountNames = new Set<string>();
  accounts.forEach((account, i) => {
    if (accountNames.has(account.name))
      c.fail(`$.accounts[${i}].name`, `duplicate account name "${account.name}"`);
    accountNames.add(account.name);
  });

  const btc = parseBtc(c, root.btc, genesisMs);
  const btcstakingRaw = c.object(root.btcstaking, "$.btcstaking", ["covenantQuorum", "minStakingValueSat"]);
  const btcstaking = {
    covenantQuorum: c.integer(btcstakingRaw?.covenantQuorum, "$.btcstaking.covenantQuorum", 1, 64),
    minStakingValueSat: c.integer(btcstakingRaw?.minStakingValueSat, "$.btcstaking.minStakingValueSat", 1),
  };

  const consumers = c
    .array(root.consumers, "$.consumers")
    .map((raw, i) => parseConsumer(c, raw, `$.consumers[${i}]`, { accountNames, btc, btcstaking }));
  const bsnIds = new Set<string>();
  const fpAccounts = new Map<string, string>();
  const fpKeys = new Map<string, string>();
  consumers.forEach((consumer, i) => {
    if (bsnIds.has(consumer.bsnId)) c.fail(`$.consumers[${i}].bsnId`, `duplicate BSN id "${consumer.bsnId}"`);
    if (consumer.bsnId === chainId) {
      c.fail(
        `$.consumers[${i}].bsnId`,
        "must differ from the chain id (that id names Babylon Genesis' own BSN)",
      );
    }
    bsnIds.add(consumer.bsnId);
    consumer.finalityProviders.forEach((fp, j) => {
      const path = `$.consumers[${i}].finalityProviders[${j}]`;
      // Babylon registers at most one finality provider per address (ErrFpRegistered).
      const previous = fpAccounts.get(fp.account);
      if (previous !== undefined)
        c.fail(`${path}.account`, `account "${fp.account}" already owns ${previous}`);
      else fpAccounts.set(fp.account, path);
      const key = publicKeyHexOrUndefined(fp.btcSecretKeyHex);
      if (key === undefined) return;
      const sameKey = fpKeys.get(key);
      if (sameKey !== undefined) c.fail(`${path}.btcSecretKeyHex`, `same BTC key as ${sameKey}`);
      else fpKeys.set(key, path);
    });
  });

  const minGasPriceUbbn = c.number(root.minGasPriceUbbn, "$.minGasPriceUbbn", 0);
  if (c.problems.length > 0) throw new GenesisError(source, c.problems);
  return { chainId, genesisTime, accounts, consumers, btc, btcstaking, minGasPriceUbbn };
}

function parseAccount(c: Checker, raw: unknown, path: string): GenesisAccount {
  const o = c.object(raw, path, ["name", "mnemonic", "balanceUbbn"]);
  const name = c.string(o?.name, `${path}.name`);
  const mnemonic = c.string(o?.mnemonic, `${path}.mnemonic`);
  if (mnemonic !== "") {
    try {
      new EnglishMnemonic(mnemonic);
    } catch (error) {
      c.fail(`${path}.mnemonic`, `not a valid BIP-39 English mnemonic (${(error as Error).message})`);
    }
  }
  const balanceUbbn = c.string(o?.balanceUbbn, `${path}.balanceUbbn`);
  if (balanceUbbn !== "" && !/^\d+$/.test(balanceUbbn)) {
    c.fail(`${path}.balanceUbbn`, `must be a decimal string of ubbn, got ${JSON.stringify(balanceUbbn)}`);
  }
  return { name, mnemonic, balanceUbbn };
}

function parseBtc(c: Checker, raw: unknown, genesisMs: number): DevnetGenesis["btc"] {
  const o = c.object(raw, "$.btc", ["baseHeight", "baseTime", "tipHeight", "k", "w"]);
  const baseHeight = c.integer(o?.baseHeight, "$.btc.baseHeight", 0, U32_MAX - 1);
  const baseTime = c.integer(o?.baseTime, "$.btc.baseTime", 1, U32_MAX);
  const k = c.integer(o?.k, "$.btc.k", 1, U32_MAX);
  const w = c.integer(o?.w, "$.btc.w", 1, U32_MAX);
  // btccheckpoint Params.Validate: BtcConfirmationDepth should be smaller than CheckpointFinalizationTimeout.
  if (Number.isSafeInteger(k) && Number.isSafeInteger(w) && k >= w) {
    c.fail("$.btc.k", `must be smaller than w (${w}), as Babylon's btccheckpoint params require`);
  }
  const genesisSeconds = Math.floor(genesisMs / 1000);
  if (!Number.isNaN(genesisMs) && baseTime * 1000 > genesisMs) {
    c.fail("$.btc.baseTime", `must not be after genesisTime (${genesisSeconds})`);
  }
  const btc: DevnetGenesis["btc"] = { baseHeight, baseTime, k, w };
  if (o !== undefined && "tipHeight" in o && o.tipHeight !== undefined) {
    const tipHeight = c.integer(o.tipHeight, "$.btc.tipHeight", baseHeight, U32_MAX - 1);
    // The genesis headers are PRE_GENESIS_BTC_SPACING_S apart from the base: the last one must precede genesis.
    const tipTime = baseTime + (tipHeight - baseHeight) * PRE_GENESIS_BTC_SPACING_S;
    if (!Number.isNaN(genesisMs) && tipHeight >= baseHeight && tipTime * 1000 > genesisMs) {
      c.fail(
        "$.btc.tipHeight",
        `its header (baseTime + ${tipHeight - baseHeight} × ${PRE_GENESIS_BTC_SPACING_S} s = ${tipTime}) ` +
          `must not be after genesisTime (${genesisSeconds})`,
      );
    }
    btc.tipHeight = tipHeight;
  }
  return btc;
}

/** What a consumer's fields are checked against: the genesis account names and the BTC and staking params. */
type ConsumerContext = {
  accountNames: ReadonlySet<string>;
  btc: DevnetGenesis["btc"];
  btcstaking: DevnetGenesis["btcstaking"];
};

function parseConsumer(c: Checker, raw: unknown, path: string, context: ConsumerContext): GenesisConsumer {
  const o = c.object(raw, path, ["bsnId", "contract", "finalityProviders"]);
  const bsnId = c.string(o?.bsnId, `${path}.bsnId`);
  // The contract's own bsn_id rules (contract.md §3).
  if (bsnId !== "" && (!BSN_ID_RE.test(bsnId) || new TextEncoder().encode(bsnId).length > 100)) {
    c.fail(`${path}.bsnId`, "must be ≤ 100 bytes of letters, digits, '-' or '_'");
  }
  const cp = `${path}.contract`;
  const contractRaw = c.object(o?.contract, cp, [
    "admin",
    "min_pub_rand",
    "rate_limiting_interval",
    "max_msgs_per_interval",
    "bsn_activation_height",
    "finality_signature_interval",
    "allowlist",
  ]);
  const admin = c.string(contractRaw?.admin, `${cp}.admin`);
  if (admin !== "" && !context.accountNames.has(admin)) c.fail(`${cp}.admin`, `no account named "${admin}"`);

  const finalityProviders = c
    .array(o?.finalityProviders, `${path}.finalityProviders`)
    .map((fp, j) => parseFinalityProvider(c, fp, `${path}.finalityProviders[${j}]`, context));

  let allowlist: "all" | string[] = "all";
  const allowRaw = contractRaw?.allowlist;
  if (Array.isArray(allowRaw)) {
    const fpNames = new Set(finalityProviders.map((fp) => fp.account));
    allowlist = allowRaw.map((name, i) => {
      const entry = c.string(name, `${cp}.allowlist[${i}]`);
      if (entry !== "" && !fpNames.has(entry)) {
        c.fail(`${cp}.allowlist[${i}]`, `"${entry}" is not the account of a finality provider of this BSN`);
      }
      return entry;
    });
  } else if (allowRaw !== "all") {
    c.fail(`${cp}.allowlist`, `must be "all" or an array of FP account names, got ${describe(allowRaw)}`);
  }

  return {
    bsnId,
    contract: {
      admin,
      min_pub_rand: c.integer(contractRaw?.min_pub_rand, `${cp}.min_pub_rand`, 1),
      rate_limiting_interval: c.integer(
        contractRaw?.rate_limiting_interval,
        `${cp}.rate_limiting_interval`,
        1,
      ),
      max_msgs_per_interval: c.integer(
        contractRaw?.max_msgs_per_interval,
        `${cp}.max_msgs_per_interval`,
        1,
        U32_MAX,
      ),
      bsn_activation_height: c.integer(contractRaw?.bsn_activation_height, `${cp}.bsn_activation_height`, 0),
      finality_signature_interval: c.integer(
        contractRaw?.finality_signature_interval,
        `${cp}.finality_signature_interval`,
        1,
      ),
      allowlist,
    },
    finalityProviders,
  };
}

function parseFinalityProvider(
  c: Checker,
  raw: unknown,
  path: string,
  context: ConsumerContext,
): GenesisFinalityProvider {
  const o = c.object(raw, path, ["account", "btcSecretKeyHex", "moniker", "commission", "delegations"]);
  const account = c.string(o?.account, `${path}.account`);
  if (account !== "" && !context.accountNames.has(account))
    c.fail(`${path}.account`, `no account named "${account}"`);
  const btcSecretKeyHex = c.string(o?.btcSecretKeyHex, `${path}.btcSecretKeyHex`);
  if (btcSecretKeyHex !== "") {
    if (!SECRET_KEY_RE.test(btcSecretKeyHex)) {
      c.fail(
        `${path}.btcSecretKeyHex`,
        `must be 32 bytes as 64 hex characters, got ${btcSecretKeyHex.length} characters`,
      );
    } else if (publicKeyHexOrUndefined(btcSecretKeyHex) === undefined) {
      c.fail(`${path}.btcSecretKeyHex`, "is not a valid secp256k1 secret key (must be in [1, n-1])");
    }
  }
  const moniker = c.string(o?.moniker, `${path}.moniker`);
  const commission = c.string(o?.commission, `${path}.commission`);
  if (commission !== "" && (!DECIMAL_RE.test(commission) || Number(commission) > 1)) {
    c.fail(
      `${path}.commission`,
      `must be a decimal in [0, 1] with ≤ 18 places, got ${JSON.stringify(commission)}`,
    );
  }
  const delegations = c
    .array(o?.delegations, `${path}.delegations`)
    .map((d, k) => parseDelegation(c, d, `${path}.delegations[${k}]`, context));
  return { account, btcSecretKeyHex: btcSecretKeyHex.toLowerCase(), moniker, commission, delegations };
}

function parseDelegation(
  c: Checker,
  raw: unknown,
  path: string,
  context: Pick<ConsumerContext, "btc" | "btcstaking">,
): GenesisDelegation {
  const o = c.object(raw, path, [
    "totalSat",
    "startHeight",
    "endHeight",
    "covenantSigs",
    "unbondAtBtcHeight",
  ]);
  const totalSat = c.integer(o?.totalSat, `${path}.totalSat`, context.btcstaking.minStakingValueSat);
  const startHeight = c.integer(o?.startHeight, `${path}.startHeight`, 1, U32_MAX);
  const endHeight = c.integer(o?.endHeight, `${path}.endHeight`, 1, U32_MAX);
  const covenantSigs = c.integer(o?.covenantSigs, `${path}.covenantSigs`, 0, 64);
  // The staking tx's inclusion block must be in the light client, which at genesis holds the headers from
  // the base up to the genesis tip.
  const tipHeight = genesisBtcTipHeight(context.btc);
  if (startHeight > tipHeight) {
    const field = context.btc.tipHeight === undefined ? "btc.baseHeight" : "btc.tipHeight";
    c.fail(`${path}.startHeight`, `must be ≤ ${field} (${tipHeight}), the BTC tip at genesis`);
  }
  if (startHeight < context.btc.baseHeight) {
    c.fail(
      `${path}.startHeight`,
      `must be ≥ btc.baseHeight (${context.btc.baseHeight}): the light client holds no header below its base`,
    );
  }
  if (endHeight <= startHeight)
    c.fail(`${path}.endHeight`, `must be greater than startHeight (${startHeight})`);
  const delegation: GenesisDelegation = { totalSat, startHeight, endHeight, covenantSigs };
  if (o !== undefined && "unbondAtBtcHeight" in o && o.unbondAtBtcHeight !== undefined) {
    const unbondAt = c.integer(o.unbondAtBtcHeight, `${path}.unbondAtBtcHeight`, 1, U32_MAX);
    if (unbondAt <= startHeight || unbondAt >= endHeight) {
      c.fail(
        `${path}.unbondAtBtcHeight`,
        `must be between startHeight (${startHeight}) and endHeight (${endHeight})`,
      );
    }
    delegation.unbondAtBtcHeight = unbondAt;
  }
  return delegation;
}

function publicKeyHexOrUndefined(secretKeyHex: string): string | undefined {
  if (!SECRET_KEY_RE.test(secretKeyHex)) return undefined;
  try {
    return bytesToHex(xOnlyPublicKey(hexToBytes(secretKeyHex)));
  } catch {
    return undefined;
  }
}
