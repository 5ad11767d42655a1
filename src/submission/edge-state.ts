/**
 * @module The chain state the submission endpoints verify against: Babylon queries (answers cached briefly per
 * chain and isolate). The edge's own log of accepted votes comes from the chain's coordinator (accept.ts).
 *
 * Workers rule: what outlives a request holds plain values only. The RPC clients are built for each request
 * (they are cheap objects), and the per-chain caches keep settled answers, never a pending promise, so no
 * request ever waits on I/O that another request started.
 */
import { createBabylonRpc } from "../babylon/index.ts";
import { callUpstream } from "../babylon/upstream.ts";
import type { ChainConfig } from "../chains/index.ts";
import { createChainSubmissionState } from "./chain-state.ts";
import type { SubmissionChainState } from "./types.ts";
import { createValueCache, type ValueCache } from "./value-cache.ts";

export type SubmissionDeps = {
  state: SubmissionChainState;
  /** The latest Babylon height (cached for a second). */
  babylonHeight(): Promise<bigint>;
};

const HEIGHT_TTL_MS = 1_000;
const STATE_TTL_MS = 5_000;

/** Per chain and isolate: settled answers only. */
type ChainMemo = { key: string; answers: ValueCache; height?: { value: bigint; at: number } };
const memoByChain = new Map<string, ChainMemo>();

function memoFor(chain: ChainConfig): ChainMemo {
  // A changed chain config (URL, contract) starts from nothing.
  const key = `${chain.babylonRpcUrl} ${chain.contractAddress}`;
  const known = memoByChain.get(chain.id);
  if (known?.key === key) return known;
  const memo: ChainMemo = { key, answers: createValueCache({ ttlMs: STATE_TTL_MS }) };
  memoByChain.set(chain.id, memo);
  return memo;
}

export function edgeSubmissionDeps(chain: ChainConfig, _env: Env): SubmissionDeps {
  const memo = memoFor(chain);
  const rpc = createBabylonRpc(chain.babylonRpcUrl, { timeoutMs: chain.timeoutMs });
  const state = createChainSubmissionState({
    rpc,
    contractAddress: chain.contractAddress,
    cache: memo.answers,
  });
  return {
    state,
    async babylonHeight() {
      const known = memo.height;
      if (known && Date.now() - known.at < HEIGHT_TTL_MS) return known.value;
      const status = await callUpstream("status", () => rpc.comet.status());
      const value = BigInt(status.syncInfo.latestBlockHeight);
      memo.height = { value, at: Date.now() };
      return value;
    },
  };
}
