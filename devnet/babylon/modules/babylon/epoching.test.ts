import { CheckpointStatus } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/checkpoint";
import {
  QueryEpochStatusRequest,
  QueryEpochStatusResponse,
  QueryLastCheckpointWithStatusRequest,
  QueryLastCheckpointWithStatusResponse,
  QueryRawCheckpointRequest,
  QueryRawCheckpointResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/query";
import {
  QueryCurrentEpochRequest,
  QueryCurrentEpochResponse,
  QueryEpochInfoRequest,
  QueryEpochInfoResponse,
  QueryEpochsInfoRequest,
  QueryEpochsInfoResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/epoching/v1/query";
import { describe, expect, it } from "vitest";
import { page, TestChain } from "./testing.ts";

const E = "/babylon.epoching.v1.Query";
const C = "/babylon.checkpointing.v1.Query";
const FINALIZED = CheckpointStatus.CKPT_STATUS_FINALIZED;

const current = (chain: TestChain) =>
  chain.query(`${E}/CurrentEpoch`, QueryCurrentEpochRequest, {}, QueryCurrentEpochResponse);
const lastFinalized = (chain: TestChain) =>
  chain.query(
    `${C}/LastCheckpointWithStatus`,
    QueryLastCheckpointWithStatusRequest,
    { status: FINALIZED },
    QueryLastCheckpointWithStatusResponse,
  ).rawCheckpoint;

describe("epoching and checkpointing", () => {
  it("numbers epochs like Babylon: 0 is genesis alone, then EPOCH_BLOCKS blocks each", () => {
    const chain = new TestChain({ timing: { epochBlocks: 5, finalizeDelay: 3 } });
    expect(current(chain)).toEqual({ currentEpoch: 0, epochBoundary: 0 });
    const seen: Array<[number, number, number]> = [];
    for (let h = 1; h <= 11; h++) {
      chain.nextBlock();
      const { currentEpoch, epochBoundary } = current(chain);
      seen.push([h, currentEpoch, epochBoundary]);
      expect(chain.babylon.host.currentEpoch(chain.context())).toBe(currentEpoch);
    }
    expect(seen.map(([, e]) => e)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]);
    expect(seen.map(([, , b]) => b)).toEqual([5, 5, 5, 5, 5, 10, 10, 10, 10, 10, 15]);
    const epoch1 = chain.query(
      `${E}/EpochInfo`,
      QueryEpochInfoRequest,
      { epochNum: 1 },
      QueryEpochInfoResponse,
    ).epoch;
    expect(epoch1).toMatchObject({ epochNumber: 1, currentEpochInterval: 5, firstBlockHeight: 1 });
    expect(epoch1?.lastBlockTime?.toISOString()).toBe("2026-01-01T00:00:05.000Z");
    expect(epoch1?.sealerBlockHash).toHaveLength(64);
    const epochs = chain.query(
      `${E}/EpochsInfo`,
      QueryEpochsInfoRequest,
      { pagination: page() },
      QueryEpochsInfoResponse,
    );
    expect(epochs.epochs.map((e) => e.epochNumber)).toEqual([0, 1, 2, 3]);
    expect(chain.queryFailure(`${E}/EpochInfo`, QueryEpochInfoRequest, { epochNum: 9 }).message).toContain(
      "the epoch number is not known in DB",
    );
  });

  it("finalizes epoch e only at height end(e) + FINALIZE_DELAY, then reports it as the last FINALIZED checkpoint", () => {
    const chain = new TestChain(); // EPOCH_BLOCKS 10, FINALIZE_DELAY 5
    const host = chain.babylon.host;
    // A randomness commitment made now is stamped with the current epoch…
    chain.advanceTo(3);
    const commitEpoch = host.currentEpoch(chain.context());
    expect(commitEpoch).toBe(1);
    // …and the contract rejects votes with it until that epoch is finalized.
    const failure = chain.queryFailure(
      `${C}/LastCheckpointWithStatus`,
      QueryLastCheckpointWithStatusRequest,
      {
        status: FINALIZED,
      },
    );
    expect(failure.message).toBe(
      "failed to get the last checkpointed epoch number: cannot get raw checkpoint at epoch 0: invalid request",
    );
    chain.advanceTo(11); // epoch 1 sealed in the first block of epoch 2; epoch 0 has no checkpoint
    expect(
      chain.queryFailure(`${C}/LastCheckpointWithStatus`, QueryLastCheckpointWithStatusRequest, {
        status: FINALIZED,
      }).message,
    ).toBe(
      "failed to get the raw checkpoint at epoch 0: no raw checkpoint is found at epoch 0: raw checkpoint does not exist: unknown request",
    );
    const sealed = chain.query(
      `${C}/LastCheckpointWithStatus`,
      QueryLastCheckpointWithStatusRequest,
      { status: CheckpointStatus.CKPT_STATUS_SEALED },
      QueryLastCheckpointWithStatusResponse,
    ).rawCheckpoint;
    expect(sealed?.epochNum).toBe(1);
    for (let h = 11; h < 15; h++) {
      chain.advanceTo(h);
      expect(host.lastFinalizedEpoch(chain.context())).toBe(0);
    }
    chain.advanceTo(15);
    expect(host.lastFinalizedEpoch(chain.context())).toBe(commitEpoch);
    expect(lastFinalized(chain)).toMatchObject({ epochNum: 1 });
    expect(lastFinalized(chain)?.blockHashHex).toHaveLength(64);
    expect(lastFinalized(chain)?.bitmap).toHaveLength(13);

    // Epoch 2 (blocks 11–20) follows at 25; in between the last finalized stays 1.
    chain.advanceTo(24);
    expect(host.lastFinalizedEpoch(chain.context())).toBe(1);
    expect(lastFinalized(chain)?.epochNum).toBe(1);
    chain.advanceTo(25);
    expect(host.lastFinalizedEpoch(chain.context())).toBe(2);
    expect(lastFinalized(chain)?.epochNum).toBe(2);

    const raw = chain.query(
      `${C}/RawCheckpoint`,
      QueryRawCheckpointRequest,
      { epochNum: 2 },
      QueryRawCheckpointResponse,
    );
    expect(raw.rawCheckpoint?.statusDesc).toBe("CKPT_STATUS_FINALIZED");
    expect(raw.rawCheckpoint?.lifecycle.map((u) => [u.statusDesc, u.blockHeight])).toEqual([
      ["CKPT_STATUS_ACCUMULATING", 21],
      ["CKPT_STATUS_SEALED", 21],
      ["CKPT_STATUS_SUBMITTED", 22],
      ["CKPT_STATUS_CONFIRMED", 24],
      ["CKPT_STATUS_FINALIZED", 25],
    ]);
    const status = (epochNum: number) =>
      chain.query(`${C}/EpochStatus`, QueryEpochStatusRequest, { epochNum }, QueryEpochStatusResponse).status;
    expect(status(1)).toBe(FINALIZED);
    expect(
      chain.queryFailure(`${C}/EpochStatus`, QueryEpochStatusRequest, { epochNum: 3 }).message,
    ).toContain("raw checkpoint does not exist");
  });

  it("finalizes in the sealing block itself with FINALIZE_DELAY 1", () => {
    const chain = new TestChain({ timing: { epochBlocks: 2, finalizeDelay: 1 } });
    chain.advanceTo(2);
    expect(chain.babylon.host.lastFinalizedEpoch(chain.context())).toBe(0);
    chain.advanceTo(3);
    expect(chain.babylon.host.lastFinalizedEpoch(chain.context())).toBe(1);
    chain.advanceTo(5);
    expect(chain.babylon.host.lastFinalizedEpoch(chain.context())).toBe(2);
  });
});
