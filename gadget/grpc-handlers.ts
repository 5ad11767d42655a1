/**
 * @module The gadget's six gRPC methods over `src/gadget` (op-node's finalizer calls two of them:
 * QueryBtcStakingActivatedTimestamp and QueryBlockRangeBabylonFinalized). A GadgetError becomes its gRPC status
 * with its text (op-node matches "BTC staking is not activated for the consumer chain" as a substring).
 */
import type { Server } from "@grpc/grpc-js";
import { GadgetError } from "../src/gadget/errors.ts";
import type { Gadget } from "../src/gadget/gadget.ts";
import {
  addFinalityGadgetService,
  type FinalityGadgetImplementation,
  GadgetRpcError,
} from "./grpc-service.ts";
import { grpcStatusOf } from "./status-codes.ts";

export type GadgetRpcOptions = {
  /** Called once per call: method name, outcome (`ok` or the error code), seconds taken. */
  onAnswer?: (method: string, outcome: string, seconds: number) => void;
  log?: (line: string) => void;
};

export function createGadgetRpc(server: Server, gadget: Gadget, options: GadgetRpcOptions = {}): void {
  const timed =
    <A extends unknown[], R>(method: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      let outcome = "ok";
      try {
        return await run(...args);
      } catch (error) {
        if (error instanceof GadgetError) {
          outcome = error.code;
          const text = error.details ? `${error.shortMessage}: ${error.details}` : error.shortMessage;
          throw new GadgetRpcError(
            grpcStatusOf(error.code),
            error.field ? `${text} (${error.field})` : text,
            {
              cause: error,
            },
          );
        }
        outcome = "internal";
        throw error;
      } finally {
        options.onAnswer?.(method, outcome, (performance.now() - started) / 1000);
      }
    };
  const impl: FinalityGadgetImplementation = {
    queryIsBlockBabylonFinalized: timed("QueryIsBlockBabylonFinalized", async (request) => ({
      isFinalized: await gadget.isBlockBabylonFinalized(request.block),
    })),
    queryBlockRangeBabylonFinalized: timed("QueryBlockRangeBabylonFinalized", async (request) => ({
      lastFinalizedBlockHeight: await gadget.blockRangeBabylonFinalized(request.blocks),
    })),
    queryBtcStakingActivatedTimestamp: timed("QueryBtcStakingActivatedTimestamp", async () => ({
      activatedTimestamp: await gadget.btcStakingActivatedTimestamp(),
    })),
    queryIsBlockFinalizedByHeight: timed("QueryIsBlockFinalizedByHeight", async (request) => ({
      isFinalized: await gadget.isBlockFinalizedByHeight(request.blockHeight),
    })),
    queryIsBlockFinalizedByHash: timed("QueryIsBlockFinalizedByHash", async (request) => ({
      isFinalized: await gadget.isBlockFinalizedByHash(request.blockHash),
    })),
    queryLatestFinalizedBlock: timed("QueryLatestFinalizedBlock", async () => ({
      block: await gadget.latestFinalizedBlock(),
    })),
  };
  addFinalityGadgetService(server, impl, {
    logger: {
      error: (msg, fields) =>
        options.log?.(
          `${msg} ${JSON.stringify(fields ?? {}, (_k, v) => (typeof v === "bigint" ? String(v) : v instanceof Error ? v.message : v))}`,
        ),
    },
  });
}
