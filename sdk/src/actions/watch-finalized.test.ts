import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeEdge, fakeEdge } from "../../test/fake-edge.ts";
import { blockHash } from "../../test/fake-fetch.ts";
import type { EventsMode } from "../client.ts";
import type { L2Block } from "../types.ts";

const heights = (blocks: L2Block[]) => blocks.map((b) => b.number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
let stop: (() => void) | undefined;
afterEach(() => stop?.());

function watch(edge: FakeEdge, options: Parameters<FakeEdge["client"]["watchFinalized"]>[1] = {}) {
  const seen: L2Block[] = [];
  const errors: unknown[] = [];
  stop = edge.client.watchFinalized((b) => void seen.push(b), {
    pollIntervalMs: 2,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { seen, errors };
}

// "auto": this fake edge has no event stream, so these run on the polling the client falls back to.
describe.each<EventsMode>(["poll", "auto"])("watchFinalized (events: %s)", (mode) => {
  it("from the current tip: every block once, in order, across tip jumps and repeats", async () => {
    const edge = fakeEdge(mode);
    edge.tip = 10;
    const { seen, errors } = watch(edge);
    await vi.waitFor(() => expect(heights(seen)).toEqual([10]));
    edge.tip = 11;
    await vi.waitFor(() => expect(heights(seen)).toEqual([10, 11]));
    edge.tip = 30; // a jump: 12…29 are read through the block route
    await vi.waitFor(() => expect(heights(seen)).toEqual(range(10, 30)));
    edge.tip = 30;
    await new Promise((r) => setTimeout(r, 20)); // repeats of the same tip emit nothing
    edge.tip = 32;
    await vi.waitFor(() => expect(heights(seen)).toEqual(range(10, 32)));
    expect(seen[5]).toEqual({ number: 15, hash: blockHash(15), timestamp: 1_700_000_015 });
    expect(seen.at(-1)).toEqual({ number: 32, hash: blockHash(32), timestamp: 1_700_000_032 });
    expect(errors).toEqual([]);
  });

  it("from a height below the tip, waiting while there is no tip; a failed read leaves no gap", async () => {
    const edge = fakeEdge(mode);
    edge.failOnce.add(7);
    const { seen, errors } = watch(edge, { fromHeight: 3n });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    edge.tip = 12;
    await vi.waitFor(() => expect(heights(seen)).toEqual(range(3, 12)));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: "UpstreamUnavailableError" });
    const reads = edge.calls
      .filter((c) => c.url.includes("/blocks/"))
      .map((c) => Number(c.url.split("/")[7]));
    expect(reads.filter((h) => h === 7)).toHaveLength(2);
  });

  it("a height above the tip waits for the tip to reach it", async () => {
    const edge = fakeEdge(mode);
    edge.tip = 5;
    const { seen } = watch(edge, { fromHeight: 8 });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    edge.tip = 9;
    await vi.waitFor(() => expect(heights(seen)).toEqual([8, 9]));
  });

  it("awaits an async onBlock; a throwing one is reported and the next block follows", async () => {
    const edge = fakeEdge(mode);
    edge.tip = 4;
    const seen: number[] = [];
    const errors: unknown[] = [];
    let inside = 0;
    stop = edge.client.watchFinalized(
      async (b) => {
        inside++;
        expect(inside).toBe(1);
        await new Promise((r) => setTimeout(r, 1));
        inside--;
        seen.push(b.number);
        if (b.number === 2) throw new Error("handler failed");
      },
      { fromHeight: 1, pollIntervalMs: 2, onError: (e) => errors.push(e) },
    );
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3, 4]));
    expect(errors).toEqual([new Error("handler failed")]);
  });

  it("unwatch (or the signal) stops it: no more requests", async () => {
    const edge = fakeEdge(mode);
    edge.tip = 1;
    const { seen } = watch(edge);
    await vi.waitFor(() => expect(heights(seen)).toEqual([1]));
    stop?.();
    const requests = edge.calls.length;
    edge.tip = 5;
    await new Promise((r) => setTimeout(r, 20));
    expect(edge.calls.length).toBeLessThanOrEqual(requests + 1);
    expect(heights(seen)).toEqual([1]);

    const other = fakeEdge(mode);
    other.tip = 1;
    const controller = new AbortController();
    const { seen: viaSignal } = watch(other, { signal: controller.signal });
    await vi.waitFor(() => expect(heights(viaSignal)).toEqual([1]));
    controller.abort();
    other.tip = 3;
    await new Promise((r) => setTimeout(r, 20));
    expect(heights(viaSignal)).toEqual([1]);
  });
});
