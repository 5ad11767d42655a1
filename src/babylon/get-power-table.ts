/** @module `getPowerTable`: every finality provider of a BSN with its BTC voting power at one BTC height. */
import { computeVotingPower } from "./compute-voting-power.ts";
import { getCheckpointParams } from "./get-checkpoint-params.ts";
import { getFinalityProviderDelegations } from "./get-finality-provider-delegations.ts";
import { type FinalityProvider, getFinalityProviders, isSlashed } from "./get-finality-providers.ts";
import { getStakingParams } from "./get-staking-params.ts";
import { mapBounded } from "./internal.ts";
import type { BabylonRpc } from "./rpc.ts";

export type PowerTableEntry = {
  /** BIP-340 x-only key, lowercase hex. */
  btcPk: string;
  /** Satoshi; 0n for a slashed FP. */
  power: bigint;
  slashed: boolean;
};

export type PowerTable = {
  btcHeight: number;
  /** Σ power over providers, satoshi. */
  totalPower: bigint;
  /** In the order `FinalityProviders` lists them. */
  providers: PowerTableEntry[];
};

export type PowerTableOptions = {
  /** Delegation queries in flight at once (default 4). */
  readonly concurrency?: number;
  /** `pagination.limit` for FP and delegation pages (default 100). */
  readonly pageSize?: number;
};

/** Assembles a table from FPs and their delegations (pure; slashed FPs get 0n without looking at delegations). */
export function assemblePowerTable(
  providers: ReadonlyArray<{ fp: FinalityProvider; power: bigint }>,
  btcHeight: number,
): PowerTable {
  const entries = providers.map(({ fp, power }) => {
    const slashed = isSlashed(fp);
    return { btcPk: fp.btcPk, power: slashed ? 0n : power, slashed };
  });
  return { btcHeight, totalPower: entries.reduce((sum, e) => sum + e.power, 0n), providers: entries };
}

/**
 * The power table of `bsnId` at `btcHeight`, from **current** Babylon state (as the reference gadget;
 * an unbonding applies retroactively). FPs of every page; a slashed FP (either slashed height ≠ 0) has
 * power 0n and `slashed: true` and its delegations are not fetched. Jailed FPs keep their power (the rule
 * in DESIGN.md excludes slashed ones only).
 *
 * Causes, with F FPs (S of them slashed) and D delegators per FP: ⌈F/pageSize⌉ `abci_query`s at
 * `/babylon.btcstaking.v1.Query/FinalityProviders`, one at `/babylon.btcstaking.v1.Query/Params`, one at
 * `/babylon.btccheckpoint.v1.Query/Params` (params once per table, fetched concurrently with the FPs), and
 * (F−S)·⌈D/pageSize⌉ at `/babylon.btcstaking.v1.Query/FinalityProviderDelegations`, at most
 * `concurrency` at a time.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getPowerTable(
  rpc: BabylonRpc,
  { bsnId, btcHeight }: { bsnId: string; btcHeight: number },
  options: PowerTableOptions = {},
): Promise<PowerTable> {
  const { concurrency = 4, pageSize } = options;
  const page = pageSize === undefined ? {} : { pageSize };
  const [fps, staking, checkpoint] = await Promise.all([
    getFinalityProviders(rpc, bsnId, page),
    getStakingParams(rpc),
    getCheckpointParams(rpc),
  ]);
  const rule = { btcHeight, k: checkpoint.k, w: checkpoint.w, covenantQuorum: staking.covenantQuorum };
  const providers = await mapBounded(fps, concurrency, async (fp) => {
    if (isSlashed(fp)) return { fp, power: 0n };
    const delegations = await getFinalityProviderDelegations(rpc, fp.btcPk, page);
    return { fp, power: computeVotingPower(delegations, rule) };
  });
  return assemblePowerTable(providers, btcHeight);
}
