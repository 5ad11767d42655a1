/**
 * Read-API benchmark: `npx node scripts/run-ts.mjs bench/read-api.ts`.
 *
 * Starts the Babylon emulator (fast timing) and anvil, finalizes N L2 blocks with fp-1+fp-2 votes
 * (devnet/fleet/voter.ts), then runs `wrangler dev --local` with a fresh `--persist-to` directory (empty KV) and
 * a CHAINS var that points at loopback counting proxies in front of both upstreams. Measures, for N requests
 * each, the latency of (a) first-time decisions of distinct finalized blocks and (b) the same requests again
 * (finalized decisions served from KV), and the upstream JSON-RPC requests per decision. Prints a table.
 * Bounded: gives up after ~90 s; wrangler runs in its own process group and is killed by group id.
 * Environment: BENCH_N (default 50).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, mineBlocks, startAnvil, startBabylonEmulator } from "../devnet/processes.ts";
import { startWranglerDev } from "../devnet/wrangler-dev.ts";
import { FAST_EMULATOR_ENV, QUORUM_FPS, voteOnDevnet } from "../test/workers/support/voted-devnet.ts";

const N = Number(process.env.BENCH_N ?? 50);
const DEADLINE_MS = 90_000;
const CHAIN = "bench";

type Proxy = { url: string; count: () => number; close(): Promise<void> };

/** A loopback HTTP proxy that forwards everything to `target` and counts the requests. */
async function countingProxy(target: string): Promise<Proxy> {
  const upstream = new URL(target);
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

type Phase = { name: string; median: number; p90: number; l2: number; babylon: number };

async function phase(
  name: string,
  base: string,
  heights: number[],
  proxies: { l2: Proxy; babylon: Proxy },
  expectStatus: (body: { status?: string }) => void,
): Promise<Phase> {
  const l2Before = proxies.l2.count();
  const babylonBefore = proxies.babylon.count();
  const times: number[] = [];
  for (const h of heights) {
    const start = performance.now();
    const res = await fetch(`${base}/v1/chains/${CHAIN}/blocks/${h}/finality`);
    const body = (await res.json()) as { status?: string };
    times.push(performance.now() - start);
    if (res.status !== 200)
      throw new Error(`${name}: block ${h}: HTTP ${res.status} ${JSON.stringify(body)}`);
    expectStatus(body);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    median: quantile(times, 0.5),
    p90: quantile(times, 0.9),
    l2: (proxies.l2.count() - l2Before) / heights.length,
    babylon: (proxies.babylon.count() - babylonBefore) / heights.length,
  };
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
    cleanups.length = 0;
  };
  const deadline = setTimeout(() => {
    console.error(`bench/read-api: gave up after ${DEADLINE_MS / 1000} s`);
    cleanup().finally(() => process.exit(1));
  }, DEADLINE_MS);
  try {
    const t0 = performance.now();
    const [babylon, anvil] = await Promise.all([startBabylonEmulator(FAST_EMULATOR_ENV), startAnvil(0)]);
    cleanups.push(babylon.stop, anvil.stop);
    await mineBlocks(anvil.url, N + 2);
    const plan = new Map<number, string[]>();
    for (let h = 1; h <= N; h++) plan.set(h, QUORUM_FPS);
    await voteOnDevnet({
      babylonRpcUrl: babylon.url,
      contractAddress: babylon.contractAddress,
      chainId: babylon.chainId,
      l2RpcUrl: anvil.url,
      plan,
      commitCount: N + 10,
    });
    console.error(`devnet up and ${N} blocks voted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const proxies = { l2: await countingProxy(anvil.url), babylon: await countingProxy(babylon.url) };
    cleanups.push(proxies.l2.close, proxies.babylon.close);
    const chains = JSON.stringify([
      {
        id: CHAIN,
        l2RpcUrl: proxies.l2.url,
        babylonRpcUrl: proxies.babylon.url,
        babylonChainId: babylon.chainId,
        contractAddress: babylon.contractAddress,
      },
    ]);
    const persistTo = mkdtempSync(join(tmpdir(), "finality-edge-bench-"));
    cleanups.push(() => rmSync(persistTo, { recursive: true, force: true }));
    const wrangler = await startWranglerDev({
      port: await freePort(),
      persistTo,
      vars: { CHAINS: chains },
      readyPath: "/v1/chains",
    });
    cleanups.push(() => wrangler.stop());
    const base = wrangler.url;

    const heights = Array.from({ length: N }, (_, i) => i + 1);
    const finalized = (body: { status?: string }) => {
      if (body.status !== "finalized") throw new Error(`expected finalized, got ${JSON.stringify(body)}`);
    };
    const uncached = await phase("first-time (empty KV)", base, heights, proxies, finalized);
    const cached = await phase("cached finalized (KV)", base, heights, proxies, finalized);

    const row = (p: Phase) =>
      `| ${p.name.padEnd(22)} | ${String(N).padStart(3)} | ${p.median.toFixed(2).padStart(9)} | ${p.p90
        .toFixed(2)
        .padStart(8)} | ${p.l2.toFixed(2).padStart(9)} | ${p.babylon.toFixed(2).padStart(14)} |`;
    console.log("| decision               |   N | median ms |   p90 ms | L2 req/op | Babylon req/op |");
    console.log("|------------------------|-----|-----------|----------|-----------|----------------|");
    console.log(row(uncached));
    console.log(row(cached));
    console.log(
      `uncached/cached latency ratio: median ${(uncached.median / cached.median).toFixed(1)}×, p90 ${(
        uncached.p90 / cached.p90
      ).toFixed(1)}× (same run)`,
    );
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `bench/read-api failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
    );
    process.exit(1);
  },
);
