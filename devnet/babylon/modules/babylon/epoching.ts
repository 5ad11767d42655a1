/**
 * @module x/epoching with Babylon's numbering: epoch 0 is the genesis alone (first block 0,
 * interval 1); epoch e ≥ 1 spans blocks (e−1)·N+1 … e·N for N = `EPOCH_BLOCKS`, so with N = 5
 * blocks `0 | 1 2 3 4 5 | 6 7 8 9 10` are epochs `0 | 1 | 2`. A new epoch starts in the
 * `beginBlock` of its first block. Changing `EPOCH_BLOCKS` between runs takes effect from the next
 * epoch, like a parameter change on Babylon.
 */
import {
  type EpochResponse,
  QueryCurrentEpochRequest,
  QueryCurrentEpochResponse,
  QueryEpochInfoRequest,
  QueryEpochInfoResponse,
  QueryEpochsInfoRequest,
  QueryEpochsInfoResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/epoching/v1/query";
import { bytesToHex } from "../../../../src/crypto/index.ts";
import type { BlockContext, ChainModule } from "../../chain/module.ts";
import { heightKey, type KVStore } from "../../store/kv-store.ts";
import { grpcQuery } from "./grpc.ts";
import { paginate } from "./pagination.ts";
import { queryError } from "./query-errors.ts";
import { labelled } from "./synthetic.ts";

const SERVICE = "/babylon.epoching.v1.Query";
const PARAMS_KEY = "epoching/params";
const CURRENT_KEY = "epoching/current";
const EPOCH_PREFIX = "epoching/epoch/";

export type EpochRecord = {
  epochNumber: number;
  currentEpochInterval: number;
  firstBlockHeight: number;
  /** ISO time of the epoch's last block, once it has been produced. */
  lastBlockTime: string | null;
  sealerAppHashHex: string;
  sealerBlockHashHex: string;
};

/** `Epoch.GetLastBlockHeight`: 0 for epoch 0. */
export function lastBlockHeight(epoch: EpochRecord): number {
  return epoch.epochNumber === 0 ? 0 : epoch.firstBlockHeight + epoch.currentEpochInterval - 1;
}

export function epochRecord(store: KVStore, epochNumber: number): EpochRecord | undefined {
  return store.get<EpochRecord>(EPOCH_PREFIX + heightKey(epochNumber));
}

export function currentEpoch(store: KVStore): EpochRecord {
  const number = store.get<number>(CURRENT_KEY);
  const epoch = number === undefined ? undefined : epochRecord(store, number);
  if (epoch === undefined) throw new Error("epoching: genesis not initialised");
  return epoch;
}

function setEpoch(store: KVStore, epoch: EpochRecord): void {
  store.set(EPOCH_PREFIX + heightKey(epoch.epochNumber), epoch);
}

/** Synthetic stand-in for the hash of a Babylon block (the emulator's blocks are not modelled here). */
export function syntheticBlockHash(chainId: string, height: number): Uint8Array {
  return labelled(`block-hash/${chainId}/${height}`);
}

export function initEpoching(ctx: BlockContext, epochInterval: number): void {
  ctx.store.set(PARAMS_KEY, { epochInterval });
  setEpoch(ctx.store, {
    epochNumber: 0,
    currentEpochInterval: 1,
    firstBlockHeight: 0,
    lastBlockTime: ctx.time.toISOString(),
    sealerAppHashHex: "",
    sealerBlockHashHex: "",
  });
  ctx.store.set(CURRENT_KEY, 0);
}

/** Starts the next epoch at its first block; records the last block's time and hash of an epoch. */
export function advanceEpoching(ctx: BlockContext, epochBlocks: number): void {
  const params = ctx.store.get<{ epochInterval: number }>(PARAMS_KEY);
  if (params?.epochInterval !== epochBlocks) ctx.store.set(PARAMS_KEY, { epochInterval: epochBlocks });
  let epoch = currentEpoch(ctx.store);
  while (ctx.height > lastBlockHeight(epoch)) {
    const previous = epoch;
    epoch = {
      epochNumber: previous.epochNumber + 1,
      currentEpochInterval: epochBlocks,
      firstBlockHeight: lastBlockHeight(previous) + 1,
      lastBlockTime: null,
      sealerAppHashHex: "",
      sealerBlockHashHex: "",
    };
    setEpoch(ctx.store, epoch);
    ctx.store.set(CURRENT_KEY, epoch.epochNumber);
    if (previous.epochNumber > 0) {
      // The first header of an epoch carries the app hash that seals the previous one.
      previous.sealerAppHashHex = bytesToHex(labelled(`app-hash/${ctx.chainId}/${ctx.height}`));
      setEpoch(ctx.store, previous);
    }
  }
  if (epoch.epochNumber > 0 && ctx.height === lastBlockHeight(epoch)) {
    epoch.lastBlockTime = ctx.time.toISOString();
    epoch.sealerBlockHashHex = bytesToHex(syntheticBlockHash(ctx.chainId, ctx.height));
    setEpoch(ctx.store, epoch);
  }
}

function toResponse(epoch: EpochRecord): EpochResponse {
  return {
    epochNumber: epoch.epochNumber,
    currentEpochInterval: epoch.currentEpochInterval,
    firstBlockHeight: epoch.firstBlockHeight,
    lastBlockTime: epoch.lastBlockTime === null ? undefined : new Date(epoch.lastBlockTime),
    sealerAppHashHex: epoch.sealerAppHashHex,
    sealerBlockHash: epoch.sealerBlockHashHex,
  };
}

export function createEpochingModule(options: { epochBlocks: number }): ChainModule {
  return {
    name: "epoching",
    beginBlock(ctx) {
      advanceEpoching(ctx, options.epochBlocks);
    },
    queries: {
      [`${SERVICE}/Params`]: grpcQuery(QueryParamsRequest, QueryParamsResponse, (_req, ctx) => ({
        params: { epochInterval: ctx.store.get<{ epochInterval: number }>(PARAMS_KEY)?.epochInterval ?? 0 },
      })),
      [`${SERVICE}/CurrentEpoch`]: grpcQuery(
        QueryCurrentEpochRequest,
        QueryCurrentEpochResponse,
        (_req, ctx) => {
          const epoch = currentEpoch(ctx.store);
          return { currentEpoch: epoch.epochNumber, epochBoundary: lastBlockHeight(epoch) };
        },
      ),
      [`${SERVICE}/EpochInfo`]: grpcQuery(QueryEpochInfoRequest, QueryEpochInfoResponse, (req, ctx) => {
        const epoch = epochRecord(ctx.store, req.epochNum);
        if (epoch === undefined) throw queryError.registered("the epoch number is not known in DB");
        return { epoch: toResponse(epoch) };
      }),
      [`${SERVICE}/EpochsInfo`]: grpcQuery(QueryEpochsInfoRequest, QueryEpochsInfoResponse, (req, ctx) => {
        const page = paginate(ctx.store, EPOCH_PREFIX, req.pagination, (_k, value) =>
          toResponse(value as EpochRecord),
        );
        return { epochs: page.items, pagination: page.pagination };
      }),
    },
  };
}
