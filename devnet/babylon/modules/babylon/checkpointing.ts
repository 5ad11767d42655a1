/**
 * @module x/checkpointing on a Babylon-block schedule instead of real BTC submissions. The raw
 * checkpoint of epoch e ≥ 1 is built (already SEALED, as with vote extensions) in the first block of
 * epoch e+1, i.e. at height last(e)+1; it then moves SUBMITTED → CONFIRMED → FINALIZED, reaching
 * FINALIZED at height last(e) + `FINALIZE_DELAY`. Epochs finalize in order, and the last finalized
 * epoch is what the finality contract compares a randomness commitment's epoch with (a fresh
 * commitment is unusable until then: `PubRandCommitNotBTCTimestamped`). As on Babylon, epoch 0 has no
 * checkpoint, so `LastCheckpointWithStatus` fails until a checkpoint with the status exists.
 */
import {
  CheckpointStatus,
  checkpointStatusToJSON,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/checkpoint";
import {
  QueryEpochStatusRequest,
  QueryEpochStatusResponse,
  QueryLastCheckpointWithStatusRequest,
  QueryLastCheckpointWithStatusResponse,
  QueryRawCheckpointRequest,
  QueryRawCheckpointResponse,
  type RawCheckpointResponse,
  type RawCheckpointWithMetaResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/query";
import { bytesToHex, hexToBytes } from "../../../../src/crypto/index.ts";
import type { BlockContext, ChainModule } from "../../chain/module.ts";
import { heightKey, type KVStore } from "../../store/kv-store.ts";
import { currentEpoch, syntheticBlockHash } from "./epoching.ts";
import { grpcQuery } from "./grpc.ts";
import { queryError } from "./query-errors.ts";
import { labelledBytes } from "./synthetic.ts";

const SERVICE = "/babylon.checkpointing.v1.Query";
const CHECKPOINT_PREFIX = "checkpointing/ckpt/";
const LAST_FINALIZED_KEY = "checkpointing/last-finalized";
const ERR_CKPT_DOES_NOT_EXIST = "raw checkpoint does not exist";

/** Babylon's `BitmapBits` (104 validators) in bytes. */
const BITMAP_BYTES = 13;

export type CheckpointRecord = {
  epochNum: number;
  /** Height of the epoch's last block (the block the BLS signatures sign). */
  lastBlockHeight: number;
  blockHashHex: string;
  bitmapHex: string;
  blsMultiSigHex: string;
  status: CheckpointStatus;
  lifecycle: Array<{ state: CheckpointStatus; blockHeight: number; blockTime: string }>;
};

export function checkpointRecord(store: KVStore, epochNum: number): CheckpointRecord | undefined {
  return store.get<CheckpointRecord>(CHECKPOINT_PREFIX + heightKey(epochNum));
}

/** The custom query `latest_finalized_epoch_info`'s epoch number: 0 before any epoch finalizes. */
export function lastFinalizedEpoch(store: KVStore): number {
  return store.get<number>(LAST_FINALIZED_KEY) ?? 0;
}

export function initCheckpointing(store: KVStore): void {
  store.set(LAST_FINALIZED_KEY, 0);
}

/** The status an epoch's checkpoint has `age` blocks after the epoch's last block. */
function statusAtAge(age: number, finalizeDelay: number): CheckpointStatus {
  if (age >= finalizeDelay) return CheckpointStatus.CKPT_STATUS_FINALIZED;
  if (age >= Math.ceil((2 * finalizeDelay) / 3)) return CheckpointStatus.CKPT_STATUS_CONFIRMED;
  if (age >= Math.ceil(finalizeDelay / 3)) return CheckpointStatus.CKPT_STATUS_SUBMITTED;
  return CheckpointStatus.CKPT_STATUS_SEALED;
}

/** Seals the epoch that just ended and moves every pending checkpoint along its schedule. */
export function advanceCheckpointing(ctx: BlockContext, finalizeDelay: number): void {
  const epoch = currentEpoch(ctx.store);
  const time = ctx.time.toISOString();
  const sealed = epoch.epochNumber - 1;
  if (
    sealed >= 1 &&
    ctx.height === epoch.firstBlockHeight &&
    checkpointRecord(ctx.store, sealed) === undefined
  ) {
    const last = ctx.height - 1;
    const bitmap = new Uint8Array(BITMAP_BYTES);
    bitmap[0] = 0x80; // the devnet's single validator signed
    const record: CheckpointRecord = {
      epochNum: sealed,
      lastBlockHeight: last,
      blockHashHex: bytesToHex(syntheticBlockHash(ctx.chainId, last)),
      bitmapHex: bytesToHex(bitmap),
      blsMultiSigHex: bytesToHex(labelledBytes(`bls-multi-sig/${ctx.chainId}/${sealed}`, 48)),
      status: CheckpointStatus.CKPT_STATUS_SEALED,
      lifecycle: [
        { state: CheckpointStatus.CKPT_STATUS_ACCUMULATING, blockHeight: ctx.height, blockTime: time },
        { state: CheckpointStatus.CKPT_STATUS_SEALED, blockHeight: ctx.height, blockTime: time },
      ],
    };
    ctx.store.set(CHECKPOINT_PREFIX + heightKey(sealed), record);
  }
  // Older epochs are always at least as mature, so the finalized ones form a prefix.
  for (let e = lastFinalizedEpoch(ctx.store) + 1; e < epoch.epochNumber; e++) {
    const record = checkpointRecord(ctx.store, e);
    if (record === undefined) break;
    const target = statusAtAge(ctx.height - record.lastBlockHeight, finalizeDelay);
    if (target > record.status) {
      for (let s = record.status + 1; s <= target; s++) {
        record.lifecycle.push({ state: s, blockHeight: ctx.height, blockTime: time });
      }
      record.status = target;
      ctx.store.set(CHECKPOINT_PREFIX + heightKey(e), record);
    }
    if (record.status === CheckpointStatus.CKPT_STATUS_FINALIZED) ctx.store.set(LAST_FINALIZED_KEY, e);
  }
}

function rawCheckpoint(record: CheckpointRecord): RawCheckpointResponse {
  return {
    epochNum: record.epochNum,
    blockHashHex: record.blockHashHex,
    bitmap: hexToBytes(record.bitmapHex),
    blsMultiSig: hexToBytes(record.blsMultiSigHex),
  };
}

function withMeta(record: CheckpointRecord): RawCheckpointWithMetaResponse {
  return {
    ckpt: rawCheckpoint(record),
    status: record.status,
    statusDesc: checkpointStatusToJSON(record.status),
    blsAggrPk: labelledBytes(`bls-aggr-pk/${record.epochNum}`, 96),
    powerSum: 1000,
    lifecycle: record.lifecycle.map((u) => ({
      state: u.state,
      statusDesc: checkpointStatusToJSON(u.state),
      blockHeight: u.blockHeight,
      blockTime: new Date(u.blockTime),
    })),
  };
}

function missingCheckpoint(epochNum: number, wrap: string): Error {
  return queryError.registered(
    ERR_CKPT_DOES_NOT_EXIST,
    `${wrap}no raw checkpoint is found at epoch ${epochNum}`,
  );
}

/** Babylon's `LastCheckpointWithStatus`: from the last ended epoch downwards, the first at least as mature. */
function lastCheckpointWithStatus(store: KVStore, status: CheckpointStatus): RawCheckpointResponse {
  const current = currentEpoch(store).epochNumber;
  if (current <= 0) {
    throw queryError.plain(
      "failed to get the last checkpointed epoch number: current epoch should be more than 0",
    );
  }
  const tip = current - 1;
  if (checkpointRecord(store, tip) === undefined) {
    throw queryError.plain(
      `failed to get the last checkpointed epoch number: cannot get raw checkpoint at epoch ${tip}`,
    );
  }
  for (let e = tip; e >= 0; e--) {
    const record = checkpointRecord(store, e);
    if (record === undefined) throw missingCheckpoint(e, `failed to get the raw checkpoint at epoch ${e}: `);
    if (record.status >= status) return rawCheckpoint(record);
  }
  throw queryError.plain(`cannot find checkpoint with status ${checkpointStatusToJSON(status)}`);
}

export function createCheckpointingModule(options: { finalizeDelay: number }): ChainModule {
  return {
    name: "checkpointing",
    beginBlock(ctx) {
      advanceCheckpointing(ctx, options.finalizeDelay);
    },
    queries: {
      [`${SERVICE}/LastCheckpointWithStatus`]: grpcQuery(
        QueryLastCheckpointWithStatusRequest,
        QueryLastCheckpointWithStatusResponse,
        (req, ctx) => ({ rawCheckpoint: lastCheckpointWithStatus(ctx.store, req.status) }),
      ),
      [`${SERVICE}/RawCheckpoint`]: grpcQuery(
        QueryRawCheckpointRequest,
        QueryRawCheckpointResponse,
        (req, ctx) => {
          const record = checkpointRecord(ctx.store, req.epochNum);
          if (record === undefined) throw missingCheckpoint(req.epochNum, "");
          return { rawCheckpoint: withMeta(record) };
        },
      ),
      [`${SERVICE}/EpochStatus`]: grpcQuery(QueryEpochStatusRequest, QueryEpochStatusResponse, (req, ctx) => {
        const record = checkpointRecord(ctx.store, req.epochNum);
        if (record === undefined) throw missingCheckpoint(req.epochNum, "");
        return { status: record.status };
      }),
    },
  };
}
