/**
 * @module Per-request wiring: the chain registry, the chain's config and its upstream readers. Every client is
 * built inside a request (Workers forbid I/O at module scope); tests inject fake readers through
 * {@link AppDeps}.
 */

import type { Context } from "hono";
import {
  type BtcHeaderCache,
  type BtcStakingActivation,
  createBabylonRpc,
  createFinalityQueryClient,
  getBlockVoters,
  getBtcHeightAtTimestamp,
  getBtcStakingActivation,
  getContractConfig,
  getHighestVotedHeight,
  getPowerTable,
} from "../babylon/index.ts";
import { type ChainConfig, type ChainRegistry, loadChainRegistry } from "../chains/index.ts";
import type { CachedSourcesOptions, FinalityReaders } from "../finality/sources.ts";
import { BlockNotFoundError, type BlockRef, createL2Client, getBlockRef, type Hex } from "../l2/index.ts";
import { toReadError } from "../l2/to-block-ref.ts";
import { edgeSubmissionDeps, type SubmissionDeps } from "../submission/edge-state.ts";
import type { RepeatedKey } from "./repeated-keys.ts";
import { timedReaders } from "./upstream-timing.ts";

export type AppEnv = {
  Bindings: Env;
  /**
   * `jsonBody`: the request's JSON document, parsed once by the `jsonBody` middleware; `jsonRepeatedKeys`: the
   * keys it found written twice in one object.
   */
  Variables: { jsonBody: unknown; jsonRepeatedKeys: readonly RepeatedKey[] };
};

/** Where an L2 transaction is: unknown to the node, pending in its mempool, or included in a block. */
export type TxLocation =
  | { status: "unknown" }
  | { status: "pending" }
  | { status: "included"; blockNumber: bigint; blockHash: Hex };

/** Everything the read API asks one chain's upstreams. */
export type ChainReaders = FinalityReaders & {
  /** A block by height, hash or tag; throws `BlockNotFoundError` (404) when the node has none. */
  blockRef(id: bigint | Hex | "latest" | "finalized"): Promise<BlockRef>;
  /** Where a transaction is. */
  transaction(hash: Hex): Promise<TxLocation>;
  /** `eth_blockNumber` (readiness probe). */
  l2Head(): Promise<bigint>;
  /** CometBFT `status`: the latest Babylon height (readiness probe). */
  babylonHeight(): Promise<number>;
  /** The contract's `highest_voted_height` of an FP; `null` when it never voted. */
  highestVotedHeight(fpBtcPk: string): Promise<number | null>;
  /** BTC-staking activation (gadget §1.5); `null` while no delegation is active. Expensive: cache it. */
  btcStakingActivation(bsnId: string): Promise<BtcStakingActivation | null>;
};

export type AppDeps = {
  /** Builds a chain's readers for one request (default: real RPC clients). */
  readers(chain: ChainConfig, env: Env): ChainReaders;
  /** The chain state submissions are verified against (default: Babylon queries + the edge's vote log). */
  submissions(chain: ChainConfig, env: Env): SubmissionDeps;
};

export const defaultDeps: AppDeps = {
  readers: (chain) => createUpstreamReaders(chain),
  submissions: edgeSubmissionDeps,
};

/** The request's chain registry. */
export function registry(c: Context<AppEnv>): Promise<ChainRegistry> {
  return loadChainRegistry(c.env);
}

/** The chain named by the path (404 naming the known chains otherwise), its readers and cache options. */
export async function chainContext(
  c: Context<AppEnv>,
  deps: AppDeps,
  chainId: string,
): Promise<{ chain: ChainConfig; readers: ChainReaders; cache: CachedSourcesOptions }> {
  const chain = (await registry(c)).get(chainId);
  const readers = deps.readers(chain, c.env);
  return {
    chain,
    readers,
    cache: {
      chain: chain.id,
      kv: c.env.FINALITY_KV,
      readers,
      quorum: { numerator: BigInt(chain.quorum.numerator), denominator: BigInt(chain.quorum.denominator) },
    },
  };
}

/** Real readers (each read timed for /metrics) over the chain's L2 JSON-RPC and Babylon CometBFT RPC; clients are built lazily, once. */
export function createUpstreamReaders(chain: ChainConfig): ChainReaders {
  return timedReaders(chain.id, rpcReaders(chain));
}

function rpcReaders(chain: ChainConfig): ChainReaders {
  const timeoutMs = chain.timeoutMs;
  let l2: ReturnType<typeof createL2Client> | undefined;
  let rpc: ReturnType<typeof createBabylonRpc> | undefined;
  let contract: ReturnType<typeof createFinalityQueryClient> | undefined;
  const l2Client = () => {
    l2 ??= createL2Client(chain.l2RpcUrl, { timeoutMs });
    return l2;
  };
  const babylon = () => {
    rpc ??= createBabylonRpc(chain.babylonRpcUrl, { timeoutMs });
    return rpc;
  };
  const contractClient = () => {
    contract ??= createFinalityQueryClient(chain.babylonRpcUrl, chain.contractAddress, { timeoutMs });
    return contract;
  };
  return {
    blockRef: (id) => getBlockRef(l2Client(), id),
    async blockAt(number) {
      try {
        return await getBlockRef(l2Client(), number);
      } catch (error) {
        if (error instanceof BlockNotFoundError) return null;
        throw error;
      }
    },
    contractConfig: () => getContractConfig(contractClient()),
    async blockVoters(height, hash) {
      const voters = await getBlockVoters(contractClient(), { height, hash });
      return voters.map(({ fpBtcPk, pubRand, signature }) => ({ fpBtcPk, pubRand, signature }));
    },
    btcHeightAt: (timestamp: number, headerCache: BtcHeaderCache) =>
      getBtcHeightAtTimestamp(babylon(), timestamp, { headerCache }),
    powerTable: (bsnId, btcHeight) => getPowerTable(babylon(), { bsnId, btcHeight }),
    async transaction(hash) {
      const client = l2Client();
      try {
        const receipt = await client.getTransactionReceipt({ hash }).catch((error: unknown) => {
          if ((error as { name?: string }).name === "TransactionReceiptNotFoundError") return null;
          throw error;
        });
        if (receipt)
          return { status: "included", blockNumber: receipt.blockNumber, blockHash: receipt.blockHash };
        const tx = await client.getTransaction({ hash }).catch((error: unknown) => {
          if ((error as { name?: string }).name === "TransactionNotFoundError") return null;
          throw error;
        });
        if (!tx) return { status: "unknown" };
        if (tx.blockHash && tx.blockNumber !== null)
          return { status: "included", blockNumber: tx.blockNumber, blockHash: tx.blockHash };
        return { status: "pending" };
      } catch (error) {
        throw toReadError(error, `of transaction ${hash}`);
      }
    },
    async l2Head() {
      try {
        return await l2Client().getBlockNumber({ cacheTime: 0 });
      } catch (error) {
        throw toReadError(error, "number (eth_blockNumber)");
      }
    },
    highestVotedHeight: (fpBtcPk) => getHighestVotedHeight(contractClient(), fpBtcPk),
    btcStakingActivation: (bsnId) => getBtcStakingActivation(babylon(), bsnId),
    async babylonHeight() {
      const status = await babylon().comet.status();
      return status.syncInfo.latestBlockHeight;
    },
  };
}
