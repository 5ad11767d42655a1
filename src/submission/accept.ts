/**
 * @module Accepting provider submissions: verify every message exactly as the contract would, then queue the
 * new ones durably and record them. A request is all-or-nothing: one refused message refuses the request (the
 * problem names its index and the rule), so an FP never has to work out which half of a backlog went through.
 */

import { type ContractRuleCode, ContractRuleError, rateLimitExceeded } from "../contract-rules/index.ts";
import { countRefusal } from "../coordinator/isolate-counters.ts";
import type {
  AcceptEntry,
  AcceptOutcome,
  AcceptPlan,
  LedgerSnapshot,
  LoggedVote,
  SnapshotRequest,
} from "../coordinator/ledger.ts";
import { voteKey } from "../coordinator/ledger.ts";
import { bytesToHex, equalBytes, hexToBytes } from "../crypto/index.ts";
import { intervalOf } from "./budget.ts";
import { contractMessage } from "./contract-message.ts";
import { provesIdentity } from "./proves-identity.ts";
import type { SubmissionRecord } from "./records.ts";
import { submissionId } from "./submission-id.ts";
import type {
  QueuedSubmission,
  RecordedVote,
  SubmissionChainState,
  SubmissionKind,
  SubmissionVerifyOptions,
} from "./types.ts";
import { verifyCommitSubmission } from "./verify-commit.ts";
import { verifyVoteSubmission } from "./verify-vote.ts";

/** Messages per request: a backlog of votes fits; anything bigger is split by the FP. */
export const MAX_MESSAGES_PER_REQUEST = 100;

/** Verifications of one request against a changed state before it gives up (each retry follows a real change). */
const MAX_STALE_RETRIES = 4;

/**
 * The edge's own limits around verification (the route's rate-limit bindings). Each throws to refuse the request
 * (a `rate_limited` error); nothing has been read from the chain or queued when it does.
 */
export type SubmissionLimits = {
  /** A request in which some message does not prove the key it names: limited globally before any chain read. */
  unverified(): Promise<void>;
  /**
   * After every message verified, before anything is queued: the FPs whose new messages proved them, with how many.
   * Duplicates are not counted (anyone can replay an FP's vote), so only the FP itself spends its budget.
   */
  verified(newMessagesByFp: ReadonlyMap<string, number>): Promise<void>;
};

/** The chain's exact submission state (its coordinator): read once per verification, written atomically. */
export type SubmissionBook = {
  snapshot(request: SnapshotRequest): Promise<LedgerSnapshot>;
  accept(plan: AcceptPlan): Promise<AcceptOutcome>;
  /** The queue refused these accepted submissions: the coordinator sends them again soon. */
  unsent(ids: string[]): Promise<void>;
};

export type AcceptContext = {
  chain: string;
  book: SubmissionBook;
  queue: Queue;
  /** Chain state for verification (Babylon's answers; the edge's own vote log comes from `book`). */
  state: SubmissionChainState;
  /** The latest Babylon height (for the rate-limit interval). */
  babylonHeight(): Promise<bigint>;
  babylonChainId: string;
  contractAddress: string;
  limits?: SubmissionLimits;
  now?: () => number;
};

export type AcceptedSubmission = {
  id: string;
  status: SubmissionRecord["status"];
  equivocation: boolean;
};

type Verified = AcceptEntry & {
  /** The record of a duplicate, when verification already read it. */
  known?: SubmissionRecord;
};

/** Re-raises a rule refusal with the message's index in front of its field. */
function refusal(error: unknown, index: number, many: boolean): unknown {
  if (!(error instanceof ContractRuleError)) return error;
  const at = many ? `[${index}]` : "";
  const field = error.field ? `${at}${at ? "." : ""}${error.field}` : at || undefined;
  return new ContractRuleError(error.code as ContractRuleCode, error.message, {
    ...(field ? { field } : {}),
    details: error.message,
  });
}

/** What verification will read from the book, from the raw messages (anything malformed is simply not asked). */
function snapshotRequest(
  chain: string,
  kind: SubmissionKind,
  messages: readonly unknown[],
  interval: number,
) {
  const request: SnapshotRequest = { votes: [], fps: [], interval, ids: [] };
  for (const message of messages) {
    const raw = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
    const fp = typeof raw.fp_pubkey_hex === "string" ? raw.fp_pubkey_hex.toLowerCase() : undefined;
    if (fp === undefined || !/^[0-9a-f]{64}$/.test(fp)) continue;
    request.fps.push(fp);
    if (kind === "commit") {
      const id = commitIdOf(chain, raw);
      if (id) request.ids.push(id);
    } else if (typeof raw.height === "number" && Number.isSafeInteger(raw.height) && raw.height >= 0) {
      request.votes.push(voteKey(fp, raw.height));
    }
  }
  request.fps = [...new Set(request.fps)];
  request.votes = [...new Set(request.votes)];
  return request;
}

