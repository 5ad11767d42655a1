/**
 * @module The daemon's operations endpoint: `GET /metrics` for Prometheus and `GET /healthz` for whatever
 * supervises the process. Loopback by default; an optional bearer token guards the metrics.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import { BaseError, type BaseErrorOptions } from "../../src/errors/base.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../../src/metrics/index.ts";
import { type Logger, sanitize } from "./log.ts";

export type HealthReport = { ok: boolean; detail: Record<string, unknown> };

export type OpsServerOptions = {
  host: string;
  /** 0 picks a free port (the one chosen is reported back); any other port is that port or an error. */
  port: number;
  /** The scrape answer, rendered per request. */
  metrics: () => string;
  health: () => HealthReport;
  /** When set, `/metrics` needs `Authorization: Bearer <token>`. `/healthz` stays open for supervisors. */
  bearerToken?: string;
  /** Binding beyond loopback exposes the endpoint to the network: only on explicit request. */
  allowNonLoopback?: boolean;
  log: Logger;
};

export type OpsServer = {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, ends idle keep-alive connections (and, after a short grace, any left); resolves once the port is free. */
  close(): Promise<void>;
};

export type OpsServerErrorCode =
  | "ops_host_not_loopback"
  | "ops_port_in_use"
  | "ops_listen_failed"
  /** A port outside 0–65535 or an empty bearer token. */
  | "invalid_ops_config";

export class OpsServerError extends BaseError {
  override name = "OpsServerError";
  declare readonly code: OpsServerErrorCode;
  readonly host: string;
  readonly port: number;

  constructor(
    code: OpsServerErrorCode,
    host: string,
    port: number,
    shortMessage: string,
    options: BaseErrorOptions,
  ) {
    super(code, shortMessage, options);
    this.host = host;
    this.port = port;
  }
}

/** How long close() lets an in-flight request finish before cutting its connection. */
const CLOSE_GRACE_MS = 2_000;

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { host, port, log } = options;
  if (!options.allowNonLoopback && !isLoopbackHost(host)) {
    throw new OpsServerError(
      "ops_host_not_loopback",
      host,
      port,
      `Refusing to serve ops on non-loopback host ${host}`,
      {
        field: "host",
        details: `${host} is reachable beyond this machine; pass allowNonLoopback: true to bind it anyway.`,
      },
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new OpsServerError("invalid_ops_config", host, port, `Invalid ops port ${port}`, {
      field: "port",
      details: "A port is an integer from 0 (pick a free one) to 65535.",
    });
  }
  if (options.bearerToken === "") {
    throw new OpsServerError("invalid_ops_config", host, port, "Empty ops bearer token", {
      field: "bearerToken",
      details: "Leave bearerToken out to serve /metrics without a token.",
    });
  }

  const checkToken = options.bearerToken === undefined ? undefined : bearerChecker(options.bearerToken);
  const server = createServer((req, res) => handle(req, res, options, checkToken));
  // An ops endpoint has nothing slow to receive: do not let a half-open client hold a socket for minutes.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;

  const bound = await listen(server, host, port);
  const url = `http://${bound.family === "IPv6" ? `[${bound.address}]` : bound.address}:${bound.port}`;
  log.info("ops server listening", { url, metricsAuth: checkToken ? "bearer" : "none" });

  let closing: Promise<void> | undefined;
  return {
    url,
    port: bound.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const cutOff = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(cutOff);
          resolve();
        });
        server.closeIdleConnections();
      }).then(() => log.info("ops server closed", { url }));
      return closing;
    },
  };
}

