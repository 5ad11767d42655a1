/**
 * @module A chain's coordinator: the exact submission state (ledger.ts), the finalized tip and its event log
 * (event-log.ts), the subscribers (event-hub.ts) and the webhooks, behind the methods the Durable Object exposes.
 *
 * The tip moves with the votes: when the queue consumer reports landed votes (or a submission is accepted) the
 * coordinator evaluates the next grid heights at once, and its alarm keeps doing so every few seconds while the
 * chain is active; the cron only makes sure the alarm runs. One evaluation runs at a time (a flag, never a shared
 * promise: a caller never waits on work another request started), and a request that finds one running asks it
 * to go round once more.
 */

import { createUpstreamReaders } from "../api/context.ts";
import { getTip } from "../cache/index.ts";
import { type ChainConfig, loadChainRegistry } from "../chains/index.ts";
import { base64ToBytes, bytesToHex } from "../crypto/index.ts";
import { cachedContractConfig, type FinalityReaders } from "../finality/sources.ts";
import type { RelayDelta } from "../submission/metrics.ts";
import { relayCounterName } from "../submission/metrics.ts";
import { newlyFinalized } from "./advance.ts";
import { createEventHub, type EventHub } from "./event-hub.ts";
import { advanceTip, EVENT_LOG_SCHEMA, logEvent, readTip, seedTip } from "./event-log.ts";
import type { LoggedEvent } from "./events.ts";
import { HISTORY_SCHEMA, historyBacklog, noteLandedVotes, queueGridHeights } from "./history-outbox.ts";
import { createHistoryWriter, historyOptions } from "./history-writer.ts";
import { ISOLATE_COUNTER_PREFIXES } from "./isolate-counters.ts";
import {
  type AcceptOutcome,
  type AcceptPlan,
  addCounter,
  applyUpdates,
  commitAccept,
  counters,
  getEvidenceJson,
  getRecord,
  LEDGER_SCHEMA,
  markUnsent,
  outboxSize,
  prune,
  type SnapshotRequest,
  type SubmissionUpdate,
  snapshot,
  takeStale,
} from "./ledger.ts";
import { firstRow, type SqlStore } from "./sql.ts";
import { noteEquivocation, WATCH_SCHEMA, watchBabylon } from "./watch-babylon.ts";
import { runWebhookOp, type WebhookOp, type WebhookOpResult } from "./webhook-ops.ts";
import { createWebhookStore, fetchSender } from "./webhooks.ts";

export type CoordinatorHost = {
  sql: SqlStore;
  env: Env;
  setAlarm(at: number): Promise<void> | void;
  getAlarm(): Promise<number | null>;
  waitUntil(promise: Promise<unknown>): void;
  /** The chain's upstream readers (default: real RPC clients; Node tests pass fakes). */
  readers?: (chain: ChainConfig) => FinalityReaders;
};

/** Default period of the alarm while the chain is active. */
export const DEFAULT_TICK_MS = 2_000;
/** A chain stays "active" (alarm running) this long after its last submission or consumer report. */
const ACTIVE_FOR_MS = 10 * 60_000;
/** Grid evaluations per tick before it yields (each moves the tip by up to 16 grid heights). */
const ROUNDS_PER_TICK = 4;