/**
 * Verifies `messages` (one request) and queues the new ones. Returns one entry per message, in order.
 * `refusedWhileParsing[i]` is message i's refusal found in the request's text (see `duplicateFieldRefusal`).
 * @throws ContractRuleError (the first refused message), UpstreamUnavailableError (chain or coordinator down).
 */
export async function acceptSubmissions(
  ctx: AcceptContext,
  kind: SubmissionKind,
  messages: readonly unknown[],
  refusedWhileParsing: readonly (ContractRuleError | undefined)[] = [],
): Promise<AcceptedSubmission[]> {
  // What the contract's parsing refuses (a field written twice) is refused before any limit, read or rule.
  const parsing = refusedWhileParsing.findIndex((error) => error !== undefined);
  if (parsing >= 0) {
    const error = refusedWhileParsing[parsing] as ContractRuleError;
    countRefusal(ctx.chain, error.code);
    throw refusal(error, parsing, messages.length > 1);
  }
  const now = ctx.now ?? Date.now;
  const opts = { babylonChainId: ctx.babylonChainId, contractAddress: ctx.contractAddress };
  // Who the messages prove to be decides which limits apply, before the chain is asked anything.
  const proven = messages.map((message) => provesIdentity(kind, message, opts));
  if (!proven.every(Boolean)) await ctx.limits?.unverified();
  const config = await ctx.state.config();
  const interval = Number(intervalOf(await ctx.babylonHeight(), config.rateLimiting));
  const request = snapshotRequest(ctx.chain, kind, messages, interval);
  let limited = false;
  for (let attempt = 0; ; attempt++) {
    // Read from the coordinator only when verification first needs it: a message refused by an earlier rule
    // (junk, mostly) never reaches the chain's one coordinator. One read per attempt, this request's own.
    let snapshot: Promise<LedgerSnapshot> | undefined;
    const book = () => {
      snapshot ??= ctx.book.snapshot(request);
      return snapshot;
    };
    const verified = await verifyAll(ctx, kind, messages, proven, book, config.rateLimiting, now);
    const fresh = verified.filter((v) => !v.duplicate);
    if (!limited) {
      const counts = new Map<string, number>();
      for (const v of fresh) counts.set(v.item.fpBtcPkHex, (counts.get(v.item.fpBtcPkHex) ?? 0) + 1);
      if (counts.size > 0) await ctx.limits?.verified(counts);
      limited = true;
    }
    const plan: AcceptPlan = {
      kind,
      entries: verified.map(({ known: _, ...entry }) => entry),
      interval,
      maxMsgsPerInterval: config.rateLimiting.maxMsgsPerInterval,
      now: now(),
    };
    const outcome = await ctx.book.accept(plan);
    if (outcome.outcome === "rate_limited") {
      countRefusal(ctx.chain, "rate_limit_exceeded");
      throw rateLimitExceeded(outcome.fpBtcPkHex, outcome.maxMsgsPerInterval);
    }
    if (outcome.outcome === "stale") {
      // Another request changed what these messages were verified against: verify them again.
      if (attempt < MAX_STALE_RETRIES) continue;
      throw new Error("submission state kept changing during verification");
    }
    if (outcome.fresh.length > 0) await enqueue(ctx, outcome.fresh);
    return outcome.answers;
  }
}

/** Sends the accepted submissions to the queue. They are in the outbox already: a queue failure loses nothing. */
async function enqueue(ctx: AcceptContext, fresh: QueuedSubmission[]): Promise<void> {
  try {
    for (let i = 0; i < fresh.length; i += 100) {
      await ctx.queue.sendBatch(fresh.slice(i, i + 100).map((item) => ({ body: item, contentType: "json" })));
    }
  } catch (error) {
    console.warn(
      `submissions: the queue refused ${fresh.length} accepted messages; the outbox sends them`,
      error,
    );
    await ctx.book.unsent(fresh.map((item) => item.id)).catch(() => undefined);
  }
}

const toRecorded = (v: LoggedVote): RecordedVote => ({
  blockHash: hexToBytes(v.blockHash),
  signature: hexToBytes(v.signature),
});

