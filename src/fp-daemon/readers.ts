/**
 * @module What the daemon reads, built from URLs: the L2 it follows (viem) and its own state in the finality
 * contract (CosmJS queries). Babylon is read directly, never through the edge: an FP trusts its own node.
 */
import {
  type ContractConfig,
  createFinalityQueryClient,
  getContractConfig,
  getHighestVotedHeight,
  getLastPubRandCommit,
  getPubRandCommitForHeight,
  type PubRandCommitRecord,
} from "../babylon/index.ts";
import { bytesToHex } from "../crypto/index.ts";
import { createL2Client, getBlockRef } from "../l2/index.ts";
import type { ChainCommit, CommitReader } from "./commits.ts";
import type { DaemonConfig } from "./config.ts";
import type { L2Follower } from "./voter.ts";

export function createL2Follower(config: DaemonConfig["l2"], timeoutMs = 10_000): L2Follower {
  // No block-number cache: the loop polls on its own period.
  const client = createL2Client(config.rpcUrl, { cacheTime: 0, timeoutMs, retryCount: 1 });
  const { safety } = config;
  const read = async (tag: "latest" | "safe" | "finalized") =>
    Number((await getBlockRef(client, tag)).number);
  return {
    async heads() {
      if (safety.mode === "tag") {
        const [head, safe] = await Promise.all([read("latest"), read(safety.tag)]);
        return { head, safe };
      }
      // One read: the safe head follows from the latest.
      const head = await read("latest");
      return { head, safe: Math.max(0, head - safety.confirmations) };
    },
    async block(height) {
      const ref = await getBlockRef(client, height);
      return { number: Number(ref.number), hash: ref.hash, timestamp: Number(ref.timestamp) };
    },
  };
}

const toChainCommit = (c: PubRandCommitRecord | null): ChainCommit | null =>
  c === null
    ? null
    : {
        startHeight: Number(c.startHeight),
        numPubRand: Number(c.numPubRand),
        interval: Number(c.interval),
        commitmentHex: bytesToHex(c.commitment),
      };

export type ContractReaders = {
  config(): Promise<ContractConfig>;
  commits: CommitReader;
  highestVoted(): Promise<number | null>;
};

export function createContractReaders(
  babylon: Pick<DaemonConfig["babylon"], "rpcUrl" | "contractAddress" | "timeoutMs">,
  btcPkHex: string,
): ContractReaders {
  const contract = createFinalityQueryClient(babylon.rpcUrl, babylon.contractAddress, {
    timeoutMs: babylon.timeoutMs,
  });
  return {
    config: () => getContractConfig(contract),
    commits: {
      last: async () => toChainCommit(await getLastPubRandCommit(contract, btcPkHex)),
      forHeight: async (height) => toChainCommit(await getPubRandCommitForHeight(contract, btcPkHex, height)),
    },
    highestVoted: () => getHighestVotedHeight(contract, btcPkHex),
  };
}
