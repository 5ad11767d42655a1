/**
 * @module x/btcstaking genesis: the parameters (version 0) and, for each BSN of the genesis file,
 * its finality providers and their delegations. Each delegation is a well-formed Bitcoin staking
 * transaction carrying `total_sat`, with its unbonding and slashing transactions, derived
 * deterministically from the delegation's place in the genesis; signatures other than the FPs'
 * proofs of possession are synthetic bytes of the right lengths.
 */
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  bip340Sign,
  bytesToHex,
  concatBytes,
  hexToBytes,
  utf8ToBytes,
  xOnlyPublicKey,
} from "../../../../src/crypto/index.ts";
import type { BlockContext } from "../../chain/module.ts";
import type { DevnetGenesis } from "../../genesis.ts";
import { applyScheduledUnbonding } from "./btcstaking-lifecycle.ts";
import {
  type AdaptorSignaturesRecord,
  type BtcStakingParamsRecord,
  type DelegationRecord,
  type FinalityProviderRecord,
  fpByBsnPrefix,
  PARAMS_KEY,
  setFinalityProvider,
  storeDelegation,
} from "./btcstaking-records.ts";
import { toLegacyDecAtomics } from "./legacy-dec.ts";
import { labelled, labelledBytes, p2trScript, reversedHex, serializeTx, txid } from "./synthetic.ts";

/**
 * Babylon's btcstaking module account, `bech32(sha256("btcstaking")[:20])`: part of the
 * proof-of-possession signing context.
 */
export function btcStakingModuleAddress(): string {
  return toBech32("bbn", sha256(utf8ToBytes("btcstaking")).slice(0, 20));
}

/**
 * The finality provider's proof of possession as Babylon v3 verifies it: a BIP-340 signature by the
 * BTC key over `sha256(FpPopContextV0(chainId, btcstaking module address) || address bytes)`.
 */
export function proofOfPossession(chainId: string, addr: string, btcSecretKey: Uint8Array): Uint8Array {
  const context = bytesToHex(
    sha256(utf8ToBytes(`btcstaking/0/fp_pop/${chainId}/${btcStakingModuleAddress()}`)),
  );
  return bip340Sign(btcSecretKey, sha256(concatBytes(utf8ToBytes(context), fromBech32(addr, 90).data)));
}

/** The parameters (version 0) the emulator runs with; covenant keys are synthetic. */
export function genesisParams(genesis: DevnetGenesis): BtcStakingParamsRecord {
  const mostSigs = Math.max(
    0,
    ...genesis.consumers.flatMap((c) =>
      c.finalityProviders.flatMap((fp) => fp.delegations.map((d) => d.covenantSigs)),
    ),
  );
  const committee = Math.max(genesis.btcstaking.covenantQuorum, mostSigs);
  return {
    covenantPkHexes: Array.from({ length: committee }, (_, i) =>
      bytesToHex(xOnlyPublicKey(labelled(`covenant/${i}`))),
    ),
    covenantQuorum: genesis.btcstaking.covenantQuorum,
    minStakingValueSat: genesis.btcstaking.minStakingValueSat,
    maxStakingValueSat: 10_000_000_000,
    minStakingTimeBlocks: 10,
    maxStakingTimeBlocks: 65_535,
    // OP_RETURN <20 synthetic bytes>: where slashed funds would be burnt.
    slashingPkScriptHex: bytesToHex(
      concatBytes(Uint8Array.of(0x6a, 0x14), labelledBytes("slashing-script", 20)),
    ),
    minSlashingTxFeeSat: 1_000,
    slashingRate: "0.1",
    // Babylon requires unbonding time > w (checkpoint_finalization_timeout); this is the smallest such value.
    unbondingTimeBlocks: genesis.btc.w + 1,
    unbondingFeeSat: 1_000,
    minCommissionRate: "0",
    delegationCreationBaseGasFee: 1_095_000,
    allowListExpirationHeight: 0,
    btcActivationHeight: 0,
    maxFinalityProviders: 5,
  };
}

/** `amount × rate`, truncated (LegacyDec arithmetic). */
function slashedAmount(amount: number, rate: string): number {
  return Number((BigInt(amount) * BigInt(toLegacyDecAtomics(rate))) / 10n ** 18n);
}

function adaptorSignatures(
  params: BtcStakingParamsRecord,
  count: number,
  label: string,
): AdaptorSignaturesRecord[] {
  // One 66-byte adaptor signature per finality provider in the delegation's list (here: one).
  return params.covenantPkHexes.slice(0, count).map((covPkHex, i) => ({
    covPkHex,
    adaptorSigHexes: [bytesToHex(labelledBytes(`${label}/${i}`, 66))],
  }));
}

