/**
 * @module x/btcstaking state as the emulator stores it: JSON records in the KV store, keyed like
 * Babylon's stores (finality providers by BTC key, a per-BSN index, delegations by staking txid in
 * internal byte order, per-FP delegator index by staker key) so that iteration order, and so paging
 * and `next_key`, match a node's.
 */
import { bytesToHex, hexToBytes } from "../../../../src/crypto/index.ts";
import type { KVStore } from "../../store/kv-store.ts";

export const PARAMS_KEY = "btcstaking/params";
export const FP_PREFIX = "btcstaking/fp/";
export const FP_BY_BSN_PREFIX = "btcstaking/fp-by-bsn/";
export const DELEGATION_PREFIX = "btcstaking/del/";
export const FP_DELEGATOR_PREFIX = "btcstaking/fp-del/";
/** Pending genesis-scheduled unbondings, `[{ btcHeight, stakingTxHashHex }]` by height (one small key, read every block). */
export const UNBOND_SCHEDULE_KEY = "btcstaking/unbond-schedule";

export type ScheduledUnbonding = { btcHeight: number; stakingTxHashHex: string };

export type FinalityProviderRecord = {
  /** x-only BIP-340 key, lowercase hex. */
  btcPkHex: string;
  addr: string;
  bsnId: string;
  moniker: string;
  /** Decimal, e.g. "0.05". */
  commission: string;
  commissionUpdateTime: string;
  popSigHex: string;
  slashedBabylonHeight: number;
  slashedBtcHeight: number;
  jailed: boolean;
  highestVotedHeight: number;
};

export type AdaptorSignaturesRecord = { covPkHex: string; adaptorSigHexes: string[] };
export type SignatureRecord = { pkHex: string; sigHex: string };

export type DelegationRecord = {
  /** Display (byte-reversed) hex, as `BTCDelegation` queries take it. */
  stakingTxHashHex: string;
  stakerAddr: string;
  btcPkHex: string;
  fpBtcPkHexList: string[];
  stakingTime: number;
  startHeight: number;
  endHeight: number;
  totalSat: number;
  stakingTxHex: string;
  stakingOutputIdx: number;
  slashingTxHex: string;
  delegatorSlashSigHex: string;
  covenantSigs: AdaptorSignaturesRecord[];
  unbondingTime: number;
  paramsVersion: number;
  undelegation: {
    unbondingTxHex: string;
    covenantUnbondingSigs: SignatureRecord[];
    slashingTxHex: string;
    delegatorSlashingSigHex: string;
    covenantSlashingSigs: AdaptorSignaturesRecord[];
    /** Set when the staker unbonded early (Babylon's `DelegatorUnbondingInfo`). */
    delegatorUnbonding: null | { spendStakeTxHex: string; babylonHeight: number; btcHeight: number };
  };
  /** Genesis-scheduled early unbonding: applied once the BTC tip reaches this height. */
  unbondAtBtcHeight: number | null;
};

export type BtcStakingParamsRecord = {
  covenantPkHexes: string[];
  covenantQuorum: number;
  minStakingValueSat: number;
  maxStakingValueSat: number;
  minStakingTimeBlocks: number;
  maxStakingTimeBlocks: number;
  slashingPkScriptHex: string;
  minSlashingTxFeeSat: number;
  /** Decimal. */
  slashingRate: string;
  unbondingTimeBlocks: number;
  unbondingFeeSat: number;
  /** Decimal. */
  minCommissionRate: string;
  delegationCreationBaseGasFee: number;
  allowListExpirationHeight: number;
  btcActivationHeight: number;
  maxFinalityProviders: number;
};

export const fpKey = (btcPkHex: string): string => FP_PREFIX + btcPkHex;
export const fpByBsnPrefix = (bsnId: string): string => `${FP_BY_BSN_PREFIX}${bsnId}/`;
/** Delegations are keyed by the staking txid in internal byte order, as Babylon's store is. */
export const delegationKey = (stakingTxHashHex: string): string =>
  DELEGATION_PREFIX + bytesToHex(hexToBytes(stakingTxHashHex).reverse());
export const fpDelegatorPrefix = (fpBtcPkHex: string): string => `${FP_DELEGATOR_PREFIX}${fpBtcPkHex}/`;

export function getParams(store: KVStore): BtcStakingParamsRecord {
  const params = store.get<BtcStakingParamsRecord>(PARAMS_KEY);
  if (params === undefined) throw new Error("btcstaking: genesis not initialised");
  return params;
}

export function getFinalityProvider(store: KVStore, btcPkHex: string): FinalityProviderRecord | undefined {
  return store.get<FinalityProviderRecord>(fpKey(btcPkHex));
}

export function setFinalityProvider(store: KVStore, fp: FinalityProviderRecord): void {
  store.set(fpKey(fp.btcPkHex), fp);
}

export function getDelegation(store: KVStore, stakingTxHashHex: string): DelegationRecord | undefined {
  return store.get<DelegationRecord>(delegationKey(stakingTxHashHex));
}

/** Writes a delegation and its indexes (by FP and staker key; by scheduled unbonding height). */
export function storeDelegation(store: KVStore, delegation: DelegationRecord): void {
  store.set(delegationKey(delegation.stakingTxHashHex), delegation);
  for (const fpPkHex of delegation.fpBtcPkHexList) {
    const key = fpDelegatorPrefix(fpPkHex) + delegation.btcPkHex;
    const hashes = store.get<string[]>(key) ?? [];
    if (!hashes.includes(delegation.stakingTxHashHex)) hashes.push(delegation.stakingTxHashHex);
    store.set(key, hashes);
  }
  if (delegation.unbondAtBtcHeight !== null && delegation.undelegation.delegatorUnbonding === null) {
    const schedule = store.get<ScheduledUnbonding[]>(UNBOND_SCHEDULE_KEY) ?? [];
    schedule.push({ btcHeight: delegation.unbondAtBtcHeight, stakingTxHashHex: delegation.stakingTxHashHex });
    schedule.sort((a, b) => a.btcHeight - b.btcHeight);
    store.set(UNBOND_SCHEDULE_KEY, schedule);
  }
}
