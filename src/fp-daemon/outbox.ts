/**
 * @module Draining the outbox: unsent messages go out in order (commits first, then votes by height, in batches),
 * each answer moves them on (accepted, retried later with backoff honouring `Retry-After`, or refused for good), and
 * accepted ones are asked after until Babylon holds them. A message is only ever sent as stored, so every resend is
 * the same bytes (the edge answers it as a duplicate; the chain refuses a second copy harmlessly).
 */
import type { DaemonConfig } from "./config.ts";
import { bump, type Counters } from "./counters.ts";
import type { FpStore, OutboxEntry } from "./store.ts";
import type { CheckOutcome, SendOutcome, Transport } from "./transports/transport.ts";

/** Structured log lines (the Node program writes them as JSON lines). */
export type DaemonLog = {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
};

export type OutboxDeps = {
  store: FpStore;
  transport: Transport;
  config: DaemonConfig["submit"];
  counters: Counters;
  log: DaemonLog;
  now: () => number;
  /** The current backoff after transient setbacks (per voter, not persisted: a restart tries at once). */
  backoff: { ms: number };
  /** Called once per vote a transport accepted (bench and metrics). */
  onVoteAccepted?: (height: number, at: number) => void;
};

/** Inclusion checks in flight at once. */
const CHECKS_AT_ONCE = 8;

/** Most requests per drain: the loop comes back soon, and a long catch-up still yields to settling. */
const REQUESTS_PER_DRAIN = 8;

function nextBackoff(deps: OutboxDeps, retryAfterMs: number | undefined): number {
  const { config, backoff } = deps;
  backoff.ms = Math.min(config.maxBackoffMs, backoff.ms === 0 ? config.retryMs : backoff.ms * 2);
  return Math.min(config.maxBackoffMs, Math.max(retryAfterMs ?? 0, backoff.ms));
}

export type DrainResult = { more: boolean; slashed?: string; lastError?: string };

export async function drainOutbox(deps: OutboxDeps): Promise<DrainResult> {
  const { store, transport, config, counters, log, now } = deps;
  let lastError: string | undefined;
  for (let request = 0; request < REQUESTS_PER_DRAIN; request++) {
    const batch = nextBatch(store, now(), config.batchSize);
    const first = batch[0];
    if (first === undefined) return { more: false, ...(lastError ? { lastError } : {}) };
    counters.requests += 1;
    const outcome = await transport.send(
      first.kind,
      batch.map((e) => e.body),
    );
    const result = apply(deps, batch, outcome);
    if (result.slashed) return { more: false, slashed: result.slashed };
    if (result.setback) {
      lastError = result.setback;
      return { more: false, lastError };
    }
  }
  log.debug("outbox drain yields", { requests: REQUESTS_PER_DRAIN });
  return { more: true, ...(lastError ? { lastError } : {}) };
}

/**
 * A commit that is due goes alone (votes on it wait for it anyway). Votes go in height order: the lowest unsent
 * ones, and only once the lowest is due — a newly signed height never overtakes an older one in backoff.
 */
function nextBatch(store: FpStore, now: number, size: number): OutboxEntry[] {
  const pending = store.due("unsent", Number.MAX_SAFE_INTEGER, size + 1);
  const commit = pending.find((e) => e.kind === "commit" && e.notBefore <= now);
  if (commit) return [commit];
  const votes = pending.filter((e) => e.kind === "vote").slice(0, size);
  return votes[0] !== undefined && votes[0].notBefore <= now ? votes : [];
}

