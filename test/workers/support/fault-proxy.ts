/**
 * @module A fault-injecting HTTP proxy in front of the Babylon emulator's RPC (Node side of the workerd suite).
 * Tests switch it through `POST {url}/__fault/{mode}`:
 * - `up`: forwards everything;
 * - `down`: answers every call 503, as a node behind a load balancer that lost it;
 * - `drop-after-broadcast`: forwards until a `broadcast_tx_*` went through, then behaves as `down` — the
 *   transaction reaches the chain but its sender never learns whether it was included.
 * `GET {url}/__fault` answers `{ mode, broadcasts }`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "../../support/read-body.ts";

export type FaultMode = "up" | "down" | "drop-after-broadcast";
export type FaultProxy = { url: string; close(): Promise<void> };

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let mode: FaultMode = "up";
  let broadcasts = 0;
  const server = createServer(async (req, res) => {
    const path = req.url ?? "/";
    if (path.startsWith("/__fault")) {
      const next = path.slice("/__fault/".length);
      if (req.method === "POST" && (next === "up" || next === "down" || next === "drop-after-broadcast")) {
        mode = next;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ mode, broadcasts }));
      return;
    }
    const body = await readBody(req);
    if (mode === "down") {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("fault proxy: upstream down");
      return;
    }
    const isBroadcast = body.toString().includes('"broadcast_tx_');
    try {
      const upstream = await fetch(`${target}${path}`, {
        method: req.method ?? "GET",
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        ...(req.method === "POST" ? { body } : {}),
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (isBroadcast) {
        broadcasts++;
        if (mode === "drop-after-broadcast") mode = "down";
      }
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      res.end(answer);
    } catch {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("fault proxy: upstream unreachable");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
