/**
 * @module The FP daemon's loop for one finality provider: commits randomness ahead of the L2 head, signs every grid
 * height in order once its block is safe (skipping, with the reason, heights where it has no voting power), and
 * drains the outbox through a transport until Babylon holds each message. Every step is written to the store
 * first, so a restart at any point resumes exactly: the cursor says where signing goes on, the double-sign
 * records give a re-signed height its first signature back, and the outbox re-sends what was not settled.
 */
import { DoubleSignError, type FinalityProviderSigner, ProviderError } from "../provider/index.ts";
import {
  adoptChainCommit,
  type CommitReader,
  committedTo,
  endOf,
  type Grid,
  onGrid,
  planCommit,
} from "./commits.ts";
import type { DaemonConfig } from "./config.ts";
import { type Counters, createCounters } from "./counters.ts";
import { type EligibilityReader, slashedDetail } from "./eligibility.ts";
import { type DaemonLog, drainOutbox, settleAccepted } from "./outbox.ts";
import type { FpStore } from "./store.ts";
import type { Transport } from "./transports/transport.ts";

/** An L2 block as the loop needs it. */
export type L2Block = { number: number; hash: `0x${string}`; timestamp: number };

export type L2Follower = {
  /**
   * The latest block number (commit planning looks ahead of it) and the highest block safe to vote on
   * (confirmations below it, or the node's safe/finalized tag).
   */
  heads(): Promise<{ head: number; safe: number }>;
  block(height: number): Promise<L2Block>;
};

export type VoterDeps = {
  signer: FinalityProviderSigner;
  store: FpStore;
  transport: Transport;
  l2: L2Follower;
  eligibility: EligibilityReader;
  commits: CommitReader;
  /** The highest height Babylon holds a vote of this FP for, or null. */
  highestVotedOnChain(): Promise<number | null>;
  grid: Grid;
  /** The contract's `min_pub_rand`. */
  minPubRand: number;
  config: Pick<DaemonConfig, "randomness" | "submit" | "l2">;
  log: DaemonLog;
  now?: () => number;
  /** Called once per vote a transport accepted. */
  onVoteAccepted?: (height: number, at: number) => void;
};

export type VoterStatus = {
  fpBtcPk: string;
  transport: string;
  /** The next grid height to sign. */
  cursor: number;
  /** The highest height whose vote a transport accepted. */
  lastVoted: number | null;
  committedTo: number | null;
  /** Committed heights left ahead of the L2 head (null before the first reading). */
  committedAhead: number | null;
  l2Head: number | null;
  safeHead: number | null;
  outbox: { unsent: number; accepted: number };
  power: { btcHeight: number; power: string } | null;
  registered: boolean | null;
  slashed: string | null;
  lastError: string | null;
  /** Unix ms of the last loop step that completed, or null. */
  lastStepAt: number | null;
  counters: Counters;
};

export type Voter = {
  /** Runs until `stop()` (resolves "stopped") or the FP is found slashed (resolves "slashed"). */
  run(): Promise<"stopped" | "slashed">;
  /** Finishes the step under way (bounded by the transports' timeouts), then `run()` resolves. */
  stop(): Promise<void>;
  status(): VoterStatus;
  /** One pass of the loop (tests drive it step by step); true when more work is waiting. */
  step(): Promise<boolean>;
};

/** Most heights signed per pass: keeps a catch-up from starving the outbox. */
const SIGN_PER_PASS = 100;

