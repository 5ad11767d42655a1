/**
 * @module The chain state the submission endpoints verify against, per chain and isolate: Babylon queries
 * (cached briefly by `createChainSubmissionState`) plus the edge's own log of accepted votes. Kept across
 * requests in one isolate so that a burst of submissions costs a handful of queries, not one set each.
 */
import { createBabylonRpc } from "../babylon/index.ts";
import { callUpstream } from "../babylon/upstream.ts";
import type { ChainConfig } from "../chains/index.ts";
import { createChainSubmissionState } from "./chain-state.ts";
import type { SubmissionChainState } from "./types.ts";
import { getLoggedVotes } from "./vote-log.ts";

export type SubmissionDeps = {
  state: SubmissionChainState;
  /** The latest Babylon height (cached for a second). */
  babylonHeight(): Promise<bigint>;
};

const HEIGHT_TTL_MS = 1_000;
const byChain = new Map<string, { key: string; deps: SubmissionDeps }>();

export function edgeSubmissionDeps(chain: ChainConfig, env: Env): SubmissionDeps {
  // A changed chain config (URL, contract) gets fresh clients.
  const key = `${chain.babylonRpcUrl} ${chain.contractAddress}`;
  const known = byChain.get(chain.id);
  if (known?.key === key) return known.deps;
  const rpc = createBabylonRpc(chain.babylonRpcUrl, { timeoutMs: chain.timeoutMs });
  const kv = env.FINALITY_KV;
  const state = createChainSubmissionState({
    rpc,
    contractAddress: chain.contractAddress,
    votes: (fpHex, height) => getLoggedVotes(kv, chain.id, fpHex, height),
  });
  let height: { value: bigint; at: number } | undefined;
  const deps: SubmissionDeps = {
    state,
    async babylonHeight() {
      if (height && Date.now() - height.at < HEIGHT_TTL_MS) return height.value;
      const status = await callUpstream("status", () => rpc.comet.status());
      height = { value: BigInt(status.syncInfo.latestBlockHeight), at: Date.now() };
      return height.value;
    },
  };
  byChain.set(chain.id, { key, deps });
  return deps;
}
