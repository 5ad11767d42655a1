/**
 * @module A chain's webhooks in the coordinator's SQLite: the registry (URL, subscribed event types, secret,
 * health) and a durable delivery queue, so every subscribed event reaches a receiver at least once, signed, in
 * the chain's order, and survives the Durable Object being evicted or restarted.
 *
 * Delivery is head-of-line per webhook: event n+1 is not sent before event n was delivered or given up, so a
 * receiver sees events in order. A failed attempt (non-2xx — redirects are not followed —, a network error or a
 * timeout) is retried with exponential backoff until the delivery is older than `giveUpAfterMs`; a webhook whose
 * attempts failed `disableAfterFailures` times in a row is disabled so a dead receiver stops costing work. The
 * caller owns time (`now`) and the network (`send`), so this runs unchanged in a Durable Object and in tests;
 * {@link fetchSender} is the production `send`.
 */
import { InvalidRequestError } from "../api/errors.ts";
import { bytesToHex } from "../crypto/bytes.ts";
import { BaseError } from "../errors/base.ts";
import { newWebhookSecret, signWebhook, WEBHOOK_SIGNATURE_HEADER } from "../webhooks/signature.ts";
import { checkWebhookUrl } from "../webhooks/url-policy.ts";
import { CHAIN_EVENT_TYPES, type ChainEventType, type LoggedEvent, webhookBody } from "./events.ts";
import { firstRow, type SqlStore } from "./sql.ts";

export const WEBHOOK_SCHEMA = `
CREATE TABLE IF NOT EXISTS webhook_endpoint (
  id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL, created_at INTEGER NOT NULL,
  disabled_at INTEGER, disabled_reason TEXT, consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_delivery_at INTEGER, last_status INTEGER);
CREATE TABLE IF NOT EXISTS webhook_delivery (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, webhook_id TEXT NOT NULL, event_seq INTEGER NOT NULL,
  event_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, last_status INTEGER, last_error TEXT,
  created_at INTEGER NOT NULL, delivered_at INTEGER, UNIQUE (webhook_id, event_seq));
CREATE INDEX IF NOT EXISTS webhook_delivery_queue ON webhook_delivery (webhook_id, status, event_seq);
CREATE INDEX IF NOT EXISTS webhook_delivery_history ON webhook_delivery (webhook_id, seq);
`;

export const WEBHOOK_USER_AGENT = "finality-edge-webhooks/1";
export const WEBHOOK_EVENT_HEADER = "Finality-Edge-Event";
export const WEBHOOK_DELIVERY_HEADER = "Finality-Edge-Delivery";
export const MAX_DELIVERIES_PAGE = 100;
const MAX_ERROR_LENGTH = 300;

/**
 * The chain already has `maxWebhooks` webhooks (disabled ones count until removed). Code `webhook_limit_reached`,
 * meant as HTTP 409: the request is valid but conflicts with the chain's current state; removing one fixes it.
 */
export class WebhookLimitError extends BaseError {
  override name = "WebhookLimitError";
  readonly limit: number;
  constructor(limit: number) {
    super("webhook_limit_reached", "Too many webhooks", {
      details: `A chain takes at most ${limit} webhooks; remove one before creating another.`,
    });
    this.limit = limit;
  }
}

export type WebhookStoreOptions = {
  /** Development only: also take `http:` URLs to loopback (see checkWebhookUrl). Default false. */
  allowLoopback?: boolean;
  maxWebhooks?: number;
  /** Attempts sent per deliverDue call, across all webhooks. */
  maxPerRun?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A delivery older than this is given up after its next failed attempt. */
  giveUpAfterMs?: number;
  /** Consecutive failed attempts (any deliveries) after which a webhook is disabled. */
  disableAfterFailures?: number;
  /** Finished (delivered or failed) deliveries kept per webhook for the deliveries list. */
  keepDeliveries?: number;
};

