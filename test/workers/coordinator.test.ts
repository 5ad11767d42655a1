import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { tickCoordinators } from "../../src/api/scheduled.ts";
import { CHAINS_CONFIG_KEY } from "../../src/cache/keys.ts";
import { coordinatorStub } from "../../src/coordinator/client.ts";
import type { AcceptPlan } from "../../src/coordinator/ledger.ts";
import type { QueuedSubmission } from "../../src/submission/types.ts";
import { verifyWebhookSignature } from "../../src/webhooks/signature.ts";
import { applyHistoryMigrations } from "./support/history-db.ts";

// The chain coordinator as a real Durable Object (SQLite-backed) in workerd, reached through the Worker and over
// RPC, against the Babylon emulator and anvil of global-setup.ts. Two chains alias the read-API e2e chain under new
// ids, so their coordinators start empty here: one for the stream, one for webhooks.
const [e2e] = JSON.parse(inject("e2eChains")) as Record<string, unknown>[];
const STREAM_CHAIN = "edge-stream";
const HOOK_CHAIN = "edge-hooks";
const receiver = JSON.parse(inject("webhookReceiver")) as { url: string; deadUrl: string };
const ADMIN = { authorization: "Bearer test-admin-token" };

const call = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`http://edge.test${path}`, init));

/** The chains the coordinators know (KV `config/chains`, read by the Worker and the Durable Objects alike). */
const register = (...ids: string[]) =>
  env.FINALITY_KV.put(CHAINS_CONFIG_KEY, JSON.stringify(ids.map((id) => ({ ...e2e, id }))));

beforeAll(async () => {
  // The coordinators record settled grid heights in D1 as the tips move.
  await applyHistoryMigrations();
  await register(STREAM_CHAIN);
});
afterAll(async () => {
  await env.FINALITY_KV.delete(CHAINS_CONFIG_KEY);
});

function item(n: number, fp: string, height = n): QueuedSubmission {
  return {
    id: `v_${n.toString(16).padStart(40, "0")}`,
    chain: "edge-budget",
    kind: "vote",
    fpBtcPkHex: fp,
    height: String(height),
    msg: { height } as never,
    equivocation: false,
    acceptedAt: 1,
  };
}
const plan = (entries: AcceptPlan["entries"], max: number): AcceptPlan => ({
  kind: "vote",
  entries,
  interval: 7,
  maxMsgsPerInterval: max,
  now: Date.now(),
});

describe("ChainCoordinator: exact state under concurrency", () => {
  it("50 concurrent accepts for one FP spend its budget exactly", async () => {
    const stub = coordinatorStub(env, "edge-budget");
    const fp = "b1".repeat(32);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        stub.accept(
          "edge-budget",
          plan(
            [
              {
                item: item(i + 1, fp),
                duplicate: false,
                seen: [],
                vote: { blockHash: `${i}`, signature: "s" },
              },
            ],
            20,
          ),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === "accepted")).toHaveLength(20);
    expect(outcomes.filter((o) => o.outcome === "rate_limited")).toHaveLength(30);
    const snapshot = await stub.snapshot("edge-budget", { votes: [], fps: [fp], interval: 7, ids: [] });
    expect(snapshot.budgets[fp]).toBe(20);
  });

  it("two different votes for one FP and height at once: exactly one is logged first, the other must be re-verified", async () => {
    const stub = coordinatorStub(env, "edge-budget");
    const fp = "c2".repeat(32);
    const [a, b] = await Promise.all(
      ["11", "22"].map((hash, i) =>
        stub.accept(
          "edge-budget",
          plan(
            [
              {
                item: item(1000 + i, fp, 500),
                duplicate: false,
                seen: [],
                vote: { blockHash: hash, signature: hash },
              },
            ],
            100,
          ),
        ),
      ),
    );
    expect([a?.outcome, b?.outcome].sort()).toEqual(["accepted", "stale"]);
    const snapshot = await stub.snapshot("edge-budget", {
      votes: [`${fp}/500`],
      fps: [],
      interval: 7,
      ids: [],
    });
    expect(snapshot.votes[`${fp}/500`]).toHaveLength(1);
  });
});

/** Reads SSE frames from a stream until `count` events (not comments) arrived. */
async function readEvents(res: Response, count: number) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const events: { event: string; id?: string; data: unknown }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        frame
          .split("\n")
          .filter((l) => l && !l.startsWith(":"))
          .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
      );
      if (fields.event)
        events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data ?? "null") });
      end = buffer.indexOf("\n\n");
    }
  }
  await reader.cancel();
  return events;
}

