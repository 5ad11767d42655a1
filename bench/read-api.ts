/**
 * Read-API benchmark: `npx node scripts/run-ts.mjs bench/read-api.ts`.
 *
 * Starts the Babylon emulator (fast timing) and anvil, finalizes N L2 blocks with fp-1+fp-2 votes
 * (devnet/fleet/voter.ts), then runs `wrangler dev --local` with a fresh `--persist-to` directory (empty KV) and
 * a CHAINS var that points at loopback counting proxies in front of both upstreams. Measures, for N requests
 * each, the latency of (a) first-time decisions of distinct finalized blocks and (b) the same requests again
 * (finalized answers served from their stored bytes), and the upstream JSON-RPC requests per decision.
 *
 * Then throughput next to the runtime's own ceiling: a hello-world Worker (bench/hello-world/) under a second
 * `wrangler dev`, and the edge's cached finalized answers by number and by hash, each loaded by `wrk -t1 -c16`
 * (Debian's `wrk`; skipped with a message when absent) in alternating rounds, so both see the same machine
 * state. Prints requests/s per round and the median ratio to hello-world.
 * Bounded: gives up after a deadline; wrangler runs in its own process group and is killed by group id.
 * Environment: BENCH_N (default 50), BENCH_ROUNDS (5), BENCH_SECONDS (6 per wrk run), BENCH_CONNECTIONS (16).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, mineBlocks, startAnvil, startBabylonEmulator } from "../devnet/processes.ts";
import { startWranglerDev } from "../devnet/wrangler-dev.ts";
import { FAST_EMULATOR_ENV, QUORUM_FPS, voteOnDevnet } from "../test/workers/support/voted-devnet.ts";
import { haveWrk, runWrk, type WrkResult } from "./support/wrk.ts";

const N = Number(process.env.BENCH_N ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DEADLINE_MS = 120_000 + ROUNDS * 3 * (SECONDS + 5) * 1000;
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

type Answer = { status?: string; block?: { hash?: string } };

async function phase(
  name: string,
  base: string,
  ids: readonly (number | string)[],
  proxies: { l2: Proxy; babylon: Proxy },
  expectStatus: (body: Answer) => void,
): Promise<Phase & { answers: Answer[] }> {
  const l2Before = proxies.l2.count();
  const babylonBefore = proxies.babylon.count();
  const times: number[] = [];
  const answers: Answer[] = [];
  for (const id of ids) {
    const start = performance.now();
    const res = await fetch(`${base}/v1/chains/${CHAIN}/blocks/${id}/finality`);
    const body = (await res.json()) as Answer;
    times.push(performance.now() - start);
    if (res.status !== 200)
      throw new Error(`${name}: block ${id}: HTTP ${res.status} ${JSON.stringify(body)}`);
    expectStatus(body);
    answers.push(body);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    median: quantile(times, 0.5),
    p90: quantile(times, 0.9),
    l2: (proxies.l2.count() - l2Before) / ids.length,
    babylon: (proxies.babylon.count() - babylonBefore) / ids.length,
    answers,
  };
}

const median = (xs: number[]): number =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/** Alternating wrk rounds: hello-world, cached by number, cached by hash; the ratios are taken within a round. */
async function throughput(
  helloUrl: string,
  edgeUrl: string,
  heights: number[],
  hashes: string[],
): Promise<void> {
  const targets = [
    { name: "hello-world Worker", url: helloUrl, paths: ["/"] },
    {
      name: "cached finalized, by number",
      url: edgeUrl,
      paths: heights.map((h) => `/v1/chains/${CHAIN}/blocks/${h}/finality`),
    },
    {
      name: "cached finalized, by hash",
      url: edgeUrl,
      paths: hashes.map((h) => `/v1/chains/${CHAIN}/blocks/${h}/finality`),
    },
  ];
  // Warm-up: every isolate involved has compiled its code and holds the answers.
  for (const t of targets) await runWrk(t.url, { connections: CONNECTIONS, seconds: 2, paths: t.paths });
  const runs: WrkResult[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) {
      const result = await runWrk(t.url, { connections: CONNECTIONS, seconds: SECONDS, paths: t.paths });
      if (result.non2xx > 0) throw new Error(`${t.name}: ${result.non2xx} non-2xx answers under load`);
      runs[i]?.push(result);
    }
  }
  const hello = runs[0] ?? [];
  console.log(
    `\nThroughput: wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} alternating rounds (req/s per round)`,
  );
  console.log(
    "| target                       | rounds (req/s)            | median req/s | p99 ms | ratio to hello-world (median of rounds) |",
  );
  console.log(
    "|------------------------------|---------------------------|--------------|--------|------------------------------------------|",
  );
  for (const [i, t] of targets.entries()) {
    const rs = runs[i] ?? [];
    const ratios = rs.map((r, k) => r.requestsPerSecond / (hello[k]?.requestsPerSecond ?? Number.NaN));
    console.log(
      `| ${t.name.padEnd(28)} | ${rs
        .map((r) => r.requestsPerSecond.toFixed(0))
        .join(", ")
        .padEnd(25)} | ${median(rs.map((r) => r.requestsPerSecond))
        .toFixed(0)
        .padStart(12)} | ${median(rs.map((r) => r.p99Ms))
        .toFixed(1)
        .padStart(6)} | ${(i === 0 ? "1" : median(ratios).toFixed(2)).padStart(40)} |`,
    );
  }
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
    const finalized = (body: Answer) => {
      if (body.status !== "finalized") throw new Error(`expected finalized, got ${JSON.stringify(body)}`);
    };
    const uncached = await phase("first-time (empty KV)", base, heights, proxies, finalized);
    const cached = await phase("cached finalized", base, heights, proxies, finalized);
    const hashes = uncached.answers.map((a) => a.block?.hash ?? "");
    const byHash = await phase("cached, by hash", base, hashes, proxies, finalized);

    const row = (p: Phase) =>
      `| ${p.name.padEnd(22)} | ${String(N).padStart(3)} | ${p.median.toFixed(2).padStart(9)} | ${p.p90
        .toFixed(2)
        .padStart(8)} | ${p.l2.toFixed(2).padStart(9)} | ${p.babylon.toFixed(2).padStart(14)} |`;
    console.log("| decision               |   N | median ms |   p90 ms | L2 req/op | Babylon req/op |");
    console.log("|------------------------|-----|-----------|----------|-----------|----------------|");
    console.log(row(uncached));
    console.log(row(cached));
    console.log(row(byHash));
    console.log(
      `uncached/cached latency ratio: median ${(uncached.median / cached.median).toFixed(1)}×, p90 ${(
        uncached.p90 / cached.p90
      ).toFixed(1)}× (same run)`,
    );

    if (!haveWrk()) {
      console.log("\nThroughput skipped: wrk is not installed (Debian: apt-get install wrk).");
      return;
    }
    const helloState = mkdtempSync(join(tmpdir(), "finality-edge-bench-hello-"));
    cleanups.push(() => rmSync(helloState, { recursive: true, force: true }));
    const hello = await startWranglerDev({
      port: await freePort(),
      persistTo: helloState,
      config: "bench/hello-world/wrangler.toml",
      readyPath: "/",
    });
    cleanups.push(() => hello.stop());
    await throughput(hello.url, base, heights, hashes);
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