async function verifyAll(
  ctx: AcceptContext,
  kind: SubmissionKind,
  messages: readonly unknown[],
  proven: readonly boolean[],
  book: () => Promise<LedgerSnapshot>,
  rule: { maxMsgsPerInterval: number },
  now: () => number,
): Promise<Verified[]> {
  const many = messages.length > 1;
  const opts = { babylonChainId: ctx.babylonChainId, contractAddress: ctx.contractAddress };
  // Votes and budget taken by earlier messages of this same request.
  const pendingVotes = new Map<string, RecordedVote[]>();
  const pendingCount = new Map<string, number>();
  const state: SubmissionChainState = {
    ...ctx.state,
    async recordedVotes(fpHex, height, blockHash) {
      const key = voteKey(fpHex.toLowerCase(), height);
      const votes = await ctx.state.recordedVotes(fpHex, height, blockHash);
      const logged = (await book()).votes[key] ?? [];
      for (const vote of [...logged.map(toRecorded), ...(pendingVotes.get(key) ?? [])]) {
        const known = votes.some(
          (v) => equalBytes(v.blockHash, vote.blockHash) && equalBytes(v.signature, vote.signature),
        );
        if (!known) votes.push(vote);
      }
      return votes;
    },
    async checkBudget(fpHex) {
      const fp = fpHex.toLowerCase();
      if (((await book()).budgets[fp] ?? 0) + 1 + (pendingCount.get(fp) ?? 0) > rule.maxMsgsPerInterval) {
        throw rateLimitExceeded(fp, rule.maxMsgsPerInterval);
      }
    },
  };

  const verified: Verified[] = [];
  for (const [index, message] of messages.entries()) {
    try {
      verified.push(
        kind === "commit"
          ? await verifyCommit(ctx, state, book, message, opts, now())
          : await verifyVote(
              ctx,
              state,
              book,
              message,
              { ...opts, eotsVerified: proven[index] === true },
              now(),
            ),
      );
    } catch (error) {
      // Counted in memory: a refusal costs no storage write.
      if (error instanceof ContractRuleError) countRefusal(ctx.chain, error.code);
      throw refusal(error, index, many);
    }
    const last = verified[verified.length - 1] as Verified;
    if (!last.duplicate) {
      const fp = last.item.fpBtcPkHex;
      pendingCount.set(fp, (pendingCount.get(fp) ?? 0) + 1);
      if (last.vote) {
        const key = voteKey(fp, last.item.height);
        pendingVotes.set(key, [...(pendingVotes.get(key) ?? []), toRecorded(last.vote)]);
      }
    }
  }
  return verified;
}

const COMMIT_FIELDS = ["fp_pubkey_hex", "start_height", "num_pub_rand", "commitment", "signature"];

/**
 * A commit's id from its fields as sent (the same fields give the same id), or `undefined` when some field is
 * neither a string nor a number (the rules refuse those).
 */
function commitIdOf(chain: string, raw: Record<string, unknown>): string | undefined {
  const fields: string[] = [];
  for (const k of COMMIT_FIELDS) {
    const value = raw[k] ?? "";
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    // Hex is case-insensitive; base64 is not.
    fields.push(k === "fp_pubkey_hex" ? String(value).toLowerCase() : String(value));
  }
  return submissionId(chain, "commit", fields);
}

async function verifyCommit(
  ctx: AcceptContext,
  state: SubmissionChainState,
  book: () => Promise<LedgerSnapshot>,
  message: unknown,
  opts: { babylonChainId: string; contractAddress: string },
  acceptedAt: number,
): Promise<Verified> {
  // The commit path has no duplicate rule (a resent commit overlaps its own first copy), so an FP's retry is
  // recognised by its id before the rules run: the same fields, as sent, give the same id.
  const raw = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
  const id = commitIdOf(ctx.chain, raw);
  const item = (fpBtcPkHex: string, height: string, at: number): QueuedSubmission => ({
    id: id ?? "",
    chain: ctx.chain,
    kind: "commit",
    fpBtcPkHex,
    height,
    msg: contractMessage("commit", message),
    equivocation: false,
    acceptedAt: at,
  });
  const known = id === undefined ? undefined : (await book()).records[id];
  if (known) return { duplicate: true, known, item: item(known.fpBtcPkHex, known.height, known.acceptedAt) };
  const checked = await verifyCommitSubmission(message, state, opts);
  return {
    duplicate: false,
    item: item(bytesToHex(checked.fpPubkey), checked.startHeight.toString(), acceptedAt),
  };
}

async function verifyVote(
  ctx: AcceptContext,
  state: SubmissionChainState,
  book: () => Promise<LedgerSnapshot>,
  message: unknown,
  opts: SubmissionVerifyOptions,
  acceptedAt: number,
): Promise<Verified> {
  const result = await verifyVoteSubmission(message, state, opts);
  const { checked } = result;
  const fpBtcPkHex = bytesToHex(checked.fpPubkey);
  const height = checked.height.toString();
  const id = submissionId(ctx.chain, "vote", [
    fpBtcPkHex,
    height,
    bytesToHex(checked.blockHash),
    bytesToHex(checked.signature),
  ]);
  const equivocation = result.outcome === "equivocation";
  return {
    duplicate: result.outcome === "duplicate",
    // What the book held when this was verified: the coordinator accepts only if that is still so.
    seen: (await book()).votes[voteKey(fpBtcPkHex, height)] ?? [],
    vote: { blockHash: bytesToHex(checked.blockHash), signature: bytesToHex(checked.signature) },
    ...(result.outcome === "equivocation" ? { evidence: { ...result.evidence, fpBtcPkHex, height } } : {}),
    item: {
      id,
      chain: ctx.chain,
      kind: "vote",
      fpBtcPkHex,
      height,
      msg: contractMessage("vote", message),
      equivocation,
      acceptedAt,
    },
  };
}
