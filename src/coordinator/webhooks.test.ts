import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sqliteStore } from "../../test/support/sqlite-store.ts";
import { InvalidRequestError } from "../api/errors.ts";
import { verifyWebhookSignature } from "../webhooks/signature.ts";
import { WebhookUrlRejectedError } from "../webhooks/url-policy.ts";
import type { LoggedEvent } from "./events.ts";
import { webhookBody } from "./events.ts";
import {
  createWebhookStore,
  fetchSender,
  WebhookLimitError,
  type WebhookSend,
  type WebhookStoreOptions,
} from "./webhooks.ts";

type Hit = { path: string; headers: IncomingMessage["headers"]; body: string };
type Handler = (hit: Hit, res: ServerResponse) => void;

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real HTTP receiver on 127.0.0.1; `handler` answers (default 200). */
async function receiver(handler: Handler = (_, res) => res.end("ok")) {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      const hit = { path: req.url ?? "", headers: req.headers, body };
      hits.push(hit);
      handler(hit, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, hits };
}

/** A port nothing listens on (bound, then closed). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

const fast: WebhookStoreOptions = {
  allowLoopback: true,
  retryBaseMs: 1000,
  retryMaxMs: 8000,
  giveUpAfterMs: 60_000,
  disableAfterFailures: 30,
};

function store(options: WebhookStoreOptions = {}, sql = sqliteStore()) {
  cleanups.push(() => sql.close());
  return { sql, webhooks: createWebhookStore(sql, { ...fast, ...options }) };
}

let seq = 0;
function finalized(number: number, createdAt = 1_000): LoggedEvent {
  seq++;
  return {
    type: "finalized",
    data: { number, hash: `0x${number.toString(16).padStart(64, "0")}`, timestamp: 1_700_000_000 + number },
    seq,
    id: String(number),
    chain: "edge-devnet-l2",
    createdAt,
  };
}

function slashed(): LoggedEvent {
  seq++;
  return {
    type: "slashed",
    data: { fpBtcPkHex: "ab".repeat(32), babylonHeight: 10, btcHeight: null },
    seq,
    id: `100:${seq}`,
    chain: "edge-devnet-l2",
    createdAt: 1_000,
  };
}

const send = fetchSender({ timeoutMs: 2_000 });
const T0 = 1_800_000_000_000;

describe("webhook deliveries over HTTP", () => {
  it("sends signed deliveries a receiver verifies, with the documented headers and body", async () => {
    const rx = await receiver();
    const { webhooks } = store();
    const { webhook, secret } = webhooks.create({ url: `${rx.url}/hook`, events: ["finalized"] }, T0);
    expect(webhook).toMatchObject({ url: `${rx.url}/hook`, events: ["finalized"], disabled: false });
    expect(webhook.id).toMatch(/^wh_[0-9a-f]{16}$/);
    expect(secret).toMatch(/^whsec_/);

    const event = finalized(7);
    expect(webhooks.enqueue(event, T0)).toBe(1);
    expect(webhooks.nextDueAt()).toBe(T0);
    const result = await webhooks.deliverDue(T0, send);
    expect(result).toEqual({ attempted: 1, delivered: 1, failed: 0, nextDueAt: null });

    expect(rx.hits).toHaveLength(1);
    const [hit] = rx.hits as [Hit];
    expect(hit.path).toBe("/hook");
    expect(JSON.parse(hit.body)).toEqual(webhookBody(event));
    expect(hit.body).toBe(JSON.stringify(webhookBody(event)));
    expect(hit.headers["content-type"]).toBe("application/json");
    expect(hit.headers["user-agent"]).toBe("finality-edge-webhooks/1");
    expect(hit.headers["finality-edge-event"]).toBe("finalized");
    const header = hit.headers["finality-edge-signature"] as string;
    expect(header).toMatch(new RegExp(`^t=${Math.floor(T0 / 1000)},v1=[0-9a-f]{64}$`));
    const nowSec = Math.floor(T0 / 1000);
    expect(await verifyWebhookSignature({ header, body: hit.body, secret, nowSec })).toBe(true);
    expect(await verifyWebhookSignature({ header, body: hit.body, secret: "whsec_other", nowSec })).toBe(
      false,
    );

    const page = webhooks.deliveries(webhook.id, { limit: 10 });
    expect(page?.deliveries).toEqual([
      {
        id: hit.headers["finality-edge-delivery"],
        eventId: "7",
        type: "finalized",
        status: "delivered",
        attempts: 1,
        nextAttemptAt: null,
        lastStatus: 200,
        lastError: null,
        createdAt: T0,
        deliveredAt: T0,
      },
    ]);
    expect(page?.next).toBeUndefined();
    expect(webhooks.list()).toEqual([
      {
        ...webhook,
        consecutiveFailures: 0,
        lastDeliveryAt: T0,
        lastStatus: 200,
      },
    ]);
    expect(JSON.stringify(webhooks.list())).not.toContain(secret);
  });

  it("retries a 500 after the backoff and delivers on the 200", async () => {
    const statuses = [500, 503, 200];
    const rx = await receiver((_, res) => {
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
    const { webhooks } = store();
    const { webhook, secret } = webhooks.create({ url: rx.url, events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);

    expect(await webhooks.deliverDue(T0, send)).toEqual({
      attempted: 1,
      delivered: 0,
      failed: 1,
      nextDueAt: T0 + 1000,
    });
    let [d] = webhooks.deliveries(webhook.id, { limit: 1 })?.deliveries ?? [];
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500, lastError: "HTTP 500" });
    expect(webhooks.list()[0]).toMatchObject({ consecutiveFailures: 1, lastStatus: 500, lastDeliveryAt: T0 });

    // Not before the backoff.
    expect(await webhooks.deliverDue(T0 + 999, send)).toMatchObject({ attempted: 0, nextDueAt: T0 + 1000 });
    expect(rx.hits).toHaveLength(1);

    // 2nd failure doubles the wait.
    expect(await webhooks.deliverDue(T0 + 1000, send)).toMatchObject({ attempted: 1, nextDueAt: T0 + 3000 });
    expect(await webhooks.deliverDue(T0 + 2999, send)).toMatchObject({ attempted: 0 });
    expect(await webhooks.deliverDue(T0 + 3000, send)).toEqual({
      attempted: 1,
      delivered: 1,
      failed: 0,
      nextDueAt: null,
    });
    expect(rx.hits).toHaveLength(3);
    [d] = webhooks.deliveries(webhook.id, { limit: 1 })?.deliveries ?? [];
    expect(d).toMatchObject({ status: "delivered", attempts: 3, lastStatus: 200, lastError: null });
    expect(webhooks.list()[0]).toMatchObject({ consecutiveFailures: 0, lastStatus: 200 });

    // Every attempt is signed afresh at its own time; all share the delivery id.
    const ids = new Set(rx.hits.map((h) => h.headers["finality-edge-delivery"]));
    expect(ids.size).toBe(1);
    for (const [i, at] of [T0, T0 + 1000, T0 + 3000].entries()) {
      const hit = rx.hits[i] as Hit;
      const header = hit.headers["finality-edge-signature"] as string;
      expect(header.startsWith(`t=${Math.floor(at / 1000)},`)).toBe(true);
      expect(
        await verifyWebhookSignature({ header, body: hit.body, secret, nowSec: Math.floor(at / 1000) }),
      ).toBe(true);
    }
  });

  it("caps the backoff at retryMaxMs", async () => {
    const rx = await receiver((_, res) => {
      res.statusCode = 500;
      res.end();
    });
    const { webhooks } = store({ retryBaseMs: 1000, retryMaxMs: 4000, giveUpAfterMs: 1e9 });
    webhooks.create({ url: rx.url, events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    let now = T0;
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { nextDueAt } = await webhooks.deliverDue(now, send);
      waits.push((nextDueAt as number) - now);
      now = nextDueAt as number;
    }
    expect(waits).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it("disables a dead receiver after exactly disableAfterFailures attempts", async () => {
    const url = await deadUrl();
    const { webhooks } = store({ disableAfterFailures: 4, retryBaseMs: 10, retryMaxMs: 10 });
    const { webhook } = webhooks.create({ url, events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    webhooks.enqueue(finalized(2), T0);

    let now = T0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const r = await webhooks.deliverDue(now, send);
      expect(r).toEqual({ attempted: 1, delivered: 0, failed: 1, nextDueAt: now + 10 });
      expect(webhooks.list()[0]).toMatchObject({
        disabled: false,
        consecutiveFailures: attempt,
        lastStatus: null,
      });
      now += 10;
    }
    expect(await webhooks.deliverDue(now, send)).toEqual({
      attempted: 1,
      delivered: 0,
      failed: 1,
      nextDueAt: null,
    });

    const [view] = webhooks.list();
    expect(view).toMatchObject({ id: webhook.id, disabled: true, disabledAt: now, consecutiveFailures: 4 });
    expect(view?.disabledReason).toMatch(/^Disabled after 4 consecutive failed delivery attempts/);
    expect(view?.disabledReason).toMatch(/ECONNREFUSED|fetch failed/);

    const deliveries = webhooks.deliveries(webhook.id, { limit: 10 })?.deliveries ?? [];
    expect(deliveries.map((d) => [d.eventId, d.status, d.attempts])).toEqual([
      ["2", "failed", 0],
      ["1", "failed", 4],
    ]);
    expect(deliveries[0]?.lastError).toBe("webhook disabled");
    expect(deliveries[1]?.lastError).toMatch(/fetch failed/);

    // Disabled: nothing more is sent or queued.
    expect(await webhooks.deliverDue(now + 1e9, send)).toEqual({
      attempted: 0,
      delivered: 0,
      failed: 0,
      nextDueAt: null,
    });
    expect(webhooks.enqueue(finalized(3), now)).toBe(0);
  });

  it("counts a 302 as a failure and never follows it", async () => {
    const target = await receiver();
    const rx = await receiver((_, res) => {
      res.writeHead(302, { location: `${target.url}/elsewhere` });
      res.end("moved");
    });
    const { webhooks } = store();
    const { webhook } = webhooks.create({ url: `${rx.url}/hook`, events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);

    expect(await webhooks.deliverDue(T0, send)).toMatchObject({ attempted: 1, delivered: 0, failed: 1 });
    expect(rx.hits).toHaveLength(1);
    expect(target.hits).toHaveLength(0);
    const [d] = webhooks.deliveries(webhook.id, { limit: 1 })?.deliveries ?? [];
    expect(d).toMatchObject({ status: "pending", lastStatus: 302 });
    expect(d?.lastError).toMatch(/302.*not followed/);
    expect(webhooks.list()[0]).toMatchObject({ consecutiveFailures: 1, lastStatus: 302 });
  });

  it("records a receiver that does not answer within the timeout as a failed attempt", async () => {
    const rx = await receiver(() => {
      // Never answers.
    });
    const { webhooks } = store();
    const { webhook } = webhooks.create({ url: rx.url, events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    const started = Date.now();
    expect(await webhooks.deliverDue(T0, fetchSender({ timeoutMs: 150 }))).toMatchObject({ failed: 1 });
    expect(Date.now() - started).toBeLessThan(1500);
    const [d] = webhooks.deliveries(webhook.id, { limit: 1 })?.deliveries ?? [];
    expect(d).toMatchObject({ status: "pending", lastStatus: null });
    expect(d?.lastError).toMatch(/TimeoutError/);
  });

  it("keeps each webhook's events in order: n+1 waits until n is delivered", async () => {
    let failFirst = true;
    const rx = await receiver((hit, res) => {
      const { id } = JSON.parse(hit.body) as { id: string };
      res.statusCode = id === "1" && failFirst ? 500 : 204;
      if (id === "1") failFirst = false;
      res.end();
    });
    const other = await receiver();
    const { webhooks } = store();
    webhooks.create({ url: rx.url, events: ["finalized"] }, T0);
    webhooks.create({ url: other.url, events: ["finalized"] }, T0);
    for (const n of [1, 2, 3]) webhooks.enqueue(finalized(n), T0);

    // The failing receiver holds its own line only; the other gets all three now.
    expect(await webhooks.deliverDue(T0, send)).toEqual({
      attempted: 4,
      delivered: 3,
      failed: 1,
      nextDueAt: T0 + 1000,
    });
    expect(rx.hits.map((h) => JSON.parse(h.body).id)).toEqual(["1"]);
    expect(other.hits.map((h) => JSON.parse(h.body).id)).toEqual(["1", "2", "3"]);

    expect(await webhooks.deliverDue(T0 + 1000, send)).toMatchObject({
      attempted: 3,
      delivered: 3,
      nextDueAt: null,
    });
    expect(rx.hits.map((h) => JSON.parse(h.body).id)).toEqual(["1", "1", "2", "3"]);
  });

  it("sends only the subscribed types", async () => {
    const rx = await receiver();
    const { webhooks } = store();
    webhooks.create({ url: rx.url, events: ["slashed", "equivocation"] }, T0);
    expect(webhooks.enqueue(finalized(1), T0)).toBe(0);
    expect(webhooks.enqueue(slashed(), T0)).toBe(1);
    await webhooks.deliverDue(T0, send);
    expect(rx.hits.map((h) => h.headers["finality-edge-event"])).toEqual(["slashed"]);
  });

  it("gives up a delivery older than giveUpAfterMs after its next failure, then sends the next event", async () => {
    const rx = await receiver((hit, res) => {
      res.statusCode = JSON.parse(hit.body).id === "1" ? 500 : 200;
      res.end();
    });
    const { webhooks } = store({ retryBaseMs: 1000, retryMaxMs: 1000, giveUpAfterMs: 5000 });
    const { webhook } = webhooks.create({ url: rx.url, events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    webhooks.enqueue(finalized(2), T0 + 500);

    for (let now = T0; now < T0 + 5000; now += 1000) {
      expect(await webhooks.deliverDue(now, send)).toMatchObject({
        attempted: 1,
        failed: 1,
        nextDueAt: now + 1000,
      });
    }
    // At 5 s it is old enough: this failure gives it up, and event 2 goes out in the same run.
    expect(await webhooks.deliverDue(T0 + 5000, send)).toEqual({
      attempted: 2,
      delivered: 1,
      failed: 1,
      nextDueAt: null,
    });
    const deliveries = webhooks.deliveries(webhook.id, { limit: 10 })?.deliveries ?? [];
    expect(deliveries.map((d) => [d.eventId, d.status, d.attempts, d.nextAttemptAt])).toEqual([
      ["2", "delivered", 1, null],
      ["1", "failed", 6, null],
    ]);
    expect(webhooks.list()[0]).toMatchObject({ disabled: false, consecutiveFailures: 0 });
  });

  it("does not send a delivery twice when two runs overlap", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rx = await receiver((_, res) => {
      void gate.then(() => res.end());
    });
    const { webhooks } = store();
    webhooks.create({ url: rx.url, events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    const first = webhooks.deliverDue(T0, send);
    const second = await webhooks.deliverDue(T0, send);
    expect(second).toEqual({ attempted: 0, delivered: 0, failed: 0, nextDueAt: null });
    release();
    expect(await first).toMatchObject({ attempted: 1, delivered: 1 });
    expect(rx.hits).toHaveLength(1);
  });

  it("keeps pending deliveries across a restart (a new store over the same SQLite file)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "webhooks-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "coordinator.sqlite");
    const rx = await receiver();

    const before = sqliteStore(path);
    const first = createWebhookStore(before, fast);
    const { webhook, secret } = first.create({ url: rx.url, events: ["finalized"] }, T0);
    first.enqueue(finalized(1), T0);
    first.enqueue(finalized(2), T0);
    before.close();

    const { webhooks } = store({}, sqliteStore(path));
    expect(webhooks.list().map((w) => w.id)).toEqual([webhook.id]);
    expect(webhooks.nextDueAt()).toBe(T0);
    expect(await webhooks.deliverDue(T0 + 10, send)).toMatchObject({ attempted: 2, delivered: 2 });
    expect(rx.hits.map((h) => JSON.parse(h.body).id)).toEqual(["1", "2"]);
    const hit = rx.hits[0] as Hit;
    const header = hit.headers["finality-edge-signature"] as string;
    expect(
      await verifyWebhookSignature({ header, body: hit.body, secret, nowSec: Math.floor(T0 / 1000) }),
    ).toBe(true);
  });
});

describe("webhook registry", () => {
  const ok: WebhookSend = async () => ({ status: 200 });

  it("removes a webhook with its deliveries", async () => {
    const calls: string[] = [];
    const { sql, webhooks } = store();
    const { webhook } = webhooks.create({ url: "https://hooks.example.com/a", events: ["finalized"] }, T0);
    const kept = webhooks.create({ url: "https://hooks.example.com/b", events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    webhooks.enqueue(finalized(2), T0);

    expect(webhooks.remove(webhook.id)).toBe(true);
    expect(webhooks.remove(webhook.id)).toBe(false);
    expect(webhooks.deliveries(webhook.id, { limit: 10 })).toBeNull();
    expect(webhooks.list().map((w) => w.id)).toEqual([kept.webhook.id]);
    const count = (id: string) =>
      sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_delivery WHERE webhook_id = ?", id)
        .toArray()[0]?.n;
    expect(count(webhook.id)).toBe(0);
    expect(count(kept.webhook.id)).toBe(2);

    await webhooks.deliverDue(T0, async (req) => {
      calls.push(req.url);
      return { status: 200 };
    });
    expect(calls).toEqual(["https://hooks.example.com/b", "https://hooks.example.com/b"]);
  });

  it("forgets a delivery whose webhook is removed while it is in flight", async () => {
    const { sql, webhooks } = store();
    const { webhook } = webhooks.create({ url: "https://hooks.example.com/a", events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    webhooks.enqueue(finalized(2), T0);
    const result = await webhooks.deliverDue(T0, async () => {
      webhooks.remove(webhook.id);
      return { status: 200 };
    });
    expect(result).toEqual({ attempted: 1, delivered: 1, failed: 0, nextDueAt: null });
    expect(sql.exec("SELECT * FROM webhook_delivery").toArray()).toEqual([]);
  });

  it("validates url and events with typed 400 errors, and limits webhooks per chain", () => {
    const { webhooks } = store({ allowLoopback: false, maxWebhooks: 2 });
    const fails = (input: { url: string; events: unknown }) => {
      try {
        webhooks.create(input as { url: string; events: [] }, T0);
      } catch (error) {
        return error;
      }
      throw new Error("accepted");
    };
    expect(fails({ url: "http://127.0.0.1/", events: ["finalized"] })).toBeInstanceOf(
      WebhookUrlRejectedError,
    );
    expect(fails({ url: "https://hooks.example.com/", events: [] })).toMatchObject({
      code: "invalid_request",
      field: "events",
    });
    expect(fails({ url: "https://hooks.example.com/", events: "finalized" })).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(fails({ url: "https://hooks.example.com/", events: ["finalized", "reorg"] })).toMatchObject({
      field: "events",
      details: expect.stringContaining('"reorg"'),
    });

    const a = webhooks.create(
      { url: "https://Hooks.Example.com/a", events: ["slashed", "finalized", "slashed"] },
      T0,
    );
    expect(a.webhook.url).toBe("https://hooks.example.com/a");
    expect(a.webhook.events).toEqual(["finalized", "slashed"]);
    webhooks.create({ url: "https://hooks.example.com/b", events: ["equivocation"] }, T0);
    const limit = fails({ url: "https://hooks.example.com/c", events: ["finalized"] });
    expect(limit).toBeInstanceOf(WebhookLimitError);
    expect(limit).toMatchObject({ code: "webhook_limit_reached", limit: 2 });
    expect(webhooks.list()).toHaveLength(2);
    webhooks.remove(a.webhook.id);
    expect(
      webhooks.create({ url: "https://hooks.example.com/c", events: ["finalized"] }, T0).webhook.id,
    ).toMatch(/^wh_/);
  });

  it("fills in defaults for undefined options and refuses unusable ones", () => {
    const sql = sqliteStore();
    cleanups.push(() => sql.close());
    expect(() => createWebhookStore(sql, { retryBaseMs: undefined, maxWebhooks: undefined })).not.toThrow();
    expect(() => createWebhookStore(sql, { retryBaseMs: Number("x") })).toThrow(/retryBaseMs/);
    expect(() => createWebhookStore(sql, { giveUpAfterMs: -1 })).toThrow(RangeError);
    expect(() => createWebhookStore(sql, { maxPerRun: 0 })).toThrow(/maxPerRun/);
  });

  it("enqueues an event once per webhook, however often it is offered", async () => {
    const { webhooks } = store();
    const { webhook } = webhooks.create({ url: "https://hooks.example.com/a", events: ["finalized"] }, T0);
    const event = finalized(1);
    expect(webhooks.enqueue(event, T0)).toBe(1);
    expect(webhooks.enqueue(event, T0 + 1)).toBe(0);
    expect(webhooks.deliveries(webhook.id, { limit: 10 })?.deliveries).toHaveLength(1);
  });

  it("pages deliveries newest first and keeps only keepDeliveries finished ones", async () => {
    const { webhooks } = store({ keepDeliveries: 3 });
    const { webhook } = webhooks.create({ url: "https://hooks.example.com/a", events: ["finalized"] }, T0);
    for (const n of [1, 2, 3, 4, 5]) webhooks.enqueue(finalized(n), T0 + n);
    expect(webhooks.deliveries(webhook.id, { limit: 10 })?.deliveries.map((d) => d.eventId)).toEqual([
      "5",
      "4",
      "3",
      "2",
      "1",
    ]);
    await webhooks.deliverDue(T0 + 10, ok);
    for (const n of [6, 7]) webhooks.enqueue(finalized(n), T0 + 20);

    const first = webhooks.deliveries(webhook.id, { limit: 2 });
    expect(first?.deliveries.map((d) => [d.eventId, d.status])).toEqual([
      ["7", "pending"],
      ["6", "pending"],
    ]);
    const second = webhooks.deliveries(webhook.id, { limit: 2, cursor: first?.next as string });
    expect(second?.deliveries.map((d) => [d.eventId, d.status])).toEqual([
      ["5", "delivered"],
      ["4", "delivered"],
    ]);
    const third = webhooks.deliveries(webhook.id, { limit: 2, cursor: second?.next as string });
    expect(third?.deliveries.map((d) => d.eventId)).toEqual(["3"]);
    expect(third?.next).toBeUndefined();

    expect(() => webhooks.deliveries(webhook.id, { limit: 0 })).toThrow(InvalidRequestError);
    expect(() => webhooks.deliveries(webhook.id, { limit: 101 })).toThrow(InvalidRequestError);
    expect(() => webhooks.deliveries(webhook.id, { limit: 1, cursor: "abc" })).toThrow(
      expect.objectContaining({ field: "cursor" }),
    );
  });

  it("caps a run at maxPerRun requests, oldest first, and reports the backlog as due", async () => {
    const { webhooks } = store({ maxPerRun: 3 });
    const sent: string[] = [];
    const a = webhooks.create({ url: "https://hooks.example.com/a", events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    webhooks.create({ url: "https://hooks.example.com/b", events: ["slashed"] }, T0);
    const slash = slashed();
    webhooks.enqueue(slash, T0 + 1);
    webhooks.enqueue(finalized(2), T0 + 2);
    webhooks.enqueue(finalized(3), T0 + 3);
    const record: WebhookSend = async (req) => {
      sent.push(`${req.url.slice(-1)}:${JSON.parse(req.body).id}`);
      return { status: 200 };
    };
    const first = await webhooks.deliverDue(T0 + 10, record);
    expect(first).toMatchObject({ attempted: 3, delivered: 3 });
    // Event 3 of webhook a is left for the next run, and already due.
    expect(first.nextDueAt).toBe(T0 + 3);
    expect(sent.sort()).toEqual(["a:1", "a:2", `b:${slash.id}`]);
    expect(await webhooks.deliverDue(T0 + 10, record)).toMatchObject({ attempted: 1, nextDueAt: null });
    expect(
      webhooks.deliveries(a.webhook.id, { limit: 10 })?.deliveries.every((d) => d.status === "delivered"),
    ).toBe(true);
  });

  it("reports nextDueAt from each webhook's head, not from deliveries queued behind a retry", async () => {
    const { webhooks } = store({ retryBaseMs: 5000 });
    webhooks.create({ url: "https://hooks.example.com/a", events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    webhooks.enqueue(finalized(2), T0);
    const r = await webhooks.deliverDue(T0, async () => ({ status: 500 }));
    expect(r.nextDueAt).toBe(T0 + 5000);
    expect(webhooks.nextDueAt()).toBe(T0 + 5000);
  });

  it("treats a throwing send and a non-HTTP status as failed attempts", async () => {
    const { webhooks } = store();
    const { webhook } = webhooks.create({ url: "https://hooks.example.com/a", events: ["finalized"] }, T0);
    webhooks.enqueue(finalized(1), T0);
    await webhooks.deliverDue(T0, async () => {
      throw new Error("boom");
    });
    let [d] = webhooks.deliveries(webhook.id, { limit: 1 })?.deliveries ?? [];
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastStatus: null, lastError: "Error: boom" });
    await webhooks.deliverDue(T0 + 1000, async () => ({ status: 0 }));
    [d] = webhooks.deliveries(webhook.id, { limit: 1 })?.deliveries ?? [];
    expect(d).toMatchObject({ status: "pending", attempts: 2, lastStatus: null, lastError: "HTTP 0" });
  });
});
