// The event-stream transport against a real loopback SSE server (sdk/test/sse-edge.ts): resuming across
// disconnects, resync, fallback to polling, stall detection, O(1) requests while waiting, and one shared
// connection that closes with its last subscriber. Reconnect delays and the stall timeout are made small.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type SseEdge, startSseEdge } from "../../test/sse-edge.ts";
import type { ClientContext } from "../actions/context.ts";
import { waitForTxFinality } from "../actions/wait-for-tx-finality.ts";
import { watchFinalized } from "../actions/watch-finalized.ts";
import { createFinalityClient } from "../client.ts";
import { InvalidResponseError, NotFoundError, TimeoutError } from "../errors/index.ts";
import { createTransport } from "../transport/create-transport.ts";
import type { L2Block } from "../types.ts";
import type { EdgeEvent } from "./edge-events.ts";
import { createPollingEvents } from "./polling.ts";
import { createStreamEvents, type StreamEventsOptions } from "./stream.ts";

const TX = `0x${"cd".repeat(32)}` as const;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const heights = (blocks: L2Block[]) => blocks.map((b) => b.number);
const until = (check: () => void, timeout = 3_000) => vi.waitFor(check, { timeout, interval: 5 });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `promise`, or a failure after `ms`: a close or a wait that should happen soon must not pass by a later timeout. */
const soon = <T>(promise: Promise<T> | undefined, ms = 1_000) =>
  Promise.race([promise, pause(ms).then(() => Promise.reject(new Error(`not within ${ms} ms`)))]);

let edge: SseEdge | undefined;
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await edge?.close();
  edge = undefined;
});

async function setUp(tip: number | null, options: StreamEventsOptions = {}) {
  const e = await startSseEdge(tip);
  edge = e;
  const ctx: ClientContext = {
    transport: createTransport({ url: e.url, retry: { attempts: 1 } }),
    chain: "c",
  };
  const events = createStreamEvents(ctx, {
    fallback: createPollingEvents(ctx),
    initialReconnectDelayMs: 5,
    maxReconnectDelayMs: 40,
    // Longer than any wait below, so only the stall test's connections are ever replaced for silence.
    stallTimeoutMs: 20_000,
    ...options,
  });
  return { edge: e, ctx, events };
}

/** `pollIntervalMs` is long by default: polling while the stream is down would hide what the stream did. */
function watch(
  ctx: ClientContext,
  events: ReturnType<typeof createStreamEvents>,
  fromHeight?: number,
  pollIntervalMs = 5_000,
) {
  const seen: L2Block[] = [];
  const errors: unknown[] = [];
  stops.push(
    watchFinalized(ctx, events, (b) => void seen.push(b), {
      fromHeight,
      pollIntervalMs,
      onError: (e) => errors.push(e),
    }),
  );
  return { seen, errors };
}

describe("watchFinalized over the stream", () => {
  it("delivers every height in order across a forced disconnect, resuming with Last-Event-ID", async () => {
    const { edge, ctx, events } = await setUp(10);
    const { seen, errors } = watch(ctx, events);
    await until(() => expect(heights(seen)).toEqual([10]));
    await until(() => expect(edge.open()).toHaveLength(1));
    edge.finalize(13);
    await until(() => expect(heights(seen)).toEqual(range(10, 13)));
    edge.dropAll();
    edge.finalize(16); // while the client is away: logged, not sent
    await until(() => expect(edge.open()).toHaveLength(1));
    edge.finalize(20);
    await until(() => expect(heights(seen)).toEqual(range(10, 20)));
    expect(edge.connections).toHaveLength(2);
    expect(edge.connections[1]?.lastEventId).toBe("13");
    // Every block came with its event: the block route was never read.
    expect(edge.requests.blocks).toEqual([]);
    expect(seen.at(-1)).toEqual({ number: 20, hash: expect.stringMatching(/^0x/), timestamp: 1_700_000_020 });
    // The drop was reported as the edge being unreachable (retryable), and watching went on.
    expect(errors.every((e) => (e as Error).name === "NetworkError")).toBe(true);
  });

  it("from a height in the stream's log: replayed from there, no /status, no block reads", async () => {
    const { edge, ctx, events } = await setUp(10);
    const { seen } = watch(ctx, events, 3);
    await until(() => expect(heights(seen)).toEqual(range(3, 10)));
    edge.finalize(12);
    await until(() => expect(heights(seen)).toEqual(range(3, 12)));
    expect(edge.connections[0]?.query.get("from")).toBe("2");
    expect(edge.requests).toMatchObject({ status: 0, blocks: [] });
  });

  it("resync: the block route fills exactly the gap, the stream the rest; watchEvents is told", async () => {
    const { edge, ctx, events } = await setUp(10);
    edge.prune(6); // the log keeps 6…10
    const { seen } = watch(ctx, events, 2);
    const raw: EdgeEvent[] = [];
    stops.push(events.watchEvents((e) => void raw.push(e), { fromHeight: 2 }));
    await until(() => expect(heights(seen)).toEqual(range(2, 10)));
    expect(edge.requests.blocks.sort((a, b) => a - b)).toEqual([2, 3, 4, 5]);
    await until(() => expect(raw.map((e) => e.type)).toEqual(["resync", ...Array(5).fill("finalized")]));
    expect(raw[0]).toEqual({
      type: "resync",
      data: { oldest: 6, tip: { number: 10, hash: expect.any(String), timestamp: 1_700_000_010 } },
    });
    expect(edge.connections).toHaveLength(1); // both subscriptions on one connection
  });
});

