/**
 * @module Accepting provider submissions: verify every message exactly as the contract would, then queue the
 * new ones durably and record them. A request is all-or-nothing: one refused message refuses the request (the
 * problem names its index and the rule), so an FP never has to work out which half of a backlog went through.
 */

import { type ContractRuleCode, ContractRuleError } from "../contract-rules/index.ts";
import { bytesToHex } from "../crypto/index.ts";
import { UpstreamUnavailableError } from "../errors/upstream.ts";
import { countAccept } from "./accept-counters.ts";
import { checkBudget, consumeBudget, intervalOf } from "./budget.ts";
import { contractMessage } from "./contract-message.ts";
import { putPending } from "./pending.ts";
import { provesIdentity } from "./proves-identity.ts";
import { getSubmissionRecord, newRecord, putSubmissionRecord, type SubmissionRecord } from "./records.ts";
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
import { type EquivocationEvidence, logVote, putEvidence } from "./vote-log.ts";

/** Messages per request: a backlog of votes fits; anything bigger is split by the FP. */
export const MAX_MESSAGES_PER_REQUEST = 100;

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

export type AcceptContext = {
  chain: string;
  kv: KVNamespace;
  queue: Queue;
  /** Chain state for verification; build it with `createAcceptState` so the edge's own records are included. */
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

/** The queue refused the messages: nothing was accepted (503, retry). */
export class QueueUnavailableError extends UpstreamUnavailableError {
  override name = "QueueUnavailableError";
  constructor(cause: unknown) {
    super("queue", "Submission queue unavailable", {
      details: "The queue did not take the messages; nothing was accepted. Retry later.",
      cause,
    });
  }
}

type Verified = {
  item: QueuedSubmission;
  duplicate: boolean;
  /** The record of a duplicate, when verification already read it. */
  known?: SubmissionRecord;
  vote?: RecordedVote;
  evidence?: Omit<EquivocationEvidence, "submissionId" | "recordedAt">;
};

/** Re-raises a rule refusal with the message's index in front of its field, counting it. */
function refusal(error: unknown, index: number, many: boolean): unknown {
  if (!(error instanceof ContractRuleError)) return error;
  const at = many ? `[${index}]` : "";
  const field = error.field ? `${at}${at ? "." : ""}${error.field}` : at || undefined;
  return new ContractRuleError(error.code as ContractRuleCode, error.message, {
    ...(field ? { field } : {}),
    details: error.message,
  });
}

/**
 * Verifies `messages` (one request) and queues the new ones. Returns one entry per message, in order.
 * @throws ContractRuleError (the first refused message), UpstreamUnavailableError (chain or queue down).
 */
export async function acceptSubmissions(
  ctx: AcceptContext,
  kind: SubmissionKind,
  messages: readonly unknown[],
): Promise<AcceptedSubmission[]> {
  const now = ctx.now ?? Date.now;
  const many = messages.length > 1;
  const opts = { babylonChainId: ctx.babylonChainId, contractAddress: ctx.contractAddress };
  // Who the messages prove to be decides which limits apply, before the chain is asked anything.
  const proven = messages.map((message) => provesIdentity(kind, message, opts));
  if (!proven.every(Boolean)) await ctx.limits?.unverified();
  // Votes and budget taken by earlier messages of this same request.
  const pendingVotes = new Map<string, RecordedVote[]>();
  const pendingCount = new Map<string, number>();
  const config = await ctx.state.config();
  const interval = intervalOf(await ctx.babylonHeight(), config.rateLimiting);
  const state: SubmissionChainState = {
    ...ctx.state,
    async recordedVotes(fpHex, height, blockHash) {
      const earlier = pendingVotes.get(`${fpHex}/${height}`) ?? [];
      return [...(await ctx.state.recordedVotes(fpHex, height, blockHash)), ...earlier];
    },
    checkBudget: (fpHex) =>
      checkBudget(
        ctx.kv,
        ctx.chain,
        fpHex,
        interval,
        config.rateLimiting,
        1 + (pendingCount.get(fpHex) ?? 0),
      ),
  };

  const verified: Verified[] = [];
  for (const [index, message] of messages.entries()) {
    try {
      verified.push(
        kind === "commit"
          ? await verifyCommit(ctx, state, message, opts, now())
          : await verifyVote(ctx, state, message, { ...opts, eotsVerified: proven[index] === true }, now()),
      );
    } catch (error) {
      // Counted in memory: a refusal costs no storage write.
      if (error instanceof ContractRuleError) {
        const { code } = error;
        countAccept(ctx.kv, ctx.chain, (m) => {
          m.refused[code] = (m.refused[code] ?? 0) + 1;
        });
      }
      throw refusal(error, index, many);
    }
    const last = verified[verified.length - 1] as Verified;
    if (!last.duplicate) {
      const fp = last.item.fpBtcPkHex;
      pendingCount.set(fp, (pendingCount.get(fp) ?? 0) + 1);
      if (last.vote) {
        const key = `${fp}/${last.item.height}`;
        pendingVotes.set(key, [...(pendingVotes.get(key) ?? []), last.vote]);
      }
    }
  }

  const fresh = verified.filter((v) => !v.duplicate);
  const counts = new Map<string, number>();
  for (const v of fresh) counts.set(v.item.fpBtcPkHex, (counts.get(v.item.fpBtcPkHex) ?? 0) + 1);
  if (counts.size > 0) await ctx.limits?.verified(counts);

  // Durable first: only once the queue holds the messages is anything recorded or answered 202.
  try {
    for (let i = 0; i < fresh.length; i += 100) {
      await ctx.queue.sendBatch(fresh.slice(i, i + 100).map((v) => ({ body: v.item, contentType: "json" })));
    }
  } catch (error) {
    throw new QueueUnavailableError(error);
  }

  const answers: AcceptedSubmission[] = [];
  for (const v of verified) {
    if (v.duplicate) {
      // A retry of a message the edge already has: answer what became of it.
      const existing = v.known ?? (await getSubmissionRecord(ctx.kv, ctx.chain, v.item.id));
      const record = existing ?? newRecord(v.item, { status: "duplicate" }, now());
      if (!existing) await putSubmissionRecord(ctx.kv, record);
      answers.push({ id: record.id, status: "duplicate", equivocation: record.equivocation });
      continue;
    }
    // Independent keys: written together. Items stay in order (two of them may share a vote-log key).
    await Promise.all([
      putSubmissionRecord(ctx.kv, newRecord(v.item, { status: "queued" }, now())),
      putPending(ctx.kv, v.item, now()),
      v.vote && logVote(ctx.kv, ctx.chain, v.item.fpBtcPkHex, BigInt(v.item.height), v.vote),
      v.evidence &&
        putEvidence(ctx.kv, ctx.chain, { ...v.evidence, submissionId: v.item.id, recordedAt: now() }),
    ]);
    answers.push({ id: v.item.id, status: "queued", equivocation: v.item.equivocation });
  }
  await Promise.all([...counts].map(([fp, count]) => consumeBudget(ctx.kv, ctx.chain, fp, interval, count)));
  countAccept(ctx.kv, ctx.chain, (m) => {
    m.accepted[kind] += fresh.length;
    m.duplicates += verified.length - fresh.length;
    m.equivocations += fresh.filter((v) => v.item.equivocation).length;
  });
  return answers;
}

async function verifyCommit(
  ctx: AcceptContext,
  state: SubmissionChainState,
  message: unknown,
  opts: { babylonChainId: string; contractAddress: string },
  acceptedAt: number,
): Promise<Verified> {
  // The commit path has no duplicate rule (a resent commit overlaps its own first copy), so an FP's retry is
  // recognised by its id before the rules run: the same fields, as sent, give the same id.
  const raw = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
  const fields = ["fp_pubkey_hex", "start_height", "num_pub_rand", "commitment", "signature"].map((k) => {
    const value = raw[k] ?? "";
    // Only strings and numbers can be a recorded commit's fields; anything else is refused by the rules below.
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    // Hex is case-insensitive; base64 is not.
    return k === "fp_pubkey_hex" ? String(value).toLowerCase() : String(value);
  });
  const rawId = submissionId(
    ctx.chain,
    "commit",
    fields.map((f) => f ?? ""),
  );
  const item = (fpBtcPkHex: string, height: string, at: number): QueuedSubmission => ({
    id: rawId,
    chain: ctx.chain,
    kind: "commit",
    fpBtcPkHex,
    height,
    msg: contractMessage("commit", message),
    equivocation: false,
    acceptedAt: at,
  });
  const known = fields.includes(undefined) ? null : await getSubmissionRecord(ctx.kv, ctx.chain, rawId);
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
  message: unknown,
  opts: SubmissionVerifyOptions,
  acceptedAt: number,
): Promise<Verified> {
  const result = await verifyVoteSubmission(message, state, opts);
  const { checked } = result;
  const fpBtcPkHex = bytesToHex(checked.fpPubkey);
  const id = submissionId(ctx.chain, "vote", [
    fpBtcPkHex,
    checked.height.toString(),
    bytesToHex(checked.blockHash),
    bytesToHex(checked.signature),
  ]);
  const equivocation = result.outcome === "equivocation";
  return {
    duplicate: result.outcome === "duplicate",
    vote: { blockHash: checked.blockHash, signature: checked.signature },
    ...(result.outcome === "equivocation"
      ? { evidence: { ...result.evidence, fpBtcPkHex, height: checked.height.toString() } }
      : {}),
    item: {
      id,
      chain: ctx.chain,
      kind: "vote",
      fpBtcPkHex,
      height: checked.height.toString(),
      msg: contractMessage("vote", message),
      equivocation,
      acceptedAt,
    },
  };
}