/** A delegation's full record, derived deterministically from its place in the genesis. */
export function buildDelegation(
  params: BtcStakingParamsRecord,
  where: { bsnId: string; fpBtcPkHex: string; index: number },
  delegation: DevnetGenesis["consumers"][number]["finalityProviders"][number]["delegations"][number],
): DelegationRecord {
  const label = `delegation/${where.bsnId}/${where.fpBtcPkHex}/${where.index}`;
  const stakerSecret = labelled(`${label}/staker`);
  const total = delegation.totalSat;
  const slashingScript = hexToBytes(params.slashingPkScriptHex);
  const slashed = slashedAmount(total, params.slashingRate);

  const stakingTx = serializeTx(
    [{ txid: labelled(`${label}/funding`), vout: 0 }],
    [{ value: total, script: p2trScript(labelled(`${label}/staking-output`)) }],
  );
  const stakingTxid = txid(stakingTx);
  const slashingTx = serializeTx(
    [{ txid: stakingTxid, vout: 0 }],
    [
      { value: slashed, script: slashingScript },
      {
        value: total - slashed - params.minSlashingTxFeeSat,
        script: p2trScript(labelled(`${label}/slashing-change`)),
      },
    ],
  );
  const unbondingValue = total - params.unbondingFeeSat;
  const unbondingTx = serializeTx(
    [{ txid: stakingTxid, vout: 0 }],
    [{ value: unbondingValue, script: p2trScript(labelled(`${label}/unbonding-output`)) }],
  );
  const unbondingSlashed = slashedAmount(unbondingValue, params.slashingRate);
  const unbondingSlashingTx = serializeTx(
    [{ txid: txid(unbondingTx), vout: 0 }],
    [
      { value: unbondingSlashed, script: slashingScript },
      {
        value: unbondingValue - unbondingSlashed - params.minSlashingTxFeeSat,
        script: p2trScript(labelled(`${label}/unbonding-slashing-change`)),
      },
    ],
  );

  return {
    stakingTxHashHex: reversedHex(stakingTxid),
    stakerAddr: toBech32("bbn", labelled(`${label}/staker-address`).slice(0, 20)),
    btcPkHex: bytesToHex(xOnlyPublicKey(stakerSecret)),
    fpBtcPkHexList: [where.fpBtcPkHex],
    stakingTime: delegation.endHeight - delegation.startHeight,
    startHeight: delegation.startHeight,
    endHeight: delegation.endHeight,
    totalSat: total,
    stakingTxHex: bytesToHex(stakingTx),
    stakingOutputIdx: 0,
    slashingTxHex: bytesToHex(slashingTx),
    delegatorSlashSigHex: bytesToHex(labelledBytes(`${label}/delegator-slashing-sig`, 64)),
    covenantSigs: adaptorSignatures(params, delegation.covenantSigs, `${label}/covenant-slashing`),
    unbondingTime: params.unbondingTimeBlocks,
    paramsVersion: 0,
    undelegation: {
      unbondingTxHex: bytesToHex(unbondingTx),
      covenantUnbondingSigs: params.covenantPkHexes.slice(0, delegation.covenantSigs).map((pkHex, i) => ({
        pkHex,
        sigHex: bytesToHex(labelledBytes(`${label}/covenant-unbonding/${i}`, 64)),
      })),
      slashingTxHex: bytesToHex(unbondingSlashingTx),
      delegatorSlashingSigHex: bytesToHex(labelledBytes(`${label}/delegator-unbonding-slashing-sig`, 64)),
      covenantSlashingSigs: adaptorSignatures(
        params,
        delegation.covenantSigs,
        `${label}/covenant-unbonding-slashing`,
      ),
      delegatorUnbonding: null,
    },
    unbondAtBtcHeight: delegation.unbondAtBtcHeight ?? null,
  };
}

/** Fills x/btcstaking from the genesis: params, each BSN's finality providers and delegations. */
export function initBtcStaking(
  ctx: BlockContext,
  genesis: DevnetGenesis,
  addressOf: (accountName: string) => string,
): void {
  const params = genesisParams(genesis);
  ctx.store.set(PARAMS_KEY, params);
  const updateTime = ctx.time.toISOString();
  for (const consumer of genesis.consumers) {
    for (const fp of consumer.finalityProviders) {
      const secretKey = hexToBytes(fp.btcSecretKeyHex);
      const btcPkHex = bytesToHex(xOnlyPublicKey(secretKey));
      const addr = addressOf(fp.account);
      const record: FinalityProviderRecord = {
        btcPkHex,
        addr,
        bsnId: consumer.bsnId,
        moniker: fp.moniker,
        commission: fp.commission,
        commissionUpdateTime: updateTime,
        popSigHex: bytesToHex(proofOfPossession(genesis.chainId, addr, secretKey)),
        slashedBabylonHeight: 0,
        slashedBtcHeight: 0,
        jailed: false,
        highestVotedHeight: 0,
      };
      setFinalityProvider(ctx.store, record);
      ctx.store.set(fpByBsnPrefix(consumer.bsnId) + btcPkHex, true);
      fp.delegations.forEach((delegation, index) => {
        storeDelegation(
          ctx.store,
          buildDelegation(params, { bsnId: consumer.bsnId, fpBtcPkHex: btcPkHex, index }, delegation),
        );
      });
    }
  }
  applyScheduledUnbonding(ctx);
}
