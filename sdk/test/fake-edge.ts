/** A fake edge for the waiting calls: a finalized tip that tests move, block answers below it, one tx's state. */
import type { EventsMode, FinalityClient } from "../src/client.ts";
import { createFinalityClient } from "../src/client.ts";
import { blockHash, decision, fakeFetch, json, problem, type Recorded } from "./fake-fetch.ts";

export type FakeEdge = {
  client: FinalityClient;
  calls: Recorded[];
  /** The finalized tip `/status` answers (null: none yet). */
  tip: number | null;
  /** What the tx route answers: a 404 (`not_found`), a decision's status, or a problem. */
  tx: "not_found" | "pending" | "not_canonical" | "finalized" | { status: number; code: string };
  /** Block heights whose next read fails once with a 503. */
  failOnce: Set<number>;
  /** Conditional requests answered 304. */
  notModified: number;
};

/**
 * `events`: the client's mode. This edge has no event stream (404 `route_not_found`), so `"auto"` falls back to
 * polling after one `/events` request.
 */
export function fakeEdge(events: EventsMode = "poll"): FakeEdge {
  const edge = {
    tip: null,
    tx: "not_found",
    failOnce: new Set<number>(),
    notModified: 0,
  } as Omit<FakeEdge, "client" | "calls"> as FakeEdge;
  const { fetch, calls } = fakeFetch((r) => answer(edge, r));
  edge.calls = calls;
  edge.client = createFinalityClient({ url: "http://e", chain: "c", fetch, retry: { attempts: 1 }, events });
  return edge;
}

function answer(edge: FakeEdge, r: Recorded): Response {
  const path = new URL(r.url).pathname;
  if (path.endsWith("/status")) {
    const tip =
      edge.tip === null
        ? null
        : { number: edge.tip, hash: blockHash(edge.tip), timestamp: 1_700_000_000 + edge.tip };
    return json(200, {
      chain: "c",
      l2Head: { number: (edge.tip ?? 0) + 3, hash: blockHash(0), timestamp: 1 },
      finalizedTip: tip,
    });
  }
  const block = /\/blocks\/(\d+)\/finality$/.exec(path);
  if (block) {
    const n = Number(block[1]);
    if (edge.failOnce.delete(n))
      return problem(503, "upstream_unavailable", { headers: { "retry-after": "0" } });
    return json(200, decision(n, edge.tip !== null && n <= edge.tip ? "finalized" : "pending"));
  }
  if (/\/txs\/0x[0-9a-f]{64}\/finality$/.test(path)) {
    const state = edge.tx;
    if (state === "not_found") return problem(404, "tx_not_found", { field: "txHash" });
    if (typeof state === "object") return problem(state.status, state.code);
    const etag = `"tx-${state}"`;
    if (r.headers["if-none-match"] === etag) {
      edge.notModified++;
      return json(304, null, { etag });
    }
    return json(200, { ...decision(40, state), txHash: path.split("/")[5] }, { etag });
  }
  return problem(404, "route_not_found");
}
