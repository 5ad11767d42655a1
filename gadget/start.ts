/**
 * @module Runs the gadget adapter for one chain: the gRPC service op-node dials (h2c, `babylon_finality_gadget_rpc`)
 * and the HTTP routes, both answered from the edge through the SDK's client. Stops gracefully: in-flight calls
 * finish (bounded), then the ports are freed.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { createFinalityClient } from "../sdk/src/index.ts";
import { createGadget, type Gadget } from "../src/gadget/gadget.ts";
import { createL2Client, getBlockRef } from "../src/l2/index.ts";
import { MetricsRegistry } from "../src/metrics/index.ts";
import { createGadgetRpc } from "./grpc-handlers.ts";
import { startGadgetHttpServer } from "./http-server.ts";

export type AdapterOptions = {
  edgeUrl: string;
  chain: string;
  /** `host:port` for gRPC (op-node's `babylon_finality_gadget_rpc`). */
  grpc: string;
  /** `host:port` for HTTP. */
  http: string;
  /** The L2 node, only for the `safe` status of `/v1/transaction` (optional). */
  l2RpcUrl?: string | undefined;
  /** Per request to the edge (default 15 000 ms: a first-time range of many blocks takes the edge seconds). */
  timeoutMs?: number;
  log?: (line: string) => void;
};

export type Adapter = { grpcAddress: string; httpUrl: string; gadget: Gadget; stop(): Promise<void> };

function splitHostPort(value: string, flag: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port > 65_535) throw new Error(`${flag} must be host:port, got ${value}`);
  return { host: (match[1] as string).replace(/^\[(.*)\]$/, "$1"), port };
}

export async function startAdapter(options: AdapterOptions): Promise<Adapter> {
  const log = options.log ?? (() => {});
  // One try per call: op-node asks again on its own schedule, and a slow answer stalls its derivation.
  const edge = createFinalityClient({
    url: options.edgeUrl,
    chain: options.chain,
    timeoutMs: options.timeoutMs ?? 15_000,
    retry: { attempts: 1 },
  });
  const l2 = options.l2RpcUrl ? createL2Client(options.l2RpcUrl, { cacheTime: 0 }) : undefined;
  const gadget = createGadget(edge, {
    ...(l2 ? { safeHead: async () => Number((await getBlockRef(l2, "safe")).number) } : {}),
  });

  const metrics = new MetricsRegistry();
  const answers = metrics.counter({
    name: "finality_edge_gadget_requests_total",
    help: "Calls answered, by interface, method (gRPC) or route (HTTP), and outcome.",
    labelNames: ["interface", "method", "outcome"],
  });
  const latency = metrics.histogram({
    name: "finality_edge_gadget_request_seconds",
    help: "Time to answer a gRPC call (the edge's answer included).",
    labelNames: ["method"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

  const grpcAt = splitHostPort(options.grpc, "--grpc");
  const httpAt = splitHostPort(options.http, "--http");
  const server = new Server();
  createGadgetRpc(server, gadget, {
    onAnswer: (method, outcome, seconds) => {
      answers.inc({ interface: "grpc", method, outcome });
      latency.observe({ method }, seconds);
    },
    log,
  });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${grpcAt.host}:${grpcAt.port}`, ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(new Error(`--grpc ${options.grpc}: ${error.message}`)) : resolve(port),
    ),
  );
  let http: Awaited<ReturnType<typeof startGadgetHttpServer>>;
  try {
    http = await startGadgetHttpServer({
      host: httpAt.host,
      port: httpAt.port,
      gadget,
      metrics: () => metrics.render(),
      onAnswer: (route, status) => answers.inc({ interface: "http", method: route, outcome: String(status) }),
    });
  } catch (error) {
    server.forceShutdown();
    throw new Error(`--http ${options.http}: ${(error as Error).message}`);
  }
  const grpcAddress = `${grpcAt.host}:${grpcPort}`;
  log(`gadget for ${options.chain}: gRPC ${grpcAddress} (h2c), HTTP ${http.url}, edge ${options.edgeUrl}`);
  return {
    grpcAddress,
    httpUrl: http.url,
    gadget,
    async stop() {
      // In-flight calls finish (each bounded by the edge timeout); then everything is cut.
      await Promise.race([
        new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
        new Promise<void>((resolve) => setTimeout(resolve, (options.timeoutMs ?? 15_000) + 1_000)),
      ]);
      server.forceShutdown();
      await http.close();
    },
  };
}
