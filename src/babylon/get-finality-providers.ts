/** @module `getFinalityProviders`: every finality provider of one BSN, all pages. */
import {
  QueryFinalityProvidersRequest,
  QueryFinalityProvidersResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import { bytesToHex } from "../crypto/index.ts";
import { collectPages } from "./internal.ts";
import type { BabylonRpc } from "./rpc.ts";
import { grpcQuery } from "./upstream.ts";

export type FinalityProvider = {
  /** BIP-340 x-only key, lowercase hex. */
  btcPk: string;
  /** Babylon height it was slashed at; 0 = not slashed. */
  slashedBabylonHeight: number;
  /** BTC height it was slashed at; 0 = not slashed. */
  slashedBtcHeight: number;
  jailed: boolean;
  moniker: string;
};

export type PageOptions = {
  /** `pagination.limit` per request (default 100, the server's default). */
  readonly pageSize?: number;
};

/** Whether either slashed height is set (such an FP has no voting power). */
export function isSlashed(fp: Pick<FinalityProvider, "slashedBabylonHeight" | "slashedBtcHeight">): boolean {
  return fp.slashedBabylonHeight !== 0 || fp.slashedBtcHeight !== 0;
}

/**
 * Every FP registered for `bsnId`, following `next_key` to the last page (the reference gadget reads
 * only the first 100).
 *
 * Causes ⌈FPs / pageSize⌉ (at least 1) `abci_query`s at `/babylon.btcstaking.v1.Query/FinalityProviders`.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getFinalityProviders(
  rpc: BabylonRpc,
  bsnId: string,
  options: PageOptions = {},
): Promise<FinalityProvider[]> {
  const limit = options.pageSize ?? 100;
  return collectPages("/babylon.btcstaking.v1.Query/FinalityProviders", async (key) => {
    const response = await grpcQuery(
      rpc.rpc,
      "babylon.btcstaking.v1.Query",
      "FinalityProviders",
      QueryFinalityProvidersRequest,
      QueryFinalityProvidersResponse,
      { bsnId, pagination: { key, offset: 0, limit, countTotal: false, reverse: false } },
    );
    return {
      items: response.finalityProviders.map((fp) => ({
        btcPk: bytesToHex(fp.btcPk),
        slashedBabylonHeight: fp.slashedBabylonHeight,
        slashedBtcHeight: fp.slashedBtcHeight,
        jailed: fp.jailed,
        moniker: fp.description?.moniker ?? "",
      })),
      nextKey: response.pagination?.nextKey,
    };
  });
}
