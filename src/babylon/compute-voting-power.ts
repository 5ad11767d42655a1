/** @module `computeVotingPower`: the BTC voting power of a set of delegations at one BTC height (pure). */
import type { Delegation } from "./get-finality-provider-delegations.ts";

export type VotingPowerRule = {
  /** The BTC height H the power is taken at. */
  btcHeight: number;
  /** `btc_confirmation_depth`. */
  k: number;
  /** `checkpoint_finalization_timeout`. */
  w: number;
  covenantQuorum: number;
};

/** Whether one delegation counts at `rule.btcHeight` (the reference gadget's rule, without its overflow). */
export function isDelegationActive(delegation: Delegation, rule: VotingPowerRule): boolean {
  const { btcHeight, k, w, covenantQuorum } = rule;
  return (
    !delegation.unbonded &&
    delegation.startHeight + k <= btcHeight &&
    btcHeight + w <= delegation.endHeight &&
    delegation.covenantSigs >= covenantQuorum &&
    delegation.covenantUnbondingSigs >= covenantQuorum &&
    delegation.covenantSlashingSigs >= covenantQuorum
  );
}

/**
 * Σ `totalSat` (satoshi, bigint) of the delegations active at `btcHeight`: not unbonded,
 * `start + k ≤ H`, `H + w ≤ end`, and at least `covenantQuorum` signatures in each of the covenant,
 * covenant-unbonding and covenant-slashing lists. Heights are plain numbers (no uint32 wrap). No I/O.
 */
export function computeVotingPower(delegations: readonly Delegation[], rule: VotingPowerRule): bigint {
  let power = 0n;
  for (const d of delegations) if (isDelegationActive(d, rule)) power += d.totalSat;
  return power;
}