/** An evaluation round longer than this is given up (its upstream reads time out well before). */
const EVALUATION_TIMEOUT_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`evaluation took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

const META_SCHEMA = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

export type Coordinator = ReturnType<typeof createCoordinator>;

export function createCoordinator(host: CoordinatorHost) {
  const { sql, env } = host;
  const tickMs = Number(env.COORDINATOR_TICK_MS) || DEFAULT_TICK_MS;
  const webhooks = createWebhookStore(sql, webhookOptions(env));
  let hub: EventHub | undefined;
  /** When the running evaluation started (0: none). */
  let evaluatingSince = 0;
  let again = false;
  let lastPruneAt = 0;
  const history = createHistoryWriter({ sql, env, options: historyOptions(env), readers: host.readers });

  const meta = (key: string) =>
    firstRow<{ value: string }>(sql, "SELECT value FROM meta WHERE key = ?", key)?.value;
  const setMeta = (key: string, value: string) =>
    sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);

  /** Remembers the chain id (the alarm has no caller to say it) and keeps the alarm going. */
  function touch(chain: string, active: boolean): void {
    if (meta("chain") !== chain) setMeta("chain", chain);
    // Extended a minute at a time: a burst of submissions costs one write, not one each.
    if (active && Date.now() + ACTIVE_FOR_MS - Number(meta("active_until") ?? 0) > 60_000) {
      setMeta("active_until", String(Date.now() + ACTIVE_FOR_MS));
    }
    host.waitUntil(ensureAlarm(Date.now() + tickMs));
  }

  /** The alarm this object last set or read (a plain number): while it is still ahead, calls need no storage op. */
  let knownAlarm: number | null = null;
  async function setAlarm(at: number): Promise<void> {
    await host.setAlarm(at);
    knownAlarm = at;
  }

  async function ensureAlarm(at: number): Promise<void> {
    if (knownAlarm !== null && knownAlarm >= Date.now() && knownAlarm <= at) return;
    const current = await host.getAlarm();
    knownAlarm = current;
    // An alarm time already past that has not fired (an object restarted around it) is set again too.
    if (current === null || current > at || current < Date.now() - tickMs) await setAlarm(at);
  }

  function publish(chain: string, events: LoggedEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) webhooks.enqueue(event, Date.now());
    hubOf(chain).publish(events);
  }

  function hubOf(chain: string): EventHub {
    hub ??= createEventHub({ sql, chain });
    return hub;
  }

  async function chainConfig(chain: string): Promise<ChainConfig | null> {
    try {
      return (await loadChainRegistry(env)).get(chain);
    } catch {
      return null;
    }
  }

  /** Moves the tip as far as the votes allow now; `again` requests from others add rounds. */
  async function evaluate(chain: ChainConfig): Promise<void> {
    // One at a time; an evaluation that never ended (its I/O lost) does not block the next for good.
    if (evaluatingSince !== 0 && Date.now() - evaluatingSince < EVALUATION_TIMEOUT_MS) {
      again = true;
      return;
    }
    const mine = Date.now();
    evaluatingSince = mine;
    try {
      for (let round = 0; round < ROUNDS_PER_TICK; round++) {
        again = false;
        const moved = await withTimeout(evaluateOnce(chain), EVALUATION_TIMEOUT_MS);
        if (!moved && !again) break;
      }
    } finally {
      if (evaluatingSince === mine) evaluatingSince = 0;
    }
  }

  async function evaluateOnce(chain: ChainConfig): Promise<boolean> {
    const readers = (host.readers ?? createUpstreamReaders)(chain);
    const cache = {
      chain: chain.id,
      kv: env.FINALITY_KV,
      readers,
      quorum: { numerator: BigInt(chain.quorum.numerator), denominator: BigInt(chain.quorum.denominator) },
    };
    let tip = readTip(sql);
    if (tip === null) {
      // A coordinator that starts after tips were proven (a deployment before it existed) starts from there.
      const known = await getTip(env.FINALITY_KV, chain.id).catch(() => null);
      if (known) {
        seedTip(sql, { number: known.height, hash: known.hash, timestamp: known.timestamp }, Date.now());
        tip = readTip(sql);
      }
    }
    const blocks = await newlyFinalized(cache, tip);
    if (blocks.length === 0) return false;
    const config = await cachedContractConfig(cache);
    const now = Date.now();
    const events = advanceTip(sql, chain.id, blocks, now);
    // The grid heights just passed wait to settle, then go to the vote history (same event: nothing skipped).
    queueGridHeights(
      sql,
      events.flatMap((e) => (e.type === "finalized" ? [e.data] : [])),
      { activation: Number(config.activationHeight), interval: Math.max(1, Number(config.interval)) },
      now,
      history.settleMs,
    );
    publish(chain.id, events);
    return true;
  }

  async function tick(
    chainArg: string | null,
    reason: "alarm" | "cron" | "votes",
  ): Promise<{ tip: number | null }> {
    const chainId = chainArg ?? meta("chain");
    if (!chainId) return { tip: null };
    if (chainArg) touch(chainArg, reason === "votes");
    const chain = await chainConfig(chainId);
    if (!chain) return { tip: readTip(sql)?.number ?? null };
    const now = Date.now();
    const work: Promise<unknown>[] = [
      evaluate(chain).catch((error) => console.error(`coordinator ${chainId}: tip evaluation failed`, error)),
    ];
    if (reason !== "votes") {
      work.push(requeue(chainId, now), deliver(chainId), watch(chain), history.record(chain, now));
      // Retention is in days: a sweep a minute is plenty (the tables it scans grow with every vote).
      if (now - lastPruneAt >= 60_000) {
        lastPruneAt = now;
        prune(sql, now, null);
      }
    }
    await Promise.all(work);
    if (reason === "alarm") await scheduleNext();
    return { tip: readTip(sql)?.number ?? null };
  }

  async function scheduleNext(): Promise<void> {
    const now = Date.now();
    const activeUntil = Number(meta("active_until") ?? 0);
    const busy =
      now < activeUntil || outboxSize(sql) > 0 || (hub?.size() ?? 0) > 0 || historyBacklog(sql) > 0;
    const dueAt = webhooks.nextDueAt();
    const next = busy ? now + tickMs : null;
    const at = next === null ? dueAt : dueAt === null ? next : Math.min(next, Math.max(dueAt, now + 100));
    if (at !== null) await setAlarm(at);
  }

  /** Outbox entries unsettled for too long (a queue that lost them, or refused them) go to the queue again. */
  async function requeue(chainId: string, now: number): Promise<void> {
    const olderThan = now - (Number(env.REQUEUE_AFTER_SECONDS) || 120) * 1000;
    const stale = takeStale(sql, olderThan, 100, now);
    if (stale.length === 0) return;
    try {
      await env.SUBMISSIONS.sendBatch(
        stale.map((item) => ({ body: { ...item, requeued: true }, contentType: "json" })),
      );
      console.warn(`coordinator ${chainId}: ${stale.length} unsettled submissions sent again`);
    } catch (error) {
      markUnsent(
        sql,
        stale.map((s) => s.id),
      );
      console.error(`coordinator ${chainId}: requeueing failed`, error);
    }
  }

  async function deliver(chainId: string): Promise<void> {
    try {
      await webhooks.deliverDue(Date.now(), fetchSender({ timeoutMs: 10_000 }));
    } catch (error) {
      console.error(`coordinator ${chainId}: webhook delivery failed`, error);
    }
  }

  async function watch(chain: ChainConfig): Promise<void> {
    try {
      const events = await watchBabylon(sql, chain, env, Date.now());
      publish(
        chain.id,
        events.map((event) => logEvent(sql, chain.id, event, Date.now())),
      );
    } catch (error) {
      console.warn(`coordinator ${chain.id}: watching Babylon failed`, error);
    }
  }

  return {
    migrate(): void {
      sql.exec(META_SCHEMA);
      sql.exec(LEDGER_SCHEMA);
      sql.exec(EVENT_LOG_SCHEMA);
      sql.exec(WATCH_SCHEMA);
      sql.exec(HISTORY_SCHEMA);
      if (meta("since") === undefined) {
        setMeta("since", String(Date.now()));
        addCounter(sql, "since", Date.now());
      }
    },
    snapshot(chain: string, request: SnapshotRequest) {
      touch(chain, false);
      return snapshot(sql, request);
    },
    accept(chain: string, plan: AcceptPlan): AcceptOutcome {
      touch(chain, true);
      const outcome = commitAccept(sql, plan);
      if (outcome.outcome === "accepted") {
        const now = Date.now();
        for (const e of outcome.equivocations)
          noteEquivocation(sql, e.item.fpBtcPkHex, Number(e.item.height));
        publish(
          chain,
          outcome.equivocations.map((e) =>
            logEvent(
              sql,
              chain,
              {
                type: "equivocation",
                data: {
                  fpBtcPkHex: e.item.fpBtcPkHex,
                  height: Number(e.item.height),
                  source: "edge",
                  submissionId: e.item.id,
                },
              },
              now,
            ),
          ),
        );
      }
      return outcome;
    },
    unsent(chain: string, ids: string[]): void {
      touch(chain, true);
      markUnsent(sql, ids);
    },
    records(_chain: string, ids: string[]) {
      const out: Record<string, NonNullable<ReturnType<typeof getRecord>>> = {};
      for (const id of ids) {
        const record = getRecord(sql, id);
        if (record) out[id] = record;
      }
      return out;
    },
    async apply(chain: string, updates: SubmissionUpdate[], relay: RelayDelta): Promise<void> {
      sql.transaction(() => {
        applyUpdates(sql, updates, Date.now());
        for (const [name, by] of Object.entries(relay)) addCounter(sql, relayCounterName(name), by ?? 0);
        noteLandedVotes(sql, landedVotes(updates), readTip(sql)?.number ?? null);
      });
      // Votes landed: the tip may move now (the consumer does not wait for it).
      if (updates.some((u) => u.item.kind === "vote" && u.status.status === "submitted")) {
        host.waitUntil(tick(chain, "votes"));
      } else touch(chain, true);
    },
    record: (_chain: string, id: string) => getRecord(sql, id),
    evidence: (_chain: string, fp: string, height: number) => getEvidenceJson(sql, fp, height),
    counters: (_chain: string) => counters(sql),
    /** Counts an isolate kept in memory (refusals, upstream latencies); other names are ignored. */
    addCounters(_chain: string, counts: Record<string, number>): void {
      sql.transaction(() => {
        for (const [name, n] of Object.entries(counts)) {
          if (!ISOLATE_COUNTER_PREFIXES.some((p) => name.startsWith(p))) continue;
          if (Number.isSafeInteger(n) && n > 0) addCounter(sql, name, n);
        }
      });
    },
    tick,
    webhooks(chain: string, op: WebhookOp): WebhookOpResult {
      touch(chain, false);
      const result = runWebhookOp(webhooks, op, Date.now());
      host.waitUntil(scheduleNext());
      return result;
    },
    subscribe(request: Request): Response {
      const chain = request.headers.get("x-chain") ?? meta("chain") ?? "";
      touch(chain, false);
      return hubOf(chain).subscribe(request);
    },
  };
}

/** The votes among the consumer's updates that are now on chain (with the block hash they signed, 0x-hex). */
function landedVotes(updates: readonly SubmissionUpdate[]) {
  return updates.flatMap((u) => {
    if (u.item.kind !== "vote" || u.status.status !== "submitted") return [];
    const body = u.item.msg as unknown as { block_hash?: string };
    if (typeof body.block_hash !== "string") return [];
    const hash = `0x${bytesToHex(base64ToBytes(body.block_hash))}`;
    return [{ fpBtcPk: u.item.fpBtcPkHex, height: Number(u.item.height), hash }];
  });
}

function webhookOptions(env: Env) {
  const n = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));
  return {
    // Development only (the local stack sets it): webhooks to http://127.0.0.1.
    allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "true",
    ...(n(env.WEBHOOK_RETRY_BASE_MS) !== undefined ? { retryBaseMs: n(env.WEBHOOK_RETRY_BASE_MS) } : {}),
    ...(n(env.WEBHOOK_DISABLE_AFTER) !== undefined
      ? { disableAfterFailures: n(env.WEBHOOK_DISABLE_AFTER) }
      : {}),
  };
}
