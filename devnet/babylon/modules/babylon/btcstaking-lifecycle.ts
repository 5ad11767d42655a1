/**
 * @module x/btcstaking delegation lifecycle: Babylon's status rule, and the genesis-scheduled
 * early unbonding applied once the BTC light client's tip reaches its height.
 */
import { BTCDelegationStatus } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/btcstaking";
import type { BlockContext } from "../../chain/module.ts";
import { btcTipHeight } from "./btclightclient.ts";
import {
  type DelegationRecord,
  delegationKey,
  getDelegation,
  type ScheduledUnbonding,
  UNBOND_SCHEDULE_KEY,
} from "./btcstaking-records.ts";

/** Babylon's `BTCDelegation.GetStatus(btcHeight, covenantQuorum)` (no stake expansion here). */
export function delegationStatus(
  delegation: DelegationRecord,
  btcHeight: number,
  covenantQuorum: number,
): BTCDelegationStatus {
  if (delegation.undelegation.delegatorUnbonding !== null) return BTCDelegationStatus.UNBONDED;
  const hasQuorum =
    delegation.covenantSigs.length >= covenantQuorum &&
    delegation.undelegation.covenantUnbondingSigs.length >= covenantQuorum &&
    delegation.undelegation.covenantSlashingSigs.length >= covenantQuorum;
  if (!hasQuorum) return BTCDelegationStatus.PENDING;
  if (!(delegation.startHeight > 0 && delegation.endHeight > 0)) return BTCDelegationStatus.VERIFIED;
  if (btcHeight < delegation.startHeight) return BTCDelegationStatus.UNBONDED;
  if (btcHeight + delegation.unbondingTime >= delegation.endHeight) return BTCDelegationStatus.EXPIRED;
  return BTCDelegationStatus.ACTIVE;
}

/**
 * Unbonds (as a `MsgBTCUndelegate` with the unbonding tx's inclusion proof would) every delegation
 * whose scheduled height the BTC tip has reached. Returns their staking tx hashes.
 */
export function applyScheduledUnbonding(ctx: BlockContext): string[] {
  const schedule = ctx.store.get<ScheduledUnbonding[]>(UNBOND_SCHEDULE_KEY) ?? [];
  const tip = btcTipHeight(ctx.store);
  const due = schedule.filter((entry) => entry.btcHeight <= tip);
  if (due.length === 0) return [];
  ctx.store.set(
    UNBOND_SCHEDULE_KEY,
    schedule.filter((entry) => entry.btcHeight > tip),
  );
  const unbonded: string[] = [];
  for (const { stakingTxHashHex } of due) {
    const delegation = getDelegation(ctx.store, stakingTxHashHex);
    if (delegation === undefined || delegation.undelegation.delegatorUnbonding !== null) continue;
    // The spend is the pre-signed unbonding tx itself, so Babylon leaves spend_stake_tx empty.
    delegation.undelegation.delegatorUnbonding = {
      spendStakeTxHex: "",
      babylonHeight: ctx.height,
      btcHeight: tip,
    };
    ctx.store.set(delegationKey(stakingTxHashHex), delegation);
    unbonded.push(stakingTxHashHex);
  }
  return unbonded;
}
