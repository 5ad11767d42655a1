/**
 * A loopback webhook receiver for the workerd tests (Node side, started by global-setup.ts): `POST /ok` answers
 * 200, `POST /fail-once` answers 500 the first time and 200 after; every request is recorded with its headers and
 * body, and `GET /records` returns them. `deadUrl` is a port nobody listens on.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

type Received = { path: string; headers: Record<string, string>; body: string; status: number };

export async function startWebhookReceiver() {
  const records: Received[] = [];
  const failedOnce = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      if (req.method === "GET" && path === "/records") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(records));
        return;
      }
      let status = 200;
      if (path.startsWith("/fail-once") && !failedOnce.has(path)) {
        failedOnce.add(path);
        status = 500;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      records.push({ path, headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port that was free a moment ago and is closed again: connections to it are refused.
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
  const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/hook`;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  return { url, deadUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
