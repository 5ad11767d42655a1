/**
 * @module An FP's randomness commits as the finality contract stores them: `last_pub_rand_commit` and
 * `pub_rand_commit_for_height`, validated and with u64s as bigints.
 */
import type { FinalityReadOnlyInterface } from "../../generated/Finality.client.ts";
import type { PubRandCommit } from "../../generated/Finality.types.ts";
import { BabylonInvalidResponseError } from "./errors.ts";
import { normalizeHex } from "./internal.ts";
import { callUpstream } from "./upstream.ts";

const PATH = "/cosmwasm.wasm.v1.Query/SmartContractState";

export type PubRandCommitRecord = {
  startHeight: bigint;
  numPubRand: bigint;
  interval: bigint;
  /** The Babylon epoch the commit was made in (it is usable once that epoch is BTC-finalized). */
  babylonEpoch: bigint;
  commitment: Uint8Array;
};

const isU64 = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function toRecord(path: string, commit: PubRandCommit | null | undefined): PubRandCommitRecord | null {
  if (commit === null || commit === undefined) return null;
  const ok =
    typeof commit === "object" &&
    isU64(commit.start_height) &&
    isU64(commit.num_pub_rand) &&
    isU64(commit.interval) &&
    isU64(commit.babylon_epoch) &&
    Array.isArray(commit.commitment);
  if (!ok) throw new BabylonInvalidResponseError(path, `unexpected commit: ${JSON.stringify(commit)}`);
  return {
    startHeight: BigInt(commit.start_height),
    numPubRand: BigInt(commit.num_pub_rand),
    interval: BigInt(commit.interval),
    babylonEpoch: BigInt(commit.babylon_epoch),
    commitment: Uint8Array.from(commit.commitment),
  };
}

/** The contract's queries take u64s as JSON numbers: past 2^53 − 1 a height cannot be asked exactly. */
export function queryHeight(height: bigint | number): number {
  if (BigInt(height) > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`height ${height} cannot be sent exactly in a contract query`);
  }
  return Number(height);
}

/**
 * The FP's commit with the highest start height, or `null`. One `abci_query`.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getLastPubRandCommit(
  contractClient: Pick<FinalityReadOnlyInterface, "lastPubRandCommit">,
  fpBtcPk: string,
): Promise<PubRandCommitRecord | null> {
  const path = `${PATH} {last_pub_rand_commit}`;
  const btcPkHex = normalizeHex(fpBtcPk, "fpBtcPk");
  return toRecord(path, await callUpstream(path, () => contractClient.lastPubRandCommit({ btcPkHex })));
}

/**
 * The FP's commit covering `height`, or `null`. One `abci_query`.
 * @throws RangeError for a height past 2^53 − 1; BabylonUnavailableError / BabylonQueryError /
 *   BabylonInvalidResponseError.
 */
export async function getPubRandCommitForHeight(
  contractClient: Pick<FinalityReadOnlyInterface, "pubRandCommitForHeight">,
  fpBtcPk: string,
  height: bigint | number,
): Promise<PubRandCommitRecord | null> {
  const path = `${PATH} {pub_rand_commit_for_height}`;
  const btcPkHex = normalizeHex(fpBtcPk, "fpBtcPk");
  const commit = await callUpstream(path, () =>
    contractClient.pubRandCommitForHeight({ btcPkHex, height: queryHeight(height) }),
  );
  return toRecord(path, commit);
}
