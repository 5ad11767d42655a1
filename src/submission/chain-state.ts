/**
 * @module `createChainSubmissionState`: the chain state the submission rules consult, read from Babylon the
 * way the contract reads it — its own queries (config, allowlist, commits, block voters), btcstaking's
 * `FinalityProvider`, and the last finalized epoch through x/checkpointing (the gRPC counterpart of the
 * contract's `latest_finalized_epoch_info`).
 */
import {
  QueryFinalityProviderRequest,
  QueryFinalityProviderResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import { CheckpointStatus } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/checkpoint";
import {
  QueryEpochStatusRequest,
  QueryEpochStatusResponse,
  QueryLastCheckpointWithStatusRequest,
  QueryLastCheckpointWithStatusResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/query";
import { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import {
  BabylonInvalidResponseError,
  BabylonQueryError,
  type BabylonRpc,
  FinalityQueryClient,
  getBlockVoters,
  getContractConfig,
  getLastPubRandCommit,
  getPubRandCommitForHeight,
  queryHeight,
} from "../babylon/index.ts";
import { callUpstream, grpcQuery } from "../babylon/upstream.ts";
import { bytesToHex, equalBytes, hexToBytes } from "../crypto/index.ts";
import type { FinalityProviderFacts, RecordedVote, SubmissionChainState } from "./types.ts";
import { createValueCache, type ValueCache } from "./value-cache.ts";

type ContractConfigFacts = Awaited<ReturnType<SubmissionChainState["config"]>>;

export type ChainSubmissionStateOptions = {
  rpc: BabylonRpc;
  /** The finality contract's bech32 address. */
  contractAddress: string;
  /** How long config, allowlist, FP records and the last finalized epoch are reused (default 5000 ms). */
  ttlMs?: number;
  /**
   * Where those answers are kept: pass one per chain that outlives the request (it holds plain values only),
   * so a burst of submissions costs a handful of queries. Default: a new cache for this state alone.
   */
  cache?: ValueCache;
  /** A cached "no" younger than this is not re-read before it refuses (default 1000 ms; see ValueCache). */
  recheckAfterMs?: number;
  /** Votes the edge itself accepted for the FP at a height, added to the chain's. */
  votes?: (fpHex: string, height: bigint) => Promise<RecordedVote[]>;
  /** Clock for the cache (tests). */
  now?: () => number;
};

const CONTRACT_QUERY = "/cosmwasm.wasm.v1.Query/SmartContractState";
const BTCSTAKING = "babylon.btcstaking.v1.Query";
const CHECKPOINTING = "babylon.checkpointing.v1.Query";

/** Babylon refused the query itself (an ABCI error code), as opposed to a transport or JSON-RPC failure. */
const isAbciRefusal = (error: unknown): boolean =>
  error instanceof BabylonQueryError &&
  error.cause instanceof Error &&
  /^Query failed with \(\d+\)/.test(error.cause.message);

/**
 * Builds the state over `rpc` (CometBFT 0.38) for the contract at `contractAddress`. Reads that refuse a
 * message when they say no (not allowlisted, FP unknown, epoch not yet finalized) are re-read when the "no"
 * came from the cache and is older than a second, so a refusal never rests on a stale answer while junk naming
 * unknown keys cannot turn every request into a reload; commits and votes are never cached.
 *
 * Upstream failures surface as BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError,
 * never as a rule refusal. The exception is the FP lookup: Babylon refusing it (unknown or unparsable key)
 * is what the contract sees as well, so it reads as "no such FP".
 */
export function createChainSubmissionState(options: ChainSubmissionStateOptions): SubmissionChainState {
  const { rpc, contractAddress } = options;
  const contract = new FinalityQueryClient(CosmWasmClient.create(rpc.comet), contractAddress);
  const cache =
    options.cache ??
    createValueCache({
      ttlMs: options.ttlMs ?? 5_000,
      ...(options.recheckAfterMs !== undefined ? { recheckAfterMs: options.recheckAfterMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    });

  const config = (): Promise<ContractConfigFacts> =>
    cache.get("config", async () => {
      const c = await getContractConfig(contract);
      return {
        bsnId: c.bsnId,
        bsnActivationHeight: BigInt(c.activationHeight),
        finalitySignatureInterval: BigInt(c.interval),
        minPubRand: BigInt(c.minPubRand),
        rateLimiting: {
          maxMsgsPerInterval: c.rateLimiting.maxMsgsPerInterval,
          blockInterval: BigInt(c.rateLimiting.blockInterval),
        },
      };
    });

  async function readAllowlist(): Promise<ReadonlySet<string>> {
    const path = `${CONTRACT_QUERY} {allowed_finality_providers}`;
    const list = await callUpstream(path, () => contract.allowedFinalityProviders());
    if (!Array.isArray(list) || list.some((key) => typeof key !== "string")) {
      throw new BabylonInvalidResponseError(path, `unexpected allowlist: ${JSON.stringify(list)}`);
    }
    return new Set(list.map((key) => key.toLowerCase()));
  }

  async function lookUpFinalityProvider(fpHex: string): Promise<FinalityProviderFacts | undefined> {
    let response: QueryFinalityProviderResponse;
    try {
      response = await grpcQuery(
        rpc.rpc,
        BTCSTAKING,
        "FinalityProvider",
        QueryFinalityProviderRequest,
        QueryFinalityProviderResponse,
        { fpBtcPkHex: fpHex },
      );
    } catch (error) {
      if (isAbciRefusal(error)) return undefined;
      throw error;
    }
    const fp = response.finalityProvider;
    if (fp === undefined) {
      throw new BabylonInvalidResponseError(`/${BTCSTAKING}/FinalityProvider`, "no finality_provider");
    }
    return {
      bsnId: fp.bsnId,
      slashedBabylonHeight: BigInt(fp.slashedBabylonHeight),
      slashedBtcHeight: BigInt(fp.slashedBtcHeight),
    };
  }

  /**
   * `LastCheckpointWithStatus(FINALIZED)`. Babylon refuses it while no epoch is finalized (epoch 0 has no
   * checkpoint); epochs finalize in order, so epoch 1 not being finalized confirms that the answer is 0.
   */
  async function readLastFinalizedEpoch(): Promise<bigint> {
    try {
      const { rawCheckpoint } = await grpcQuery(
        rpc.rpc,
        CHECKPOINTING,
        "LastCheckpointWithStatus",
        QueryLastCheckpointWithStatusRequest,
        QueryLastCheckpointWithStatusResponse,
        { status: CheckpointStatus.CKPT_STATUS_FINALIZED },
      );
      if (rawCheckpoint === undefined) {
        throw new BabylonInvalidResponseError(
          `/${CHECKPOINTING}/LastCheckpointWithStatus`,
          "no raw_checkpoint",
        );
      }
      return BigInt(rawCheckpoint.epochNum);
    } catch (error) {
      if (!isAbciRefusal(error)) throw error;
      let firstFinalized: boolean;
      try {
        const { status } = await grpcQuery(
          rpc.rpc,
          CHECKPOINTING,
          "EpochStatus",
          QueryEpochStatusRequest,
          QueryEpochStatusResponse,
          { epochNum: 1 },
        );
        firstFinalized = status === CheckpointStatus.CKPT_STATUS_FINALIZED;
      } catch (statusError) {
        if (!isAbciRefusal(statusError)) throw statusError;
        firstFinalized = false;
      }
      // Epoch 1 is finalized, yet Babylon found no finalized checkpoint: do not guess.
      if (firstFinalized) throw error;
      return 0n;
    }
  }

  return {
    config,

    async isAllowed(fpHex) {
      const key = fpHex.toLowerCase();
      return (await cache.get("allowlist", readAllowlist, (set) => !set.has(key))).has(key);
    },

    finalityProvider: (fpHex) =>
      cache.get(
        `fp/${fpHex.toLowerCase()}`,
        () => lookUpFinalityProvider(fpHex.toLowerCase()),
        (fp) => fp === undefined,
      ),

    lastCommit: async (fpHex) => (await getLastPubRandCommit(contract, fpHex)) ?? undefined,

    commitForHeight: async (fpHex, height) =>
      (await getPubRandCommitForHeight(contract, fpHex, height)) ?? undefined,

    lastFinalizedEpoch: (atLeast) =>
      cache.get(
        "last-finalized-epoch",
        readLastFinalizedEpoch,
        (epoch) => epoch === 0n || epoch < (atLeast ?? 0n),
      ),

    async recordedVotes(fpHex, height, blockHash) {
      const key = fpHex.toLowerCase();
      const [voters, logged] = await Promise.all([
        getBlockVoters(contract, { height: queryHeight(height), hash: bytesToHex(blockHash) }),
        options.votes?.(key, height) ?? Promise.resolve([]),
      ]);
      const votes: RecordedVote[] = voters
        .filter((voter) => voter.fpBtcPk === key)
        .map((voter) => ({ blockHash: hexToBytes(voter.blockHash), signature: hexToBytes(voter.signature) }));
      for (const vote of logged) {
        const known = votes.some(
          (v) => equalBytes(v.blockHash, vote.blockHash) && equalBytes(v.signature, vote.signature),
        );
        if (!known) votes.push(vote);
      }
      return votes;
    },

    // The edge's own per-FP budget lives in KV; acceptSubmissions puts it in front of this state.
    async checkBudget() {},
  };
}
