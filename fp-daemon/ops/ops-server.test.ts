import { connect } from "node:net";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { MetricsRegistry } from "../../src/metrics/index.ts";
import { createLogger } from "./log.ts";
import {
  isLoopbackHost,
  type OpsServer,
  OpsServerError,
  type OpsServerOptions,
  startOpsServer,
} from "./ops-server.ts";

const lines: string[] = [];
const log = createLogger({ level: "debug", stream: { write: (line: string) => lines.push(line) } });
const started: OpsServer[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
  lines.length = 0;
});

async function start(overrides: Partial<OpsServerOptions> = {}): Promise<OpsServer> {
  const server = await startOpsServer({
    host: "127.0.0.1",
    port: 0,
    metrics: () => "",
    health: () => ({ ok: true, detail: {} }),
    log,
    ...overrides,
  });
  started.push(server);
  return server;
}

async function refusal(promise: Promise<unknown>): Promise<OpsServerError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OpsServerError) return err;
    throw err;
  }
  throw new Error("expected an OpsServerError");
}

describe("GET /metrics", () => {
  it("serves the registry's text with the exposition content type, rendered per request", async () => {
    const registry = new MetricsRegistry();
    let height = 41n;
    registry.gauge({
      name: "fp_last_voted_height",
      help: "Last voted height.",
      labelNames: ["fp"],
      collect: () => [{ labels: { fp: "fp-1" }, value: height }],
    });
    registry.counter({ name: "fp_votes_total", help: "Votes.", labelNames: ["fp"] }).inc({ fp: "fp-1" }, 7);
    const server = await start({ metrics: () => registry.render() });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);

    const first = await fetch(`${server.url}/metrics`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(first.headers.get("cache-control")).toBe("no-store");
    const families = parsePrometheusTextFormat(await first.text());
    expect(families).toEqual([
      {
        name: "fp_last_voted_height",
        help: "Last voted height.",
        type: "GAUGE",
        metrics: [{ labels: { fp: "fp-1" }, value: "41" }],
      },
      {
        name: "fp_votes_total",
        help: "Votes.",
        type: "COUNTER",
        metrics: [{ labels: { fp: "fp-1" }, value: "7" }],
      },
    ]);

    height = 42n;
    const second = parsePrometheusTextFormat(await (await fetch(`${server.url}/metrics?x=1`)).text());
    expect(second[0]?.metrics[0]?.value).toBe("42");
  });

  it("answers 500 (and logs why) when rendering throws", async () => {
    const server = await start({
      metrics: () => {
        throw new Error("collect failed");
      },
    });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(500);
    await res.text();
    const logged = lines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === "rendering metrics failed");
    expect(logged).toMatchObject({ level: "error", err: { name: "Error", message: "collect failed" } });
  });
});

