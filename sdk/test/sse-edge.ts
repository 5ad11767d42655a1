/**
 * A loopback edge for the event-stream tests: a real `node:http` server on 127.0.0.1 (port 0) serving the event
 * stream as the edge's contract says (ids, `Last-Event-ID` / `from` resume, `types`, `resync` past a bounded log,
 * heartbeats) and the JSON routes the waiting calls read (`/status`, block and tx finality). Tests move the
 * finalized tip, drop or stall connections, and read back what each connection asked for and when it closed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { blockHash, decision } from "./fake-fetch.ts";

type Logged = { key: [number, number]; id: string; type: string; data: unknown };

export type StreamConnection = {
  /** What the request asked for. */
  lastEventId: string | undefined;
  query: URLSearchParams;
  /** No more bytes, heartbeats included (the socket stays open). */
  stalled: boolean;
  closed: boolean;
  whenClosed: Promise<void>;
  res: ServerResponse;
};

export type SseEdge = {
  url: string;
  /** The finalized tip (`/status`, and what the block and tx routes answer finalized up to). */
  tip: number | null;
  /** The tx's block; `undefined`: the node does not know the tx (404 `tx_not_found`). */
  txBlock: number | undefined;
  /** `stream`: the route exists; `404` / `html`: an edge without a stream; `503`: the stream is down for now. */
  mode: "stream" | "404" | "html" | "503";
  heartbeatMs: number;
  /** Sent as `retry:` when a stream opens (the real edge sends 3000). */
  retryMs: number | undefined;
  connections: StreamConnection[];
  /** Block heights whose next read fails once with a 503. */
  failOnce: Set<number>;
  /** Requests per route kind. */
  requests: { status: number; blocks: number[]; tx: number; events: number };
  open(): StreamConnection[];
  /** Logs (and sends) `finalized` for every height from tip+1 to `height`, moving the tip. */
  finalize(height: number): void;
  /** Logs (and sends) an equivocation or slashing, id `<tip>:<seq>`. */
  publish(type: "equivocation" | "slashed", data: unknown): string;
  /** Forgets logged events below `height` (the bounded log). */
  prune(height: number): void;
  /** Destroys every open stream's socket. */
  dropAll(): void;
  close(): Promise<void>;
};