describe("watchFinalized over the stream: gaps", () => {
  it("a resync with nothing left to replay hands over its tip; a failed catch-up read is retried", async () => {
    const { edge, ctx, events } = await setUp(10);
    edge.prune(11); // the log has nothing: the resync's tip is all there is
    edge.failOnce.add(5);
    const { seen, errors } = watch(ctx, events, 3, 20);
    await until(() => expect(heights(seen)).toEqual(range(3, 10)));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: "UpstreamUnavailableError" });
    expect(edge.requests.blocks.filter((h) => h === 5)).toHaveLength(2);
  });
});

describe("waitForTxFinality over the stream", () => {
  it("resolves from the finalized event of the tx's block with O(1) tx requests", async () => {
    const { edge, events } = await setUp(10);
    edge.txBlock = 15;
    const updates: string[] = [];
    const done = waitForTxFinality(events, TX, {
      timeoutMs: 3_000,
      pollIntervalMs: 10, // polling would ask ~40 times below; the stream asks twice
      onUpdate: (a) => updates.push(a?.status ?? "unknown"),
    });
    await until(() => expect(updates).toEqual(["pending"]));
    await until(() => expect(edge.open()).toHaveLength(1));
    for (let n = 11; n <= 16; n++) {
      await pause(60);
      edge.finalize(n);
    }
    await expect(done).resolves.toMatchObject({ finalized: true, block: { number: 15 } });
    expect(updates).toEqual(["pending", "finalized"]);
    expect(edge.requests.tx).toBe(2);
    expect(edge.connections[0]?.query.get("types")).toBe("finalized");
    // Resolved: its subscription left, so the connection closed.
    await soon(edge.connections[0]?.whenClosed);
  });

  it("a tx the node does not know yet is asked at most once per pollIntervalMs", async () => {
    const { edge, events } = await setUp(10);
    const done = waitForTxFinality(events, TX, { pollIntervalMs: 150, timeoutMs: 3_000 });
    await until(() => expect(edge.requests.tx).toBe(1));
    await until(() => expect(edge.open()).toHaveLength(1));
    for (let n = 11; n <= 30; n++) edge.finalize(n); // 20 events at once: at most one more ask
    await pause(50);
    expect(edge.requests.tx).toBeLessThanOrEqual(2);
    edge.txBlock = 31;
    await pause(160);
    edge.finalize(31); // known now (asked on an event after the interval), then finalized by this one
    await expect(done).resolves.toMatchObject({ finalized: true });
    expect(edge.requests.tx).toBeLessThanOrEqual(5);
  });

  it("after a disconnect longer than the stream's log, a resync makes it ask again", async () => {
    const { edge, events } = await setUp(10);
    edge.txBlock = 12;
    const done = waitForTxFinality(events, TX, { timeoutMs: 3_000 });
    await until(() => expect(edge.requests.tx).toBe(1));
    await until(() => expect(edge.open()).toHaveLength(1));
    edge.finalize(11);
    await pause(20);
    // While the client is away the tip passes the tx's block and the edge's log forgets everything: the resync
    // is followed by no event at all, so only the resync itself can make it ask.
    edge.dropAll();
    edge.finalize(20);
    edge.prune(21);
    await expect(done).resolves.toMatchObject({ finalized: true });
    expect(edge.connections[1]?.lastEventId).toBe("11");
    expect(edge.requests.tx).toBe(2);
  });
});