export const WEBHOOK_DEFAULTS: Required<WebhookStoreOptions> = {
  allowLoopback: false,
  maxWebhooks: 20,
  maxPerRun: 50,
  retryBaseMs: 10_000,
  retryMaxMs: 3_600_000,
  // Just over a day, so the last retry lands after a full 24 h of trying.
  giveUpAfterMs: 24 * 3_600_000 + 60_000,
  disableAfterFailures: 30,
  keepDeliveries: 1000,
};

export type WebhookView = {
  id: string;
  url: string;
  events: ChainEventType[];
  createdAt: number;
  disabled: boolean;
  disabledAt: number | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  /** When the last attempt (successful or not) was made. */
  lastDeliveryAt: number | null;
  /** HTTP status of the last attempt; null before any, or when it got no response. */
  lastStatus: number | null;
};

export type DeliveryStatus = "pending" | "delivered" | "failed";

export type DeliveryView = {
  id: string;
  eventId: string;
  type: ChainEventType;
  status: DeliveryStatus;
  attempts: number;
  /** When it is (re)tried; null once finished. */
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
};

export type WebhookRequest = { url: string; headers: Record<string, string>; body: string };
export type WebhookSend = (request: WebhookRequest) => Promise<{ status: number }>;

export type DeliverDueResult = {
  /** Requests sent (delivered + failed). */
  attempted: number;
  delivered: number;
  /** Attempts that failed (retried later, given up, or disabling the webhook). */
  failed: number;
  /** Earliest time a delivery is due again; null when nothing is pending. Set the alarm to it. */
  nextDueAt: number | null;
};

type EndpointRow = {
  id: string;
  url: string;
  events: string;
  secret: string;
  created_at: number;
  disabled_at: number | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  last_delivery_at: number | null;
  last_status: number | null;
};

type DeliveryRow = {
  seq: number;
  id: string;
  webhook_id: string;
  event_seq: number;
  event_id: string;
  type: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
};

function randomHex(bytes: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

function endpointView(row: EndpointRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as ChainEventType[],
    createdAt: row.created_at,
    disabled: row.disabled_at !== null,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    consecutiveFailures: row.consecutive_failures,
    lastDeliveryAt: row.last_delivery_at,
    lastStatus: row.last_status,
  };
}

function deliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    type: row.type as ChainEventType,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/** The subscribed types, deduplicated, in {@link CHAIN_EVENT_TYPES} order; typed 400 errors on field `events`. */
function checkEvents(events: unknown): ChainEventType[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidRequestError(
      "events",
      `events must be a non-empty list of: ${CHAIN_EVENT_TYPES.join(", ")}.`,
    );
  }
  for (const type of events) {
    if (!CHAIN_EVENT_TYPES.includes(type as ChainEventType)) {
      throw new InvalidRequestError(
        "events",
        `Unknown event type ${JSON.stringify(String(type).slice(0, 40))}; known: ${CHAIN_EVENT_TYPES.join(", ")}.`,
      );
    }
  }
  return CHAIN_EVENT_TYPES.filter((type) => events.includes(type));
}

function describeError(error: unknown): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, …) is in its cause.
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") text += ` (${cause.code})`;
  return text.slice(0, MAX_ERROR_LENGTH);
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;

/** Defaults filled in (an `undefined` value keeps the default); a non-numeric or negative timing is refused. */
function resolveOptions(options: WebhookStoreOptions): Required<WebhookStoreOptions> {
  const opts = { ...WEBHOOK_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (opts as Record<string, unknown>)[key] = value;
  }
  for (const key of Object.keys(WEBHOOK_DEFAULTS) as (keyof WebhookStoreOptions)[]) {
    if (key === "allowLoopback") continue;
    const value = opts[key] as number;
    const min = key === "maxWebhooks" || key === "maxPerRun" || key === "disableAfterFailures" ? 1 : 0;
    // A NaN here would store NULL retry times and strand deliveries: fail when the store is built instead.
    if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
      throw new RangeError(`webhook option ${key} must be a number ≥ ${min} (got ${String(value)})`);
    }
  }
  return opts;
}