export async function startSseEdge(initialTip: number | null = null): Promise<SseEdge> {
  const log: Logged[] = [];
  let seq = 0;
  let oldest = 0;
  const edge = {
    url: "",
    tip: null as number | null,
    txBlock: undefined as number | undefined,
    mode: "stream",
    heartbeatMs: 15_000,
    retryMs: undefined,
    connections: [] as StreamConnection[],
    requests: { status: 0, blocks: [] as number[], tx: 0, events: 0 },
    failOnce: new Set<number>(),
  } as SseEdge;

  const block = (n: number) => ({ number: n, hash: blockHash(n), timestamp: 1_700_000_000 + n });
  const frame = (e: Logged) => `event: ${e.type}\nid: ${e.id}\ndata: ${JSON.stringify(e.data)}\n\n`;
  const after = (e: Logged, k: [number, number]) => e.key[0] > k[0] || (e.key[0] === k[0] && e.key[1] > k[1]);
  const wants = (c: StreamConnection, type: string) => {
    const types = c.query.get("types");
    return types === null || types.split(",").includes(type);
  };
  const append = (entry: Logged) => {
    log.push(entry);
    for (const c of edge.open()) if (!c.stalled && wants(c, entry.type)) c.res.write(frame(entry));
  };

  edge.open = () => edge.connections.filter((c) => !c.closed);
  edge.finalize = (height) => {
    for (let n = (edge.tip ?? 0) + 1; n <= height; n++) {
      edge.tip = n;
      seq++;
      append({ key: [n, -1], id: String(n), type: "finalized", data: block(n) });
    }
  };
  edge.publish = (type, data) => {
    const id = `${edge.tip ?? 0}:${++seq}`;
    append({ key: [edge.tip ?? 0, seq], id, type, data });
    return id;
  };
  edge.prune = (height) => {
    oldest = height;
    while (log.length > 0 && (log[0] as Logged).key[0] < height) log.shift();
  };
  edge.dropAll = () => {
    for (const c of edge.open()) c.res.socket?.destroy();
  };

  function stream(req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    edge.requests.events++;
    if (edge.mode === "404") {
      res.writeHead(404, { "content-type": "application/problem+json" });
      return res.end(
        JSON.stringify({ type: "about:blank", title: "Not found", status: 404, code: "route_not_found" }),
      );
    }
    if (edge.mode === "503") {
      res.writeHead(503, { "content-type": "application/problem+json" });
      return res.end(
        JSON.stringify({ type: "about:blank", title: "x", status: 503, code: "upstream_unavailable" }),
      );
    }
    if (edge.mode === "html") {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end("<html>a captive portal</html>");
    }
    const header = req.headers["last-event-id"];
    let resolveClosed: () => void = () => undefined;
    const connection: StreamConnection = {
      lastEventId: typeof header === "string" ? header : undefined,
      query,
      stalled: false,
      closed: false,
      whenClosed: new Promise<void>((resolve) => {
        resolveClosed = resolve;
      }),
      res,
    };
    edge.connections.push(connection);
    const heartbeat = setInterval(() => {
      if (!connection.stalled) res.write(": keep-alive\n\n");
    }, edge.heartbeatMs);
    res.on("close", () => {
      clearInterval(heartbeat);
      connection.closed = true;
      resolveClosed();
    });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    res.flushHeaders();
    if (edge.retryMs !== undefined) res.write(`retry: ${edge.retryMs}\n\n`);

    // Where to resume: after the id named by Last-Event-ID (either form), else after `from`, else live.
    const id = connection.lastEventId ?? query.get("from") ?? undefined;
    if (id === undefined) return;
    const [height, s] = id.split(":").map(Number) as [number, number | undefined];
    const key: [number, number] = [height, s ?? -1];
    if (height + 1 < oldest) {
      const tip = edge.tip === null ? null : block(edge.tip);
      res.write(`event: resync\ndata: ${JSON.stringify({ oldest, tip })}\n\n`);
      for (const e of log) if (wants(connection, e.type)) res.write(frame(e));
      return;
    }
    for (const e of log) if (after(e, key) && wants(connection, e.type)) res.write(frame(e));
  }

  function json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, {
      "content-type": status < 400 ? "application/json" : "application/problem+json",
    });
    res.end(JSON.stringify(body));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    if (path === "/v1/chains/c/events") return stream(req, res, url.searchParams);
    if (path === "/v1/chains/c/status") {
      edge.requests.status++;
      const tip = edge.tip === null ? null : block(edge.tip);
      return json(res, 200, { chain: "c", l2Head: block((edge.tip ?? 0) + 3), finalizedTip: tip });
    }
    const blockMatch = /^\/v1\/chains\/c\/blocks\/(\d+)\/finality$/.exec(path);
    if (blockMatch) {
      const n = Number(blockMatch[1]);
      edge.requests.blocks.push(n);
      if (edge.failOnce.delete(n))
        return json(res, 503, { type: "about:blank", title: "x", status: 503, code: "upstream_unavailable" });
      return json(res, 200, decision(n, edge.tip !== null && n <= edge.tip ? "finalized" : "pending"));
    }
    if (/^\/v1\/chains\/c\/txs\/0x[0-9a-f]{64}\/finality$/.test(path)) {
      edge.requests.tx++;
      const b = edge.txBlock;
      if (b === undefined)
        return json(res, 404, { type: "about:blank", title: "x", status: 404, code: "tx_not_found" });
      const status = edge.tip !== null && b <= edge.tip ? "finalized" : "pending";
      return json(res, 200, { ...decision(b, status), txHash: path.split("/")[5] });
    }
    json(res, 404, { type: "about:blank", title: "Not found", status: 404, code: "route_not_found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  edge.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (initialTip !== null) edge.finalize(initialTip);

  edge.close = async () => {
    for (const c of edge.connections) c.res.socket?.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return edge;
}
