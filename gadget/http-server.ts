/**
 * @module The gadget's HTTP routes, with the reference's paths and JSON field names: `GET /v1/transaction?hash=`,
 * `GET /v1/chainSyncStatus`, `GET /health` (checks the edge: 503 when it cannot answer), `GET /metrics`. Errors are
 * `application/problem+json` naming the code (and the field); CORS is open like the reference's (read-only data).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GadgetError } from "../src/gadget/errors.ts";
import type { Gadget } from "../src/gadget/gadget.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../src/metrics/index.ts";
import { httpStatusOf } from "./status-codes.ts";

export type GadgetHttpOptions = {
  host: string;
  port: number;
  gadget: Gadget;
  metrics: () => string;
  /** Counts each answer (route, HTTP status) for /metrics. */
  onAnswer?: (route: string, status: number) => void;
};

export type GadgetHttpServer = { url: string; port: number; close(): Promise<void> };

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, OPTIONS",
  "access-control-allow-headers": "Content-Type, Authorization",
};

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...CORS, ...extra });
  res.end(body);
}

function problem(res: ServerResponse, error: unknown): number {
  const e =
    error instanceof GadgetError ? error : new GadgetError("internal", "internal error", { cause: error });
  const status = httpStatusOf(e.code);
  send(
    res,
    status,
    "application/problem+json",
    JSON.stringify({
      type: "about:blank",
      title: e.shortMessage,
      status,
      code: e.code,
      ...(e.details ? { detail: e.details } : {}),
      ...(e.field ? { field: e.field } : {}),
    }),
    // The edge could not answer (or answered garbage): worth asking again shortly.
    status === 502 || status === 503 ? { "retry-after": "1" } : {},
  );
  return status;
}

export async function startGadgetHttpServer(options: GadgetHttpOptions): Promise<GadgetHttpServer> {
  const { gadget } = options;
  const routes: Record<string, (url: URL) => Promise<{ type: string; body: string }>> = {
    "/v1/transaction": async (url) => {
      const info = await gadget.transaction(url.searchParams.get("hash") ?? "");
      return { type: "application/json", body: JSON.stringify(info) };
    },
    "/v1/chainSyncStatus": async () => ({
      type: "application/json",
      body: JSON.stringify(await gadget.chainSyncStatus()),
    }),
    "/health": async () => {
      // Unlike the reference's constant 200: healthy only while the edge answers.
      await gadget.chainSyncStatus().catch((error: unknown) => {
        if (!(error instanceof GadgetError && error.code === "not_found")) throw error;
      });
      return { type: "text/plain; charset=utf-8", body: "Finality gadget is healthy" };
    },
    "/metrics": async () => ({ type: PROMETHEUS_CONTENT_TYPE, body: options.metrics() }),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://gadget.invalid");
    const route = routes[url.pathname];
    let status: number;
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS);
      res.end();
      status = 204;
    } else if (!route) {
      status = problem(res, new GadgetError("not_found", `no route ${url.pathname}`, { field: "path" }));
    } else if (req.method !== "GET") {
      res.setHeader("allow", "GET, OPTIONS");
      send(
        res,
        405,
        "application/problem+json",
        JSON.stringify({
          type: "about:blank",
          title: "Method not allowed",
          status: 405,
          code: "method_not_allowed",
        }),
      );
      status = 405;
    } else {
      try {
        const answer = await route(url);
        send(res, 200, answer.type, answer.body);
        status = 200;
      } catch (error) {
        status = problem(res, error);
      }
    }
    options.onAnswer?.(route ? url.pathname : "other", status);
  };

  const server = createServer((req, res) => void handle(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