function apply(
  deps: OutboxDeps,
  batch: readonly OutboxEntry[],
  outcome: SendOutcome,
): { slashed?: string; setback?: string } {
  const { store, config, counters, log, now } = deps;
  const keys = batch.map((e) => e.key);
  switch (outcome.kind) {
    case "accepted": {
      deps.backoff.ms = 0;
      const at = now();
      store.markAccepted(
        batch.map((e, i) => ({ key: e.key, submissionId: outcome.submissionIds[i] ?? null })),
        at,
        outcome.included ? at : at + config.settleCheckMs,
      );
      // One write for the batch (each write is a sync to disk).
      const votes = batch.filter((e) => e.kind === "vote");
      if (votes.length > 0) store.noteVoted(Math.max(...votes.map((e) => e.height)));
      for (const e of batch) {
        counters.accepted[e.kind] += 1;
        if (e.kind === "vote") {
          deps.onVoteAccepted?.(e.height, at);
        } else {
          store.markCommitAccepted(e.height);
        }
      }
      log.info("messages accepted", {
        kind: first(batch).kind,
        from: first(batch).height,
        to: batch[batch.length - 1]?.height,
        ids: outcome.submissionIds.filter((id) => id !== null),
        via: deps.transport.name,
      });
      if (outcome.included) settle(deps, batch);
      return {};
    }
    case "wait":
      bump(counters.retried, outcome.code);
      store.markRetry(keys, now() + config.retryMs);
      return { setback: `${outcome.code}: ${outcome.detail}` };
    case "transient": {
      bump(counters.retried, outcome.code);
      const wait = nextBackoff(deps, outcome.retryAfterMs);
      store.markRetry(keys, now() + wait);
      log.warn("send not taken; retrying", {
        code: outcome.code,
        detail: outcome.detail,
        retryInMs: wait,
        messages: keys.length,
      });
      return { setback: `${outcome.code}: ${outcome.detail}` };
    }
    case "refused": {
      const refused = batch[outcome.index] ?? batch[0];
      if (refused === undefined) return {};
      if (outcome.code === "slashed_finality_provider") return { slashed: outcome.detail };
      giveUp(deps, refused, outcome.code, outcome.detail);
      // Nothing else of the request was taken: the rest goes again at once.
      store.markRetry(
        keys.filter((k) => k !== refused.key),
        now(),
      );
      return {};
    }
  }
}

const first = (batch: readonly OutboxEntry[]): OutboxEntry => batch[0] as OutboxEntry;

function settle(deps: OutboxDeps, entries: readonly OutboxEntry[]): void {
  deps.store.settle(entries.map((e) => e.key));
  for (const e of entries) deps.counters.settled[e.kind] += 1;
}

/** A message refused for good leaves the outbox; a refused commit is forgotten so the range is planned again. */
function giveUp(deps: OutboxDeps, entry: OutboxEntry, code: string, detail: string): void {
  const { store, counters, log, now } = deps;
  bump(counters.refused, code);
  store.settle([entry.key]);
  if (entry.kind === "vote") {
    store.recordSkip({ height: entry.height, reason: code, detail, at: now() });
  } else {
    store.removeCommit(entry.height);
  }
  log.warn(`${entry.kind} refused for good`, { height: entry.height, code, detail });
}

/** Asks after accepted messages that are due; lost or overdue ones are sent again. */
export async function settleAccepted(deps: OutboxDeps): Promise<{ slashed?: string }> {
  const { store, transport, config, now } = deps;
  const due = store.due("accepted", now(), 50);
  // Asked a handful at a time, acted on in order.
  const outcomes: CheckOutcome[] = [];
  for (let i = 0; i < due.length; i += CHECKS_AT_ONCE) {
    const slice = due.slice(i, i + CHECKS_AT_ONCE);
    outcomes.push(...(await Promise.all(slice.map((e) => transport.check(e.kind, e.submissionId)))));
  }
  for (const [i, entry] of due.entries()) {
    const outcome = outcomes[i] as CheckOutcome;
    switch (outcome.kind) {
      case "included":
        settle(deps, [entry]);
        break;
      case "pending":
        if (entry.acceptedAt !== null && now() - entry.acceptedAt > config.settleTimeoutMs) {
          deps.log.warn("accepted message not on Babylon in time; sending again", { key: entry.key });
          store.markRetry([entry.key], now());
        } else {
          store.deferCheck([entry.key], now() + config.settleCheckMs);
        }
        break;
      case "lost":
        bump(deps.counters.retried, "lost");
        deps.log.warn("accepted message was lost; sending again", { key: entry.key, detail: outcome.detail });
        store.markRetry([entry.key], now());
        break;
      case "refused":
        if (outcome.code === "slashed_finality_provider") return { slashed: outcome.detail };
        giveUp(deps, entry, outcome.code, outcome.detail);
        break;
    }
  }
  return {};
}