describe("GET /v1/chains/{chain}/events", () => {
  it("streams every finalized height in order, and resumes exactly after Last-Event-ID", async () => {
    const [tick] = (await tickCoordinators(env)).filter((t) => t.chain === STREAM_CHAIN);
    expect(tick?.tip).toBe(4);
    const res = await call(`/v1/chains/${STREAM_CHAIN}/events?from=0`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const all = await readEvents(res, 4);
    expect(all.map((e) => e.event)).toEqual(["finalized", "finalized", "finalized", "finalized"]);
    const heights = all.map((e) => (e.data as { number: number }).number);
    expect(heights).toEqual([1, 2, 3, 4]);
    expect(all.map((e) => e.id)).toEqual(["1", "2", "3", "4"]);
    const again = await readEvents(
      await call(`/v1/chains/${STREAM_CHAIN}/events`, { headers: { "last-event-id": "2" } }),
      2,
    );
    expect(again.map((e) => e.id)).toEqual(["3", "4"]);
  });

  it("refuses a malformed resume point or type with problem+json naming it", async () => {
    const bad = await call(`/v1/chains/${STREAM_CHAIN}/events`, { headers: { "last-event-id": "x; drop" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "invalid_request", field: "Last-Event-ID" });
    const types = await call(`/v1/chains/${STREAM_CHAIN}/events?types=finalized,everything`);
    expect(types.status).toBe(400);
    expect(await types.json()).toMatchObject({ field: "types" });
  });
});

describe("webhooks", () => {
  // Registered only now: its coordinator has finalized nothing before the webhooks exist.
  beforeAll(async () => {
    await register(STREAM_CHAIN, HOOK_CHAIN);
  });
  const hooks = `/v1/chains/${HOOK_CHAIN}/webhooks`;
  const create = (url: string, headers: Record<string, string> = ADMIN) =>
    call(hooks, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ url, events: ["finalized"] }),
    });

  it("401 without the admin token, 403 with a wrong one; nothing is created", async () => {
    const none = await create(`${receiver.url}/ok`, {});
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(none.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await create(`${receiver.url}/ok`, { authorization: "Bearer wrong" })).status).toBe(403);
    expect((await call(hooks)).status).toBe(401);
    const list = (await (await call(hooks, { headers: ADMIN })).json()) as { webhooks: unknown[] };
    expect(list.webhooks).toEqual([]);
  });

  it("refuses a non-https, credentialed or malformed target naming the url", async () => {
    const res = await create("ftp://example.com/hook");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "url" });
  });

  it("delivers signed events that verify, retries a 500, and disables a dead receiver after 3 failures", async () => {
    const ok = (await (await create(`${receiver.url}/fail-once/a`)).json()) as {
      webhook: { id: string };
      secret: string;
    };
    const dead = (await (await create(receiver.deadUrl)).json()) as { webhook: { id: string } };
    // The coordinator's first tick finalizes heights 1..4: one delivery each, per webhook.
    for (let i = 0; i < 40; i++) {
      await tickCoordinators(env);
      const records = (await (await fetch(`${receiver.url}/records`)).json()) as {
        path: string;
        status: number;
      }[];
      const list = (await (await call(hooks, { headers: ADMIN })).json()) as {
        webhooks: { id: string; disabled: boolean }[];
      };
      const delivered = records.filter((r) => r.path === "/fail-once/a" && r.status === 200).length;
      if (delivered >= 4 && list.webhooks.find((w) => w.id === dead.webhook.id)?.disabled) break;
      await new Promise((r) => setTimeout(r, 150));
    }
    const records = (await (await fetch(`${receiver.url}/records`)).json()) as {
      path: string;
      status: number;
      headers: Record<string, string>;
      body: string;
    }[];
    const mine = records.filter((r) => r.path === "/fail-once/a");
    // The first attempt got a 500 and was retried; then every height in order.
    expect(mine[0]?.status).toBe(500);
    const delivered = mine.filter((r) => r.status === 200);
    expect(delivered.map((r) => (JSON.parse(r.body) as { data: { number: number } }).data.number)).toEqual([
      1, 2, 3, 4,
    ]);
    for (const r of delivered) {
      expect(
        await verifyWebhookSignature({
          header: r.headers["finality-edge-signature"] ?? "",
          body: r.body,
          secret: ok.secret,
        }),
      ).toBe(true);
      expect(
        await verifyWebhookSignature({
          header: r.headers["finality-edge-signature"] ?? "",
          body: `${r.body} `,
          secret: ok.secret,
        }),
      ).toBe(false);
    }
    const list = (await (await call(hooks, { headers: ADMIN })).json()) as {
      webhooks: { id: string; disabled: boolean; consecutiveFailures: number }[];
    };
    expect(list.webhooks.find((w) => w.id === dead.webhook.id)).toMatchObject({
      disabled: true,
      consecutiveFailures: 3,
    });
    const deliveries = (await (
      await call(`${hooks}/${ok.webhook.id}/deliveries`, { headers: ADMIN })
    ).json()) as {
      deliveries: { status: string }[];
    };
    expect(deliveries.deliveries.map((d) => d.status)).toEqual([
      "delivered",
      "delivered",
      "delivered",
      "delivered",
    ]);
    expect((await call(`${hooks}/${dead.webhook.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(
      204,
    );
    expect((await call(`${hooks}/${dead.webhook.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(
      404,
    );
  });
});
