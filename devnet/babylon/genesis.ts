/**
 * @module The emulator's genesis: accounts, consumer chains (BSNs) with their finality contract and
 * finality providers, delegations, and the BTC / epoching parameters. Loaded from a JSON file
 * (`devnet/babylon/genesis.default.json` unless `BABYLON_GENESIS` names another). Devnet only: the
 * mnemonics and BTC keys in it are public test material and must never hold real value.
 */

export type GenesisAccount = {
  /** Stable name used elsewhere in the genesis (`relayer`, `admin`, `fp-1`, …). */
  name: string;
  /** BIP-39 mnemonic; the account is its first secp256k1 key at m/44'/118'/0'/0/0, prefix `bbn`. */
  mnemonic: string;
  /** Initial balance in `ubbn`, decimal string. */
  balanceUbbn: string;
};

export type GenesisDelegation = {
  /** Sum of staked satoshis. */
  totalSat: number;
  /** BTC heights of the staking tx's inclusion and timelock end. */
  startHeight: number;
  endHeight: number;
  /** Covenant signatures present in each of the three lists (active needs ≥ covenant quorum in all). */
  covenantSigs: number;
  /** When set, the delegation is unbonded early once the BTC tip reaches this height. */
  unbondAtBtcHeight?: number;
};

export type GenesisFinalityProvider = {
  /** Name of the Babylon account that owns the FP (signs its txs). */
  account: string;
  /** 32-byte BTC/EOTS secret key, hex. Devnet only: the FP fleet signs with it. */
  btcSecretKeyHex: string;
  moniker: string;
  /** Commission as a decimal string, e.g. "0.05". */
  commission: string;
  delegations: GenesisDelegation[];
};

export type GenesisConsumer = {
  bsnId: string;
  /** The finality contract's instantiate message (contract.md §3), admin given as an account name. */
  contract: {
    admin: string;
    min_pub_rand: number;
    rate_limiting_interval: number;
    max_msgs_per_interval: number;
    bsn_activation_height: number;
    finality_signature_interval: number;
    /** `"all"` allows every FP of this BSN; otherwise FP account names. */
    allowlist: "all" | string[];
  };
  finalityProviders: GenesisFinalityProvider[];
};

export type DevnetGenesis = {
  chainId: string;
  /** Genesis time, ISO 8601. A chain started later starts at the wall clock; block times follow it. */
  genesisTime: string;
  accounts: GenesisAccount[];
  consumers: GenesisConsumer[];
  btc: {
    /**
     * Height of the light client's base header: the lowest header it holds, so no delegation may start
     * below it (its staking tx's inclusion block must be in the light client, as on Babylon).
     */
    baseHeight: number;
    /** Timestamp (unix seconds) of the base header. */
    baseTime: number;
    /**
     * The BTC tip at genesis (default `baseHeight`): the light client starts with every header from the base
     * up to it, as a real Babylon genesis lists its `btc_headers`, each {@link PRE_GENESIS_BTC_SPACING_S}
     * after the previous one; the last must not be after `genesisTime`. Delegations start at or below it.
     */
    tipHeight?: number;
    /** btccheckpoint params: confirmation depth k and finalization timeout w. */
    k: number;
    w: number;
  };
  btcstaking: {
    covenantQuorum: number;
    minStakingValueSat: number;
  };
  /** Minimum gas price in ubbn (fees below `gas_limit × price` are rejected like a chain does). */
  minGasPriceUbbn: number;
};

/** Seconds between the genesis's BTC headers (base up to `btc.tipHeight`): Bitcoin's 10-minute target spacing. */
export const PRE_GENESIS_BTC_SPACING_S = 600;

/** The BTC light client's tip at genesis: `btc.tipHeight`, else the base header. */
export function genesisBtcTipHeight(btc: DevnetGenesis["btc"]): number {
  return btc.tipHeight ?? btc.baseHeight;
}

/** Timing knobs: from the environment, not the genesis, so the same genesis runs fast in tests. */
export type ChainTiming = {
  /** `BABYLON_BLOCK_MS`, default 1000. */
  blockMs: number;
  /** `BTC_BLOCK_MS`: a new synthetic BTC header every this many ms of block time. */
  btcBlockMs: number;
  /** `EPOCH_BLOCKS`: Babylon blocks per epoch. */
  epochBlocks: number;
  /** `FINALIZE_DELAY`: blocks after an epoch ends until it is checkpoint-finalized. */
  finalizeDelay: number;
};
