/**
 * @module x/btcstaking records → babylon-proto-ts response messages (`NewFinalityProviderResponse`,
 * `NewBTCDelegationResponse`, params). Decimals go out as LegacyDec atomics, as on the wire.
 */
import {
  BTCDelegationStatus,
  bTCDelegationStatusToJSON,
  type CovenantAdaptorSignatures,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/btcstaking";
import type { Params } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/params";
import { BTCSigType } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/pop";
import type {
  BTCDelegationResponse,
  FinalityProviderResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import { hexToBytes } from "../../../../src/crypto/index.ts";
import type {
  AdaptorSignaturesRecord,
  BtcStakingParamsRecord,
  DelegationRecord,
  FinalityProviderRecord,
} from "./btcstaking-records.ts";
import { toLegacyDecAtomics } from "./legacy-dec.ts";

export function paramsResponse(p: BtcStakingParamsRecord): Params {
  return {
    covenantPks: p.covenantPkHexes.map((pk) => hexToBytes(pk)),
    covenantQuorum: p.covenantQuorum,
    minStakingValueSat: p.minStakingValueSat,
    maxStakingValueSat: p.maxStakingValueSat,
    minStakingTimeBlocks: p.minStakingTimeBlocks,
    maxStakingTimeBlocks: p.maxStakingTimeBlocks,
    slashingPkScript: hexToBytes(p.slashingPkScriptHex),
    minSlashingTxFeeSat: p.minSlashingTxFeeSat,
    slashingRate: toLegacyDecAtomics(p.slashingRate),
    unbondingTimeBlocks: p.unbondingTimeBlocks,
    unbondingFeeSat: p.unbondingFeeSat,
    minCommissionRate: toLegacyDecAtomics(p.minCommissionRate),
    delegationCreationBaseGasFee: p.delegationCreationBaseGasFee,
    allowListExpirationHeight: p.allowListExpirationHeight,
    btcActivationHeight: p.btcActivationHeight,
    maxFinalityProviders: p.maxFinalityProviders,
  };
}

/** `NewFinalityProviderResponse(fp, height)`; `height` is the queried Babylon height. */
export function finalityProviderResponse(
  fp: FinalityProviderRecord,
  height: number,
): FinalityProviderResponse {
  return {
    description: { moniker: fp.moniker, identity: "", website: "", securityContact: "", details: "" },
    commission: toLegacyDecAtomics(fp.commission),
    addr: fp.addr,
    btcPk: hexToBytes(fp.btcPkHex),
    pop: { btcSigType: BTCSigType.BIP340, btcSig: hexToBytes(fp.popSigHex) },
    slashedBabylonHeight: fp.slashedBabylonHeight,
    slashedBtcHeight: fp.slashedBtcHeight,
    height,
    jailed: fp.jailed,
    highestVotedHeight: fp.highestVotedHeight,
    commissionInfo: {
      maxRate: toLegacyDecAtomics(Number(fp.commission) > 0.2 ? fp.commission : "0.2"),
      maxChangeRate: toLegacyDecAtomics("0.01"),
      updateTime: new Date(fp.commissionUpdateTime),
    },
    bsnId: fp.bsnId,
  };
}

function adaptorSignatures(records: AdaptorSignaturesRecord[]): CovenantAdaptorSignatures[] {
  return records.map((r) => ({
    covPk: hexToBytes(r.covPkHex),
    adaptorSigs: r.adaptorSigHexes.map((s) => hexToBytes(s)),
  }));
}

/** `NewBTCDelegationResponse(del, status)`. */
export function delegationResponse(d: DelegationRecord, status: BTCDelegationStatus): BTCDelegationResponse {
  const u = d.undelegation;
  return {
    stakerAddr: d.stakerAddr,
    btcPk: hexToBytes(d.btcPkHex),
    fpBtcPkList: d.fpBtcPkHexList.map((pk) => hexToBytes(pk)),
    stakingTime: d.stakingTime,
    startHeight: d.startHeight,
    endHeight: d.endHeight,
    totalSat: d.totalSat,
    stakingTxHex: d.stakingTxHex,
    slashingTxHex: d.slashingTxHex,
    delegatorSlashSigHex: d.delegatorSlashSigHex,
    covenantSigs: adaptorSignatures(d.covenantSigs),
    stakingOutputIdx: d.stakingOutputIdx,
    active: status === BTCDelegationStatus.ACTIVE,
    statusDesc: bTCDelegationStatusToJSON(status),
    unbondingTime: d.unbondingTime,
    undelegationResponse: {
      unbondingTxHex: u.unbondingTxHex,
      covenantUnbondingSigList: u.covenantUnbondingSigs.map((s) => ({
        pk: hexToBytes(s.pkHex),
        sig: hexToBytes(s.sigHex),
      })),
      slashingTxHex: u.slashingTxHex,
      delegatorSlashingSigHex: u.delegatorSlashingSigHex,
      covenantSlashingSigs: adaptorSignatures(u.covenantSlashingSigs),
      delegatorUnbondingInfoResponse:
        u.delegatorUnbonding === null ? undefined : { spendStakeTxHex: u.delegatorUnbonding.spendStakeTxHex },
    },
    paramsVersion: d.paramsVersion,
    stkExp: undefined,
  };
}