describe("while the stream is down", () => {
  it("the waits poll (after pollIntervalMs); once it is back they stop and the stream resumes", async () => {
    const { edge, ctx, events } = await setUp(10);
    edge.mode = "503";
    edge.txBlock = 12;
    const done = waitForTxFinality(events, TX, { pollIntervalMs: 30, timeoutMs: 3_000 });
    const { seen } = watch(ctx, events, undefined, 30);
    await until(() => expect(edge.requests.events).toBeGreaterThanOrEqual(2)); // reconnecting
    edge.finalize(12); // sent to nobody: only polling can see it
    await expect(done).resolves.toMatchObject({ finalized: true });
    await until(() => expect(heights(seen)).toEqual(range(10, 12)));
    edge.mode = "stream";
    await until(() => expect(edge.open()).toHaveLength(1));
    await pause(30);
    const polled = edge.requests.status;
    await pause(150); // five poll intervals
    expect(edge.requests.status).toBe(polled);
    edge.finalize(14);
    await until(() => expect(heights(seen)).toEqual(range(10, 14)));
    expect(edge.open()[0]?.query.get("from")).toBe("10"); // resumed from the tip it knew, 11–12 not repeated
    expect(edge.requests.blocks).toEqual([11]); // polling's catch-up below the tip it saw; 13–14 came as events
  });
});

describe("while the stream is down: a routine reconnect", () => {
  it("waiting out the edge's retry: costs no polling", async () => {
    const { edge, ctx, events } = await setUp(10);
    edge.retryMs = 200; // the reconnect waits 200 ms, longer than pollIntervalMs
    const { seen } = watch(ctx, events, undefined, 150);
    await until(() => expect(heights(seen)).toEqual([10]));
    await until(() => expect(edge.open()).toHaveLength(1));
    await pause(20);
    const status = edge.requests.status;
    edge.dropAll();
    edge.finalize(12);
    await until(() => expect(heights(seen)).toEqual(range(10, 12)));
    expect(edge.connections).toHaveLength(2);
    expect(edge.requests.status).toBe(status);
    expect(edge.requests.blocks).toEqual([]);
  });
});

describe("connection", () => {
  it("one connection for every subscription; closed when the last one leaves", async () => {
    const { edge, ctx, events } = await setUp(5);
    const a = watchFinalized(ctx, events, () => undefined);
    const waiting = new AbortController();
    const b = waitForTxFinality(events, TX, { signal: waiting.signal }).catch((e: unknown) => e);
    const c = events.watchEvents(() => undefined);
    await until(() => expect(edge.open()).toHaveLength(1));
    const d = events.watchEvents(() => undefined, { types: ["slashed"] }); // carried already: no new request
    await pause(30);
    a();
    c();
    d();
    await pause(30);
    expect(edge.connections).toHaveLength(1);
    expect(edge.open()).toHaveLength(1); // the wait still holds it
    waiting.abort();
    await soon(edge.connections[0]?.whenClosed); // the server saw the socket close
    expect(await b).toMatchObject({ name: "AbortedError" });
    // A new subscription opens a new connection.
    stops.push(events.watchEvents(() => undefined));
    await until(() => expect(edge.open()).toHaveLength(1));
    expect(edge.connections).toHaveLength(2);
  });

  it("a subscriber wanting older events reconnects from there; the others see no repeats", async () => {
    const { edge, events } = await setUp(10);
    const live: number[] = [];
    stops.push(events.watchEvents((e) => void (e.type === "finalized" && live.push(e.data.number))));
    await until(() => expect(edge.open()).toHaveLength(1));
    edge.finalize(12);
    await until(() => expect(live).toEqual([11, 12]));
    const history: number[] = [];
    stops.push(
      events.watchEvents((e) => void (e.type === "finalized" && history.push(e.data.number)), {
        fromHeight: 4,
      }),
    );
    await until(() => expect(history).toEqual(range(4, 12)));
    edge.finalize(13);
    await until(() => expect(history).toEqual(range(4, 13)));
    await until(() => expect(live).toEqual([11, 12, 13]));
    expect(edge.connections).toHaveLength(2);
    expect(edge.connections[1]?.query.get("from")).toBe("3");
  });

  it("a stalled connection (no bytes, not even heartbeats) is replaced, resuming where it stood", async () => {
    const { edge, events } = await setUp(10, { stallTimeoutMs: 150 });
    edge.heartbeatMs = 30;
    const seen: number[] = [];
    const errors: unknown[] = [];
    stops.push(
      events.watchEvents((e) => void (e.type === "finalized" && seen.push(e.data.number)), {
        onError: (e) => errors.push(e),
      }),
    );
    await until(() => expect(edge.open()).toHaveLength(1));
    edge.finalize(11);
    await pause(400); // heartbeats alone keep it: no reconnect
    expect(edge.connections).toHaveLength(1);
    const first = edge.connections[0];
    if (first) first.stalled = true; // the socket stays open, nothing more arrives
    edge.finalize(12); // not sent on the stalled connection
    await until(() => expect(edge.open()).toHaveLength(1));
    await until(() => expect(seen).toEqual([11, 12]));
    expect(first?.closed).toBe(true); // the client closed the dead one
    expect(edge.connections[1]?.lastEventId).toBe("11");
    expect(errors[0]).toBeInstanceOf(TimeoutError);
  });

  it("typed equivocation and slashed events; a types filter is asked of the edge", async () => {
    const { edge, events } = await setUp(7);
    const slashes: EdgeEvent[] = [];
    const all: EdgeEvent[] = [];
    stops.push(events.watchEvents((e) => void slashes.push(e), { types: ["slashed"] }));
    stops.push(events.watchEvents((e) => void all.push(e)));
    await until(() => expect(edge.open()).toHaveLength(1));
    expect(edge.connections[0]?.query.get("types")).toBeNull(); // the union: every type
    const fp = "ab".repeat(32);
    const eqId = edge.publish("equivocation", {
      fpBtcPkHex: fp,
      height: 6,
      source: "edge",
      submissionId: "v_1",
    });
    edge.finalize(8);
    const slId = edge.publish("slashed", { fpBtcPkHex: fp, babylonHeight: 100, btcHeight: null });
    await until(() => expect(all).toHaveLength(3));
    expect(all[0]).toEqual({
      type: "equivocation",
      id: eqId,
      data: { fpBtcPkHex: fp, height: 6, source: "edge", submissionId: "v_1" },
    });
    expect(all[1]).toMatchObject({ type: "finalized", id: "8", data: { number: 8 } });
    expect(slashes).toEqual([
      { type: "slashed", id: slId, data: { fpBtcPkHex: fp, babylonHeight: 100, btcHeight: null } },
    ]);
    expect(eqId).toBe("7:8");
  });
});

