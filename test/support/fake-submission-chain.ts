/**
 * @module Test support for the verify functions: an in-memory `SubmissionChainState` that logs which of its
 * methods ran, in order, so tests can tell at which step a message was refused.
 */
import { commitCoversHeight, rateLimitExceeded } from "../../src/contract-rules/index.ts";
import type {
  ChainCommit,
  FinalityProviderFacts,
  RecordedVote,
  SubmissionChainState,
} from "../../src/submission/types.ts";

export type FakeChain = {
  config: Awaited<ReturnType<SubmissionChainState["config"]>>;
  /** Lowercase hex keys. */
  allowlist: Set<string>;
  fps: Map<string, FinalityProviderFacts>;
  commits: Map<string, ChainCommit[]>;
  lastFinalizedEpoch: bigint;
  /** Recorded votes by `${fpHex}/${height}`. */
  votes: Map<string, RecordedVote[]>;
  /** Messages each FP may still send; absent: unlimited. */
  budget: Map<string, number>;
  /** Method names in call order (with the argument that matters, e.g. `lastFinalizedEpoch(3)`). */
  calls: string[];
};

export function fakeChain(over: Partial<FakeChain> = {}): FakeChain {
  return {
    config: {
      bsnId: "op-rollup-1",
      bsnActivationHeight: 12n,
      finalitySignatureInterval: 5n,
      minPubRand: 10n,
      rateLimiting: { maxMsgsPerInterval: 4, blockInterval: 100n },
    },
    allowlist: new Set(),
    fps: new Map(),
    commits: new Map(),
    lastFinalizedEpoch: 0n,
    votes: new Map(),
    budget: new Map(),
    calls: [],
    ...over,
  };
}

/**
 * A chain on which one FP is allowlisted, registered for `bsnId` and has one BTC-timestamped commit
 * (heights 12, 17, … 107: start 12, 20 values, interval 5, epoch 3, finalized).
 */
export function chainWithOneFp(
  fpHex: string,
  bsnId: string,
  commitment: Uint8Array,
  over: Partial<FakeChain> = {},
): FakeChain {
  const commit = { startHeight: 12n, numPubRand: 20n, interval: 5n, babylonEpoch: 3n, commitment };
  return fakeChain({
    allowlist: new Set([fpHex]),
    fps: new Map([[fpHex, { bsnId, slashedBabylonHeight: 0n, slashedBtcHeight: 0n }]]),
    commits: new Map([[fpHex, [commit]]]),
    lastFinalizedEpoch: 3n,
    ...over,
  });
}

export function fakeChainState(chain: FakeChain): SubmissionChainState {
  const log = (call: string) => chain.calls.push(call);
  const commitsOf = (fpHex: string) => chain.commits.get(fpHex) ?? [];
  const record = (c: ChainCommit) => ({
    start_height: c.startHeight,
    num_pub_rand: c.numPubRand,
    interval: c.interval,
    commitment: c.commitment,
  });
  return {
    async config() {
      log("config");
      return chain.config;
    },
    async isAllowed(fpHex) {
      log("isAllowed");
      return chain.allowlist.has(fpHex);
    },
    async finalityProvider(fpHex) {
      log("finalityProvider");
      return chain.fps.get(fpHex);
    },
    async lastCommit(fpHex) {
      log("lastCommit");
      return [...commitsOf(fpHex)].sort((a, b) => (a.startHeight < b.startHeight ? 1 : -1))[0];
    },
    async commitForHeight(fpHex, height) {
      log("commitForHeight");
      return commitsOf(fpHex).find((c) => commitCoversHeight(record(c), height));
    },
    async lastFinalizedEpoch(atLeast) {
      log(`lastFinalizedEpoch(${atLeast ?? ""})`);
      return chain.lastFinalizedEpoch;
    },
    async recordedVotes(fpHex, height) {
      log("recordedVotes");
      return chain.votes.get(`${fpHex}/${height}`) ?? [];
    },
    async checkBudget(fpHex) {
      log("checkBudget");
      const left = chain.budget.get(fpHex);
      if (left !== undefined && left <= 0) {
        throw rateLimitExceeded(fpHex, chain.config.rateLimiting.maxMsgsPerInterval);
      }
    },
  };
}
