/** @module `getFinalityProviderDelegations`: every BTC delegation to one finality provider, all pages. */
import {
  QueryFinalityProviderDelegationsRequest,
  QueryFinalityProviderDelegationsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import { BabylonInvalidResponseError } from "./errors.ts";
import type { PageOptions } from "./get-finality-providers.ts";
import { collectPages, normalizeHex } from "./internal.ts";
import type { BabylonRpc } from "./rpc.ts";
import { grpcQuery } from "./upstream.ts";

/** The fields of a delegation the voting-power rule reads (signature lists as counts). */
export type Delegation = {
  totalSat: bigint;
  /** BTC height of the staking tx's inclusion. */
  startHeight: number;
  /** BTC height where the staking timelock ends. */
  endHeight: number;
  covenantSigs: number;
  covenantUnbondingSigs: number;
  covenantSlashingSigs: number;
  /** The staker unbonded or spent the stake (`delegator_unbonding_info_response` present): current state. */
  unbonded: boolean;
};

const PATH = "/babylon.btcstaking.v1.Query/FinalityProviderDelegations";

/**
 * Every delegation to `fpBtcPk` (hex, `0x` allowed), flattened over delegators and pages.
 *
 * Causes ⌈delegators / pageSize⌉ (at least 1) `abci_query`s at
 * `/babylon.btcstaking.v1.Query/FinalityProviderDelegations`.
 * @throws TypeError for a non-hex key; BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getFinalityProviderDelegations(
  rpc: BabylonRpc,
  fpBtcPk: string,
  options: PageOptions = {},
): Promise<Delegation[]> {
  const fpBtcPkHex = normalizeHex(fpBtcPk, "fpBtcPk");
  const limit = options.pageSize ?? 100;
  return collectPages(PATH, async (key) => {
    const response = await grpcQuery(
      rpc.rpc,
      "babylon.btcstaking.v1.Query",
      "FinalityProviderDelegations",
      QueryFinalityProviderDelegationsRequest,
      QueryFinalityProviderDelegationsResponse,
      { fpBtcPkHex, pagination: { key, offset: 0, limit, countTotal: false, reverse: false } },
    );
    const items = response.btcDelegatorDelegations.flatMap((group) =>
      group.dels.map((d): Delegation => {
        if (!Number.isSafeInteger(d.totalSat) || d.totalSat < 0) {
          throw new BabylonInvalidResponseError(PATH, `total_sat ${d.totalSat} is not a satoshi amount`);
        }
        const u = d.undelegationResponse;
        return {
          totalSat: BigInt(d.totalSat),
          startHeight: d.startHeight,
          endHeight: d.endHeight,
          covenantSigs: d.covenantSigs.length,
          covenantUnbondingSigs: u?.covenantUnbondingSigList.length ?? 0,
          covenantSlashingSigs: u?.covenantSlashingSigs.length ?? 0,
          unbonded: u?.delegatorUnbondingInfoResponse !== undefined,
        };
      }),
    );
    return { items, nextKey: response.pagination?.nextKey };
  });
}