describe("an edge without a stream", () => {
  for (const mode of ["404", "html"] as const) {
    it(`${mode === "404" ? "404" : "200 text/html"}: the client polls for good, asking for the stream once`, async () => {
      const e = await startSseEdge(5);
      edge = e;
      e.mode = mode;
      e.txBlock = 7;
      const client = createFinalityClient({ url: e.url, chain: "c" });
      const seen: L2Block[] = [];
      stops.push(client.watchFinalized((b) => void seen.push(b), { pollIntervalMs: 10 }));
      const done = client.waitForTxFinality(TX, { pollIntervalMs: 10, timeoutMs: 3_000 });
      const errors: unknown[] = [];
      stops.push(client.watchEvents(() => undefined, { onError: (x) => errors.push(x) }));
      await until(() => expect(heights(seen)).toEqual([5]));
      e.finalize(8);
      await expect(done).resolves.toMatchObject({ finalized: true });
      await until(() => expect(heights(seen)).toEqual(range(5, 8)));
      // Later subscriptions go straight to polling.
      await client.waitForTxFinality(TX, { pollIntervalMs: 10, timeoutMs: 3_000 });
      expect(e.requests.events).toBe(1);
      expect(e.requests.status).toBeGreaterThan(1); // polled
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(mode === "404" ? NotFoundError : InvalidResponseError);
    });
  }

  it('events: "stream" reports it instead (waiting rejects), "poll" never asks for it', async () => {
    const e = await startSseEdge(5);
    edge = e;
    e.mode = "404";
    e.txBlock = 9;
    const streamOnly = createFinalityClient({ url: e.url, chain: "c", events: "stream" });
    await expect(streamOnly.waitForTxFinality(TX, { timeoutMs: 3_000 })).rejects.toMatchObject({
      code: "route_not_found",
    });
    const polls = createFinalityClient({ url: e.url, chain: "c", events: "poll" });
    const asked = e.requests.events;
    await expect(polls.waitForTxFinality(TX, { timeoutMs: 50, pollIntervalMs: 10 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(e.requests.events).toBe(asked);
    expect(() => polls.watchEvents(() => undefined)).toThrow(/watchEvents needs the event stream/);
  });
});

describe("the client's events option", () => {
  it('in a Cloudflare Worker "auto" polls (a stream would die with its request); watchEvents still streams', async () => {
    const e = await startSseEdge(5);
    edge = e;
    e.txBlock = 5;
    vi.stubGlobal("navigator", { userAgent: "Cloudflare-Workers" });
    try {
      const client = createFinalityClient({ url: e.url, chain: "c" });
      await expect(client.waitForTxFinality(TX, { timeoutMs: 3_000 })).resolves.toMatchObject({
        finalized: true,
      });
      expect(e.requests.events).toBe(0);
      stops.push(client.watchEvents(() => undefined));
      await until(() => expect(e.open()).toHaveLength(1));
      const forced = createFinalityClient({ url: e.url, chain: "c", events: "stream" });
      await expect(forced.waitForTxFinality(TX, { timeoutMs: 3_000 })).resolves.toMatchObject({
        finalized: true,
      });
      expect(e.requests.events).toBe(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("refuses an unknown mode", () => {
    expect(() => createFinalityClient({ url: "http://e", chain: "c", events: "push" as never })).toThrow(
      /events must be "auto", "stream" or "poll"/,
    );
  });
});