export function createWebhookStore(sql: SqlStore, options: WebhookStoreOptions = {}) {
  const opts = resolveOptions(options);
  sql.exec(WEBHOOK_SCHEMA);
  // Webhooks with an attempt in flight in this object: a second deliverDue running meanwhile (alarm and a
  // manual trigger) leaves them alone, so no delivery is sent twice at once. After a restart nothing is in flight.
  const busy = new Set<string>();

  const endpoint = (id: string) =>
    firstRow<EndpointRow>(sql, "SELECT * FROM webhook_endpoint WHERE id = ?", id);
  const enabledEndpoints = () =>
    sql
      .exec<EndpointRow>("SELECT * FROM webhook_endpoint WHERE disabled_at IS NULL ORDER BY created_at, id")
      .toArray();
  const head = (webhookId: string) =>
    firstRow<DeliveryRow>(
      sql,
      "SELECT * FROM webhook_delivery WHERE webhook_id = ? AND status = 'pending' ORDER BY event_seq LIMIT 1",
      webhookId,
    );

  function prune(webhookId: string): void {
    sql.exec(
      `DELETE FROM webhook_delivery WHERE webhook_id = ? AND status != 'pending' AND seq <= (
         SELECT seq FROM webhook_delivery WHERE webhook_id = ? AND status != 'pending'
         ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      webhookId,
      webhookId,
      opts.keepDeliveries,
    );
  }

  function nextDueAt(): number | null {
    let earliest: number | null = null;
    for (const w of enabledEndpoints()) {
      // A webhook in flight is reported by the run that holds it, when that run ends.
      if (busy.has(w.id)) continue;
      // Only the head can be sent next; later deliveries wait for it whatever their own time says.
      const at = head(w.id)?.next_attempt_at;
      if (at != null && (earliest === null || at < earliest)) earliest = at;
    }
    return earliest;
  }

  type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

  /** Writes one attempt's result; returns whether the lane may go on to the webhook's next delivery. */
  function record(delivery: DeliveryRow, outcome: Outcome, now: number): boolean {
    return sql.transaction(() => {
      const current = firstRow<DeliveryRow>(sql, "SELECT * FROM webhook_delivery WHERE id = ?", delivery.id);
      const w = endpoint(delivery.webhook_id);
      // Removed (or disabled) while the request was in flight: nothing left to record.
      if (current?.status !== "pending" || !w) return false;
      const attempts = current.attempts + 1;
      if (outcome.ok) {
        sql.exec(
          `UPDATE webhook_delivery SET status = 'delivered', attempts = ?, next_attempt_at = NULL, last_status = ?,
             last_error = NULL, delivered_at = ? WHERE id = ?`,
          attempts,
          outcome.status,
          now,
          current.id,
        );
        sql.exec(
          "UPDATE webhook_endpoint SET consecutive_failures = 0, last_delivery_at = ?, last_status = ? WHERE id = ?",
          now,
          outcome.status,
          w.id,
        );
        prune(w.id);
        return w.disabled_at === null;
      }
      const giveUp = now - current.created_at >= opts.giveUpAfterMs;
      const backoff = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** (attempts - 1));
      sql.exec(
        `UPDATE webhook_delivery SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?
           WHERE id = ?`,
        giveUp ? "failed" : "pending",
        attempts,
        giveUp ? null : now + backoff,
        outcome.status,
        outcome.error,
        current.id,
      );
      const failures = w.consecutive_failures + 1;
      sql.exec(
        "UPDATE webhook_endpoint SET consecutive_failures = ?, last_delivery_at = ?, last_status = ? WHERE id = ?",
        failures,
        now,
        outcome.status,
        w.id,
      );
      if (w.disabled_at === null && failures >= opts.disableAfterFailures) {
        const reason = `Disabled after ${failures} consecutive failed delivery attempts (last: ${outcome.error})`;
        sql.exec(
          "UPDATE webhook_endpoint SET disabled_at = ?, disabled_reason = ? WHERE id = ?",
          now,
          reason.slice(0, MAX_ERROR_LENGTH),
          w.id,
        );
        sql.exec(
          `UPDATE webhook_delivery SET status = 'failed', next_attempt_at = NULL,
             last_error = COALESCE(last_error, 'webhook disabled') WHERE webhook_id = ? AND status = 'pending'`,
          w.id,
        );
        prune(w.id);
        return false;
      }
      if (giveUp) prune(w.id);
      // Given up: the next event may go; scheduled for a retry: it holds the line.
      return giveUp;
    });
  }

  async function attempt(
    delivery: DeliveryRow,
    w: EndpointRow,
    now: number,
    send: WebhookSend,
  ): Promise<Outcome> {
    try {
      const signature = await signWebhook(w.secret, Math.floor(now / 1000), delivery.body);
      const { status } = await send({
        url: w.url,
        headers: {
          "content-type": "application/json",
          "user-agent": WEBHOOK_USER_AGENT,
          [WEBHOOK_SIGNATURE_HEADER]: signature,
          [WEBHOOK_EVENT_HEADER]: delivery.type,
          [WEBHOOK_DELIVERY_HEADER]: delivery.id,
        },
        body: delivery.body,
      });
      if (status >= 200 && status <= 299) return { ok: true, status };
      const error =
        status >= 300 && status <= 399 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
      return { ok: false, status: status > 0 ? status : null, error };
    } catch (error) {
      return { ok: false, status: null, error: describeError(error) };
    }
  }

  return {
    /** Registers a webhook; the secret is returned here only, never listed. */
    create(
      input: { url: string; events: ChainEventType[] },
      now: number,
    ): { webhook: WebhookView; secret: string } {
      const url = checkWebhookUrl(input.url, { allowLoopback: opts.allowLoopback }).href;
      const events = checkEvents(input.events);
      return sql.transaction(() => {
        const count = firstRow<{ n: number }>(sql, "SELECT COUNT(*) AS n FROM webhook_endpoint")?.n ?? 0;
        if (count >= opts.maxWebhooks) throw new WebhookLimitError(opts.maxWebhooks);
        const id = `wh_${randomHex(8)}`;
        const secret = newWebhookSecret();
        sql.exec(
          "INSERT INTO webhook_endpoint (id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)",
          id,
          url,
          JSON.stringify(events),
          secret,
          now,
        );
        return { webhook: endpointView(endpoint(id) as EndpointRow), secret };
      });
    },

    list(): WebhookView[] {
      return sql
        .exec<EndpointRow>("SELECT * FROM webhook_endpoint ORDER BY created_at, id")
        .toArray()
        .map(endpointView);
    },

    get(id: string): WebhookView | null {
      const row = endpoint(id);
      return row ? endpointView(row) : null;
    },

    /** Deletes the webhook and every delivery of it; false when there was none. */
    remove(id: string): boolean {
      return sql.transaction(() => {
        if (!endpoint(id)) return false;
        sql.exec("DELETE FROM webhook_delivery WHERE webhook_id = ?", id);
        sql.exec("DELETE FROM webhook_endpoint WHERE id = ?", id);
        return true;
      });
    },

    /** Newest first; `next` is the cursor of the following page. Null when the webhook is unknown. */
    deliveries(
      id: string,
      page: { limit: number; cursor?: string },
    ): { deliveries: DeliveryView[]; next?: string } | null {
      const { limit, cursor } = page;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_DELIVERIES_PAGE) {
        throw new InvalidRequestError("limit", `limit must be an integer from 1 to ${MAX_DELIVERIES_PAGE}.`);
      }
      if (cursor !== undefined && !/^[1-9][0-9]{0,15}$/.test(cursor)) {
        throw new InvalidRequestError(
          "cursor",
          "cursor must be a value returned as `next` by an earlier page.",
        );
      }
      if (!endpoint(id)) return null;
      const rows = sql
        .exec<DeliveryRow>(
          "SELECT * FROM webhook_delivery WHERE webhook_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
          id,
          cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(cursor),
          limit + 1,
        )
        .toArray();
      const pageRows = rows.slice(0, limit);
      const last = pageRows[pageRows.length - 1];
      return {
        deliveries: pageRows.map(deliveryView),
        ...(rows.length > limit && last ? { next: String(last.seq) } : {}),
      };
    },

    /**
     * Queues `event` for every enabled webhook subscribed to its type; returns how many deliveries were queued.
     * Idempotent per webhook and event `seq`, so re-enqueueing after a crash sends nothing twice.
     */
    enqueue(event: LoggedEvent, now: number): number {
      const body = JSON.stringify(webhookBody(event));
      return sql.transaction(() => {
        let queued = 0;
        for (const w of enabledEndpoints()) {
          if (!(JSON.parse(w.events) as string[]).includes(event.type)) continue;
          const before = firstRow<{ n: number }>(
            sql,
            "SELECT COUNT(*) AS n FROM webhook_delivery WHERE webhook_id = ? AND event_seq = ?",
            w.id,
            event.seq,
          )?.n;
          if (before) continue;
          sql.exec(
            `INSERT INTO webhook_delivery (id, webhook_id, event_seq, event_id, type, body, status, next_attempt_at,
               created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
            `whd_${randomHex(8)}`,
            w.id,
            event.seq,
            event.id,
            event.type,
            body,
            now,
            now,
          );
          queued++;
        }
        return queued;
      });
    },

    /** Earliest time a delivery is due (what deliverDue returns as `nextDueAt`), for setting an alarm. */
    nextDueAt,

    /**
     * Sends what is due at `now`: webhooks in parallel, each webhook's deliveries one at a time in event order,
     * at most `maxPerRun` requests in all (the oldest heads start first).
     */
    async deliverDue(now: number, send: WebhookSend): Promise<DeliverDueResult> {
      const result = { attempted: 0, delivered: 0, failed: 0 };
      let budget = opts.maxPerRun;
      const lanes = enabledEndpoints()
        .filter((w) => !busy.has(w.id))
        .map((w) => ({ w, first: head(w.id) }))
        .filter((lane): lane is { w: EndpointRow; first: DeliveryRow } => {
          const at = lane.first?.next_attempt_at;
          return at != null && at <= now;
        })
        .sort((a, b) => a.first.created_at - b.first.created_at || a.first.seq - b.first.seq);
      for (const { w } of lanes) busy.add(w.id);

      const runLane = async (webhookId: string) => {
        try {
          for (;;) {
            // Re-read each time: the webhook may have been removed or disabled while a request was in flight.
            const w = endpoint(webhookId);
            const delivery = head(webhookId);
            if (!w || w.disabled_at !== null || !delivery || budget <= 0) return;
            if (delivery.next_attempt_at === null || delivery.next_attempt_at > now) return;
            budget--;
            const outcome = await attempt(delivery, w, now, send);
            result.attempted++;
            if (outcome.ok) result.delivered++;
            else result.failed++;
            if (!record(delivery, outcome, now)) return;
          }
        } finally {
          busy.delete(webhookId);
        }
      };
      // Every lane finishes (and frees its webhook) before a storage error, if any, is rethrown.
      const settled = await Promise.allSettled(lanes.map(({ w }) => runLane(w.id)));
      for (const s of settled) if (s.status === "rejected") throw s.reason;
      return { ...result, nextDueAt: nextDueAt() };
    },
  };
}

/**
 * The production `send`: one POST, redirects not followed (a 3xx counts as a failure), bounded by `timeoutMs`.
 * The response body is discarded without being read.
 */
export function fetchSender({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): WebhookSend {
  return async ({ url, headers, body }) => {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    try {
      await response.body?.cancel();
    } catch {
      // The status is what counts; a body that cannot be cancelled changes nothing.
    }
    return { status: response.status };
  };
}