describe("bearer token", () => {
  const token = "s3cret-scrape-token";

  it("needs Authorization: Bearer <token> on /metrics, 401 with WWW-Authenticate otherwise", async () => {
    const server = await start({ bearerToken: token, metrics: () => "# HELP up u\n# TYPE up gauge\nup 1\n" });
    const authorizations: (string | undefined)[] = [
      undefined,
      "Bearer",
      "Bearer wrong",
      `Bearer ${token}x`,
      `Basic ${token}`,
      token,
      `Bearer ${token.slice(0, -1)}`,
    ];
    for (const authorization of authorizations) {
      const res = await fetch(`${server.url}/metrics`, {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await res.text()).not.toContain("up 1");
    }
    for (const authorization of [`Bearer ${token}`, `bearer ${token}`]) {
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("up 1");
    }
    // Supervisors probe health without the scrape token.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // The token itself never reaches the log.
    expect(lines.join("")).not.toContain(token);
  });
});

describe("GET /healthz", () => {
  it("answers 200 {status: ok, …detail} while healthy and 503 {status: unhealthy, …} when not", async () => {
    let report = {
      ok: true,
      detail: { fp: "fp-1", lastVotedHeight: 12n, status: "ignored" } as Record<string, unknown>,
    };
    const server = await start({ health: () => report });

    const healthy = await fetch(`${server.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(healthy.headers.get("content-type")).toBe("application/json");
    expect(await healthy.json()).toEqual({ status: "ok", fp: "fp-1", lastVotedHeight: "12" });

    report = { ok: false, detail: { reason: "babylon unreachable" } };
    const unhealthy = await fetch(`${server.url}/healthz`);
    expect(unhealthy.status).toBe(503);
    expect(await unhealthy.json()).toEqual({ status: "unhealthy", reason: "babylon unreachable" });
  });

  it("reports a throwing health check as unhealthy", async () => {
    const server = await start({
      health: () => {
        throw new Error("store locked");
      },
    });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unhealthy", error: "store locked" });
  });
});

describe("routing", () => {
  it("answers 404 for other paths and 405 with Allow for other methods", async () => {
    const server = await start();
    for (const path of ["/", "/metrics/", "/health", "/healthz/x", "//metrics"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      await res.text();
    }
    for (const method of ["POST", "PUT", "DELETE", "HEAD"]) {
      for (const path of ["/metrics", "/healthz"]) {
        const res = await fetch(`${server.url}${path}`, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow")).toBe("GET");
        await res.text();
      }
    }
  });
});

describe("binding", () => {
  it("fails with ops_port_in_use naming the port when the port is taken, never moving elsewhere", async () => {
    const first = await start();
    const err = await refusal(start({ port: first.port }));
    expect(err).toMatchObject({ code: "ops_port_in_use", port: first.port, host: "127.0.0.1" });
    expect(err.shortMessage).toContain(String(first.port));
    // The first server is unaffected.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  });

  it("frees the port on close(), ending keep-alive connections at once, so it can be bound again", async () => {
    const first = await startOpsServer({
      host: "127.0.0.1",
      port: 0,
      metrics: () => "",
      health: () => ({ ok: true, detail: {} }),
      log,
    });
    // fetch keeps the connection alive in its pool: close() must not wait for the client to drop it.
    const res = await fetch(`${first.url}/healthz`);
    expect(res.headers.get("connection")).not.toBe("close");
    await res.text();
    const before = performance.now();
    await first.close();
    expect(performance.now() - before).toBeLessThan(1_000);
    await first.close(); // idempotent

    const again = await start({ port: first.port });
    expect(again.port).toBe(first.port);
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
  });

  it("does not let a client stuck mid-request hold close() past its grace period", async () => {
    const server = await startOpsServer({
      host: "127.0.0.1",
      port: 0,
      metrics: () => "",
      health: () => ({ ok: true, detail: {} }),
      log,
    });
    const socket = connect(server.port, "127.0.0.1");
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // headers never finished
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const before = performance.now();
    await server.close();
    expect(performance.now() - before).toBeLessThan(5_000);
    await closed;
    socket.destroy();
  });

  it.each(["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", ""])(
    "refuses to bind non-loopback host %j without allowNonLoopback",
    async (host) => {
      const err = await refusal(start({ host }));
      expect(err).toMatchObject({ code: "ops_host_not_loopback", host, field: "host" });
      expect(err.shortMessage).toContain(host);
    },
  );

  it("tells loopback hosts from others", () => {
    for (const host of [
      "127.0.0.1",
      "127.1.2.3",
      "::1",
      "[::1]",
      "localhost",
      "LOCALHOST",
      "::ffff:127.0.0.1",
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      "0.0.0.0",
      "::",
      "::ffff:10.0.0.1",
      "128.0.0.1",
      "localhost.example.com",
      "127.0.0.1.nip.io",
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it("refuses an invalid port or an empty token with invalid_ops_config", async () => {
    for (const port of [-1, 65_536, 1.5, Number.NaN]) {
      expect(await refusal(start({ port }))).toMatchObject({ code: "invalid_ops_config", field: "port" });
    }
    expect(await refusal(start({ bearerToken: "" }))).toMatchObject({
      code: "invalid_ops_config",
      field: "bearerToken",
    });
  });
});
