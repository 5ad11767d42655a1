/**
 * @module x/btccheckpoint: only its parameters, k (`btc_confirmation_depth`) and w
 * (`checkpoint_finalization_timeout`), which a finality consumer reads to apply the delegation
 * activity rule. Checkpoint submissions themselves are not modelled (epochs finalize on a
 * Babylon-block schedule, see `checkpointing.ts`).
 */
import {
  QueryParamsRequest,
  QueryParamsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btccheckpoint/v1/query";
import type { ChainModule } from "../../chain/module.ts";
import type { KVStore } from "../../store/kv-store.ts";
import { grpcQuery } from "./grpc.ts";

const PARAMS_KEY = "btccheckpoint/params";

/** The 4-byte OP_RETURN tag of Babylon checkpoints on this devnet ("bbt4"). */
export const CHECKPOINT_TAG = "62627434";

export type BtcCheckpointParams = { btcConfirmationDepth: number; checkpointFinalizationTimeout: number };

export function initBtcCheckpoint(store: KVStore, params: { k: number; w: number }): void {
  store.set(PARAMS_KEY, { btcConfirmationDepth: params.k, checkpointFinalizationTimeout: params.w });
}

export function btcCheckpointParams(store: KVStore): BtcCheckpointParams {
  const params = store.get<BtcCheckpointParams>(PARAMS_KEY);
  if (params === undefined) throw new Error("btccheckpoint: genesis not initialised");
  return params;
}

export function createBtcCheckpointModule(): ChainModule {
  return {
    name: "btccheckpoint",
    queries: {
      "/babylon.btccheckpoint.v1.Query/Params": grpcQuery(
        QueryParamsRequest,
        QueryParamsResponse,
        (_req, ctx) => ({
          params: { ...btcCheckpointParams(ctx.store), checkpointTag: CHECKPOINT_TAG },
        }),
      ),
    },
  };
}
