/**
 * @module A loopback HTTP proxy that holds every request for `delayMs` before forwarding it: an upstream slow
 * enough that a client can give up while the Worker's subrequest to it is still in flight. `GET /__stats` answers
 * `{ requests, abandoned }`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./read-body.ts";

export type DelayProxy = {
  url: string;
  requests(): number;
  /** Requests whose caller went away before the answer was sent (a cancelled subrequest). */
  abandoned(): number;
  close(): Promise<void>;
};

export async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  let count = 0;
  let abandoned = 0;
  const server = createServer(async (req, res) => {
    if (req.url === "/__stats") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ requests: count, abandoned }));
      return;
    }
    count++;
    res.on("close", () => {
      if (!res.writableFinished) abandoned++;
    });
    const body = await readBody(req).catch(() => Buffer.alloc(0));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      const upstream = await fetch(`${target}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers: { "content-type": req.headers["content-type"] ?? "application/json" },
        ...(req.method === "POST" ? { body } : {}),
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      res.end(answer);
    } catch {
      // The Worker cancelled its subrequest (its client went away): nobody is listening any more.
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    abandoned: () => abandoned,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