export async function createVoter(deps: VoterDeps): Promise<Voter> {
  const { signer, store, transport, l2, eligibility, grid, log } = deps;
  const now = deps.now ?? Date.now;
  const counters = createCounters();
  const size = Math.max(deps.config.randomness.commitSize, deps.minPubRand);
  let stopped = false;
  let wake: (() => void) | undefined;
  let l2Head: number | null = null;
  let safeHead: number | null = null;
  let registered: boolean | null = null;
  let lastError: string | null = null;
  let lastStepAt: number | null = null;
  let slashed: string | null = store.getMeta("slashed") ?? null;
  let lowWarnedAt = 0;
  let lastPrune = 0;
  const outboxDeps = {
    store,
    transport,
    config: deps.config.submit,
    counters,
    log,
    now,
    backoff: { ms: 0 },
    ...(deps.onVoteAccepted ? { onVoteAccepted: deps.onVoteAccepted } : {}),
  };

  // Resume: after the highest vote Babylon holds, or where this home's cursor says, whichever is later.
  const onChain = await deps.highestVotedOnChain();
  const resumeAt = Math.max(
    store.getVoteCursor() ?? grid.activation,
    onChain === null ? grid.activation : onGrid(grid, onChain + 1),
  );
  store.setVoteCursor(onGrid(grid, resumeAt));
  await adoptMissingCommits();

  /** Commits on Babylon that cover unvoted heights but are not in this home (a new home for a used key). */
  async function adoptMissingCommits(): Promise<void> {
    const cursor = store.getVoteCursor() ?? grid.activation;
    const known = (start: number) => store.listCommits().some((c) => c.startHeight === start);
    const candidates = [await deps.commits.forHeight(cursor), await deps.commits.last()];
    for (const commit of candidates) {
      if (commit === null || known(commit.startHeight) || endOf(commit) < cursor) continue;
      if (commit.interval !== grid.interval || !(await adoptChainCommit(signer, store, commit))) {
        // Not this key's randomness: those heights cannot be voted; go on after them.
        const after = onGrid(grid, endOf(commit) + 1);
        log.warn("commit on Babylon is not this key's randomness; voting resumes after it", {
          start: commit.startHeight,
          end: endOf(commit),
          resumeAt: after,
        });
        store.setVoteCursor(Math.max(store.getVoteCursor() ?? after, after));
        continue;
      }
      log.info("rebuilt the proofs of a commit found on Babylon", {
        start: commit.startHeight,
        end: endOf(commit),
      });
    }
  }

  function markSlashed(detail: string): void {
    if (slashed !== null) return;
    slashed = detail;
    store.setMeta("slashed", detail);
    log.error("finality provider is slashed: signing stopped", { detail });
  }

  function skip(height: number, reason: string, detail: string): void {
    store.recordSkip({ height, reason, detail, at: now() });
    counters.skipped[reason] = (counters.skipped[reason] ?? 0) + 1;
    log.info("height skipped", { height, reason, detail });
  }

  /** Signs grid heights from the cursor up to the safe head and the accepted commits. */
  async function signAhead(): Promise<boolean> {
    const commits = store.listCommits();
    const limit = Math.min(safeHead ?? -1, committedTo(commits, "accepted") ?? -1);
    let cursor = store.getVoteCursor() ?? grid.activation;
    let signed = 0;
    while (cursor <= limit && signed < SIGN_PER_PASS && !stopped) {
      const block = await l2.block(cursor);
      const eligible = await eligibility.check(block.timestamp);
      if (eligible.kind === "slashed") {
        markSlashed(eligible.detail);
        return false;
      }
      if (eligible.kind === "not_registered") {
        if (registered !== false)
          log.warn("not registered for the BSN: waiting", { detail: eligible.detail });
        registered = false;
        return false;
      }
      registered = true;
      if (eligible.kind === "no_voting_power") {
        skip(cursor, "no_voting_power", `no voting power at BTC height ${eligible.btcHeight}`);
      } else {
        try {
          const msg = await signer.submitFinalitySignature({ height: cursor, blockHash: block.hash });
          store.enqueue(
            [
              {
                key: `vote:${cursor}`,
                kind: "vote",
                height: cursor,
                body: msg.submit_finality_signature as unknown as Record<string, unknown>,
              },
            ],
            cursor + grid.interval,
          );
          counters.signed += 1;
          signed += 1;
          cursor += grid.interval;
          continue;
        } catch (error) {
          // A reorg gave this height another block after we signed it (the first vote stays the only one),
          // or no commit covers it: move on, never sign a second hash.
          if (!(error instanceof DoubleSignError || error instanceof ProviderError)) throw error;
          // The details name both hashes: what the operator needs to see which blocks clashed.
          skip(
            cursor,
            error.code,
            error.details ? `${error.shortMessage}: ${error.details}` : error.shortMessage,
          );
        }
      }
      cursor += grid.interval;
      store.setVoteCursor(cursor);
    }
    return cursor <= limit;
  }

  function warnIfLow(head: number): void {
    const top = committedTo(store.listCommits());
    const left = top === null ? 0 : top - head;
    if (left >= deps.config.randomness.warnBelow || now() - lowWarnedAt < 60_000) return;
    lowWarnedAt = now();
    log.warn("committed randomness is running low", { committedTo: top, l2Head: head, left });
  }

  async function step(): Promise<boolean> {
    if (slashed !== null) return false;
    // Every step, not only when a height is due: a slashed FP on a quiet L2 (or a stalled safe head) must still
    // stop and say so (status, /healthz). The registration is cached by the reader (10 s by default).
    const registration = await eligibility.registration();
    if (registration.kind === "slashed") {
      markSlashed(slashedDetail(registration));
      return false;
    }
    ({ head: l2Head, safe: safeHead } = await l2.heads());
    const cursor = store.getVoteCursor() ?? grid.activation;
    const planned = await planCommit(signer, store, {
      grid,
      ahead: Math.max(l2Head, cursor),
      cursor,
      margin: deps.config.randomness.commitMargin,
      size,
    });
    if (planned) log.info("randomness commit built", { start: planned.startHeight, end: planned.endHeight });
    warnIfLow(l2Head);
    const moreToSign = await signAhead();
    if (slashed !== null) return false;
    const drained = await drainOutbox(outboxDeps);
    if (drained.slashed) markSlashed(drained.slashed);
    lastError = drained.lastError ?? lastError;
    const settled = await settleAccepted(outboxDeps);
    if (settled.slashed) markSlashed(settled.slashed);
    if (now() - lastPrune > 60_000) {
      lastPrune = now();
      const removed = store.prune(store.getVoteCursor() ?? grid.activation);
      if (removed > 0) log.debug("pruned proofs below the cursor", { removed });
    }
    return moreToSign || drained.more;
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  let running: Promise<"stopped" | "slashed"> | undefined;
  return {
    step,
    run() {
      running ??= (async () => {
        let backoffMs = 0;
        while (!stopped && slashed === null) {
          let more = false;
          try {
            more = await step();
            lastStepAt = now();
            backoffMs = 0;
          } catch (error) {
            // The L2 or Babylon is unreachable (or a bug): nothing is lost, try again later.
            backoffMs = Math.min(deps.config.submit.maxBackoffMs, backoffMs === 0 ? 1_000 : backoffMs * 2);
            lastError = error instanceof Error ? error.message : String(error);
            counters.errors += 1;
            log.warn("step failed; retrying", { error, retryInMs: backoffMs });
          }
          if (!more && !stopped && slashed === null) await sleep(Math.max(deps.config.l2.pollMs, backoffMs));
        }
        return slashed !== null ? "slashed" : "stopped";
      })();
      return running;
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
    status() {
      const commits = store.listCommits();
      const top = committedTo(commits);
      const power = eligibility.lastPower;
      return {
        fpBtcPk: signer.publicKeyHex,
        transport: transport.name,
        cursor: store.getVoteCursor() ?? grid.activation,
        lastVoted: store.getHighestVoted(),
        committedTo: top,
        committedAhead: top === null || l2Head === null ? null : top - l2Head,
        l2Head,
        safeHead,
        outbox: store.outboxCounts(),
        power: power && { btcHeight: power.btcHeight, power: power.power.toString() },
        registered,
        slashed,
        lastError,
        lastStepAt,
        counters: structuredClone(counters),
      };
    },
  };
}