/** Binds exactly `port`; EADDRINUSE and other failures become typed errors instead of a silent other port. */
function listen(
  server: Server,
  host: string,
  port: number,
): Promise<{ address: string; family: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") {
        reject(
          new OpsServerError("ops_port_in_use", host, port, `Ops port ${port} on ${host} is already in use`, {
            field: "port",
            details:
              "Another process (or another FP daemon) holds it; choose another port or stop that process.",
            cause: err,
          }),
        );
      } else {
        reject(
          new OpsServerError("ops_listen_failed", host, port, `Cannot serve ops on ${host}:${port}`, {
            details: err.message,
            cause: err,
          }),
        );
      }
    };
    const onListening = () => {
      server.off("error", onError);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new OpsServerError("ops_listen_failed", host, port, "Ops server bound no TCP address", {}));
        return;
      }
      resolve(address);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    // exclusive: in a cluster worker, never share a port another worker holds.
    server.listen({ host, port, exclusive: true });
  });
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and the name localhost; any other name could resolve anywhere. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === "localhost") return true;
  const version = isIP(bare);
  if (version === 4) return bare.split(".")[0] === "127";
  if (version === 6) {
    const lower = bare.toLowerCase();
    if (lower === "::1" || lower === "0:0:0:0:0:0:0:1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped?.[1] !== undefined && isLoopbackHost(mapped[1]);
  }
  return false;
}

/** Compares SHA-256 digests in constant time: equal lengths whatever the client sends, no early exit. */
function bearerChecker(token: string): (authorization: string | undefined) => boolean {
  const expected = createHash("sha256").update(token).digest();
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? "");
    const given = createHash("sha256")
      .update(match?.[1] ?? "")
      .digest();
    return timingSafeEqual(given, expected) && match !== null;
  };
}

type Reply = { status: number; contentType: string; body: string; headers?: Record<string, string> };
type TokenCheck = (authorization: string | undefined) => boolean;

const TEXT = "text/plain; charset=utf-8";

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: OpsServerOptions,
  checkToken?: TokenCheck,
): void {
  const path = (req.url ?? "/").split("?")[0];
  const started = performance.now();
  res.on("finish", () =>
    options.log.debug("ops request", {
      method: req.method,
      path,
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
    }),
  );
  send(res, route(req, path, options, checkToken));
}

function route(
  req: IncomingMessage,
  path: string | undefined,
  options: OpsServerOptions,
  checkToken?: TokenCheck,
): Reply {
  if (path !== "/metrics" && path !== "/healthz")
    return { status: 404, contentType: TEXT, body: "not found\n" };
  if (req.method !== "GET") {
    return { status: 405, contentType: TEXT, body: "method not allowed\n", headers: { Allow: "GET" } };
  }
  if (path === "/healthz") return healthReply(options);
  if (checkToken && !checkToken(req.headers.authorization)) {
    return {
      status: 401,
      contentType: TEXT,
      body: "unauthorized\n",
      headers: { "WWW-Authenticate": "Bearer" },
    };
  }
  return metricsReply(options);
}

function metricsReply(options: OpsServerOptions): Reply {
  try {
    return { status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: options.metrics() };
  } catch (err) {
    options.log.error("rendering metrics failed", { err });
    return { status: 500, contentType: TEXT, body: "metrics unavailable\n" };
  }
}

function healthReply(options: OpsServerOptions): Reply {
  let report: HealthReport;
  try {
    report = options.health();
  } catch (err) {
    options.log.error("health check failed", { err });
    report = { ok: false, detail: { error: err instanceof Error ? err.message : String(err) } };
  }
  const status = report.ok === true ? "ok" : "unhealthy";
  // status first and authoritative; the detail is written as the logger writes fields (bigint as decimal
  // text, no raw bytes, secret-named fields redacted, cycles cut), so it always serializes.
  const detail = sanitize(report.detail);
  const fields = detail !== null && typeof detail === "object" && !Array.isArray(detail) ? detail : {};
  const body: Record<string, unknown> = { status, ...fields };
  body.status = status;
  return {
    status: status === "ok" ? 200 : 503,
    contentType: "application/json",
    body: `${JSON.stringify(body)}\n`,
  };
}

function send(res: ServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.setHeader("Content-Type", reply.contentType);
  res.setHeader("Content-Length", Buffer.byteLength(reply.body));
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(reply.body);
}
