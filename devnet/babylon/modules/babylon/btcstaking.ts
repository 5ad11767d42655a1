/**
 * @module x/btcstaking queries with Babylon v3/v4's surface (`FinalityProvider`,
 * `FinalityProviders` by `bsn_id`, `FinalityProviderDelegations`, `BTCDelegation(s)`, `Params*`).
 * A delegation's `active`/`status_desc` follow Babylon's `BTCDelegation.GetStatus` at the current
 * BTC tip; consumers such as the finality gadget ignore them and apply their own (k, w) rule to the
 * raw fields, which is why those are faithful too. `beginBlock` applies scheduled unbonding.
 */
import { BTCDelegationStatus } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/btcstaking";
import {
  QueryBTCDelegationRequest,
  QueryBTCDelegationResponse,
  QueryBTCDelegationsRequest,
  QueryBTCDelegationsResponse,
  QueryFinalityProviderDelegationsRequest,
  QueryFinalityProviderDelegationsResponse,
  QueryFinalityProviderRequest,
  QueryFinalityProviderResponse,
  QueryFinalityProvidersRequest,
  QueryFinalityProvidersResponse,
  QueryParamsByBTCHeightRequest,
  QueryParamsByBTCHeightResponse,
  QueryParamsByVersionRequest,
  QueryParamsByVersionResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryParamsVersionsRequest,
  QueryParamsVersionsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import type { ChainModule } from "../../chain/module.ts";
import type { KVStore } from "../../store/kv-store.ts";
import { btcTipHeight } from "./btclightclient.ts";
import { applyScheduledUnbonding, delegationStatus } from "./btcstaking-lifecycle.ts";
import {
  DELEGATION_PREFIX,
  type DelegationRecord,
  fpByBsnPrefix,
  fpDelegatorPrefix,
  getDelegation,
  getFinalityProvider,
  getParams,
} from "./btcstaking-records.ts";
import { delegationResponse, finalityProviderResponse, paramsResponse } from "./btcstaking-responses.ts";
import { goBip340PubKeyHex, goChainHashHex } from "./go-parse.ts";
import { grpcQuery } from "./grpc.ts";
import { paginate, paginateEntries } from "./pagination.ts";
import { queryError } from "./query-errors.ts";

const SERVICE = "/babylon.btcstaking.v1.Query";

const ERR_FP_NOT_FOUND = "the finality provider is not found";
const ERR_DELEGATION_NOT_FOUND = "the BTC delegation is not found";
const ERR_PARAMS_NOT_FOUND = "the parameters are not found";

/** A request's `fp_btc_pk_hex`, validated as `FinalityProvider` / `FinalityProviderDelegations` do. */
function requestedFpPkHex(text: string): string {
  if (text.length === 0)
    throw queryError.sdkInvalidRequest("finality provider BTC public key cannot be empty");
  try {
    return goBip340PubKeyHex(text);
  } catch (error) {
    throw queryError.plain((error as Error).message);
  }
}

function statusAtTip(store: KVStore): (d: DelegationRecord) => BTCDelegationStatus {
  const tip = btcTipHeight(store);
  const { covenantQuorum } = getParams(store);
  return (d) => delegationStatus(d, tip, covenantQuorum);
}

export function createBtcStakingModule(): ChainModule {
  return {
    name: "btcstaking",
    beginBlock(ctx) {
      applyScheduledUnbonding(ctx);
    },
    queries: {
      [`${SERVICE}/Params`]: grpcQuery(QueryParamsRequest, QueryParamsResponse, (_req, ctx) => ({
        params: paramsResponse(getParams(ctx.store)),
      })),
      [`${SERVICE}/ParamsByVersion`]: grpcQuery(
        QueryParamsByVersionRequest,
        QueryParamsByVersionResponse,
        (req, ctx) => {
          if (req.version !== 0) throw queryError.registered(ERR_PARAMS_NOT_FOUND);
          return { params: paramsResponse(getParams(ctx.store)) };
        },
      ),
      [`${SERVICE}/ParamsByBTCHeight`]: grpcQuery(
        QueryParamsByBTCHeightRequest,
        QueryParamsByBTCHeightResponse,
        (req, ctx) => {
          const params = getParams(ctx.store);
          if (req.btcHeight < params.btcActivationHeight) throw queryError.registered(ERR_PARAMS_NOT_FOUND);
          return { params: paramsResponse(params), version: 0 };
        },
      ),
      [`${SERVICE}/ParamsVersions`]: grpcQuery(
        QueryParamsVersionsRequest,
        QueryParamsVersionsResponse,
        (req, ctx) => {
          const params = paramsResponse(getParams(ctx.store));
          const page = paginateEntries([["00000000", params]] as const, req.pagination, (_k, p) => ({
            version: 0,
            params: p,
          }));
          return { params: page.items, pagination: page.pagination };
        },
      ),
      [`${SERVICE}/FinalityProviders`]: grpcQuery(
        QueryFinalityProvidersRequest,
        QueryFinalityProvidersResponse,
        (req, ctx) => {
          // An empty bsn_id means Babylon Genesis' own BSN, whose id is the chain id.
          const bsnId = req.bsnId === "" ? ctx.chainId : req.bsnId;
          const page = paginate(ctx.store, fpByBsnPrefix(bsnId), req.pagination, (pkHex) => {
            const fp = getFinalityProvider(ctx.store, pkHex);
            if (fp === undefined) throw queryError.registered(ERR_FP_NOT_FOUND);
            return finalityProviderResponse(fp, ctx.height);
          });
          return { finalityProviders: page.items, pagination: page.pagination };
        },
      ),
      [`${SERVICE}/FinalityProvider`]: grpcQuery(
        QueryFinalityProviderRequest,
        QueryFinalityProviderResponse,
        (req, ctx) => {
          const fp = getFinalityProvider(ctx.store, requestedFpPkHex(req.fpBtcPkHex));
          if (fp === undefined) throw queryError.registered(ERR_FP_NOT_FOUND);
          return { finalityProvider: finalityProviderResponse(fp, ctx.height) };
        },
      ),
      [`${SERVICE}/FinalityProviderDelegations`]: grpcQuery(
        QueryFinalityProviderDelegationsRequest,
        QueryFinalityProviderDelegationsResponse,
        (req, ctx) => {
          const fpPkHex = requestedFpPkHex(req.fpBtcPkHex);
          const status = statusAtTip(ctx.store);
          // One page item per delegator (staker BTC key), holding all its delegations to this FP.
          const page = paginate(
            ctx.store,
            fpDelegatorPrefix(fpPkHex),
            req.pagination,
            (_stakerPkHex, hashes) => ({
              dels: (hashes as string[]).flatMap((hash) => {
                const d = getDelegation(ctx.store, hash);
                return d === undefined ? [] : [delegationResponse(d, status(d))];
              }),
            }),
          );
          return { btcDelegatorDelegations: page.items, pagination: page.pagination };
        },
      ),
      [`${SERVICE}/BTCDelegation`]: grpcQuery(
        QueryBTCDelegationRequest,
        QueryBTCDelegationResponse,
        (req, ctx) => {
          let hashHex: string;
          try {
            hashHex = goChainHashHex(req.stakingTxHashHex);
          } catch (error) {
            throw queryError.plain((error as Error).message);
          }
          const d = getDelegation(ctx.store, hashHex);
          if (d === undefined) throw queryError.registered(ERR_DELEGATION_NOT_FOUND);
          return { btcDelegation: delegationResponse(d, statusAtTip(ctx.store)(d)) };
        },
      ),
      [`${SERVICE}/BTCDelegations`]: grpcQuery(
        QueryBTCDelegationsRequest,
        QueryBTCDelegationsResponse,
        (req, ctx) => {
          const status = statusAtTip(ctx.store);
          const matching = ctx.store
            .entries(DELEGATION_PREFIX)
            .map(([key, value]) => [key.slice(DELEGATION_PREFIX.length), value as DelegationRecord] as const)
            .map(([key, d]) => [key, { d, status: status(d) }] as const)
            .filter(([, x]) => req.status === BTCDelegationStatus.ANY || x.status === req.status);
          const page = paginateEntries(matching, req.pagination, (_k, x) =>
            delegationResponse(x.d, x.status),
          );
          return { btcDelegations: page.items, pagination: page.pagination };
        },
      ),
    },
  };
}
