/**
 * @module Whether a queued submission is already on chain: asked before a message is sent again after a
 * transaction whose inclusion was never confirmed, so nothing is submitted twice.
 */
import type { FinalityReadOnlyInterface } from "../../generated/Finality.client.ts";
import { getBlockVoters, getPubRandCommitForHeight } from "../babylon/index.ts";
import { base64ToBytes, bytesToHex, equalBytes } from "../crypto/index.ts";
import type { QueuedSubmission } from "./types.ts";

type VoteBody = { height: number | string; block_hash: string; signature: string };
type CommitBody = { start_height: number | string; commitment: string };

export async function isOnChain(
  client: Pick<FinalityReadOnlyInterface, "blockVoters" | "pubRandCommitForHeight">,
  item: QueuedSubmission,
): Promise<boolean> {
  if (item.kind === "vote") {
    const body = item.msg as unknown as VoteBody;
    const voters = await getBlockVoters(client, {
      height: Number(body.height),
      hash: bytesToHex(base64ToBytes(body.block_hash)),
    });
    const signature = bytesToHex(base64ToBytes(body.signature));
    return voters.some((v) => v.fpBtcPk === item.fpBtcPkHex && v.signature === signature);
  }
  const body = item.msg as unknown as CommitBody;
  const commit = await getPubRandCommitForHeight(client, item.fpBtcPkHex, BigInt(body.start_height));
  return (
    commit !== null &&
    commit.startHeight === BigInt(body.start_height) &&
    equalBytes(commit.commitment, base64ToBytes(body.commitment))
  );
}
