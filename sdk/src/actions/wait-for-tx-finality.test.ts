import { describe, expect, it, vi } from "vitest";
import { fakeEdge } from "../../test/fake-edge.ts";
import { txHash } from "../../test/fake-fetch.ts";
import type { EventsMode } from "../client.ts";
import { AbortedError, InvalidRequestError, NotFoundError, TimeoutError } from "../errors/index.ts";
import type { TxFinality } from "../types.ts";

const hash = txHash(1) as `0x${string}`;

// "auto": this fake edge has no event stream, so these run on the polling the client falls back to.
describe.each<EventsMode>(["poll", "auto"])("waitForTxFinality (events: %s)", (mode) => {
  it("unknown to the node, pending, not canonical, finalized: each reported once, then resolves", async () => {
    const edge = fakeEdge(mode);
    const updates: (string | null)[] = [];
    const done = edge.client.waitForTxFinality(hash, {
      pollIntervalMs: 2,
      onUpdate: (a: TxFinality | null) => updates.push(a?.status ?? null),
    });
    await vi.waitFor(() => expect(updates).toEqual([null]));
    edge.tx = "pending";
    await vi.waitFor(() => expect(updates).toEqual([null, "pending"]));
    edge.tx = { status: 503, code: "upstream_unavailable" }; // transient: waited out
    await new Promise((r) => setTimeout(r, 10));
    edge.tx = "not_canonical";
    await vi.waitFor(() => expect(updates).toEqual([null, "pending", "not_canonical"]));
    edge.tx = "finalized";
    const answer = await done;
    expect(answer).toMatchObject({ finalized: true, status: "finalized", txHash: hash });
    expect(updates).toEqual([null, "pending", "not_canonical", "finalized"]);
    // Polls are conditional: an unchanged answer is asked with its ETag and answered 304.
    const stream = edge.calls.filter((c) => new URL(c.url).pathname === "/v1/chains/c/events");
    expect(stream).toHaveLength(mode === "auto" ? 1 : 0); // asked once, then polling for good
    const others = edge.calls.filter((c) => !stream.includes(c));
    expect(others.every((c) => c.url === `http://e/v1/chains/c/txs/${hash}/finality`)).toBe(true);
    expect(edge.notModified).toBeGreaterThan(0);
    const requests = edge.calls.length;
    await new Promise((r) => setTimeout(r, 10));
    expect(edge.calls.length).toBe(requests);
  });

  it("times out with TimeoutError, and stops polling", async () => {
    const edge = fakeEdge(mode);
    edge.tx = "pending";
    const error = await edge.client
      .waitForTxFinality(hash, { timeoutMs: 30, pollIntervalMs: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "timeout", timeoutMs: 30 });
    const requests = edge.calls.length;
    await new Promise((r) => setTimeout(r, 10));
    expect(edge.calls.length).toBeLessThanOrEqual(requests + 1);
  });

  it("aborts with AbortedError (also when the signal fired before)", async () => {
    const edge = fakeEdge(mode);
    const controller = new AbortController();
    const pending = edge.client.waitForTxFinality(hash, { signal: controller.signal, pollIntervalMs: 2 });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    await expect(edge.client.waitForTxFinality(hash, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      AbortedError,
    );
  });

  it("rejects at once on what waiting cannot fix: an unknown chain, a malformed hash", async () => {
    const edge = fakeEdge(mode);
    edge.tx = { status: 404, code: "unknown_chain" };
    await expect(edge.client.waitForTxFinality(hash, { pollIntervalMs: 2 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(edge.client.waitForTxFinality("0x12" as `0x${string}`)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });
});
