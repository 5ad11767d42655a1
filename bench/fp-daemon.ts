/**
 * FP daemon benchmark: `npm run bench:fp` (`node scripts/run-ts.mjs bench/fp-daemon.ts`).
 *
 * Starts, on 127.0.0.1 only, the Babylon emulator (default genesis, the local stack's timing: 500 ms blocks,
 * 5-block epochs finalized 2 blocks later, 10 s BTC blocks), anvil, and the Worker under `wrangler dev` as the
 * stack runs it (CHAINS pointing at both, the relayer mnemonic in an `--env-file`, REQUEUE_AFTER_SECONDS=15,
 * RELAYER_POLL_MS=200, `/__scheduled` fired every 2 s). FP daemons are built with `fp-daemon/assemble.ts`
 * exactly as `finality-edge-fp start` builds them (each on its own SQLite state file), with the stack's submit
 * settings, and measured through their `onVoteAccepted` hook and `status().counters`. In one run:
 *
 * 1. Baselines (stack up and idle): the signer alone (`createFinalityProviderSigner`, in-memory stores) signing N
 *    votes, and the signer over the daemon's SQLite store doing what the loop does per vote (the double-sign
 *    claim and the outbox write with the cursor — two syncs to disk), no network.
 * 2. Live latency: anvil mining a block a second; two fresh edge daemons side by side on the same blocks, one
 *    with `l2.pollMs` 1000 (the default), one with 200. The bench polls the L2 every 50 ms and notes when it
 *    first saw each height safe (same confirmations as the daemons); latency = that → the daemon's
 *    `onVoteAccepted`. Measured over BENCH_FP_SECONDS once both daemons have caught up.
 * 3. Babylon transport (comparison): a fresh daemon signing its own txs catches up, then N blocks are mined at
 *    once; votes accepted (= included in a Babylon block) per second from its first to its N-th.
 * 4. Edge catch-up: a fresh edge daemon started with the chain's blocks already mined (cold: the commit must be
 *    BTC-timestamped first, and the daemon signs ahead meanwhile), then N more blocks at once (warm: every vote
 *    signed, stored and accepted while measured). Then how long the edge's relayer takes to put the last one on
 *    Babylon (the contract's highest voted height).
 *
 * Bounded: a global deadline; every child is stopped by pid (emulator, anvil) or process group (wrangler) on
 * exit, on an error and on SIGINT/SIGTERM; the temporary directory is removed.
 * Environment: BENCH_FP_BLOCKS (N, default 600), BENCH_FP_SECONDS (live window, 60), BENCH_FP_CONFIRMATIONS (2,
 * as the stack's fleet), BENCH_FP_BABYLON (1; 0 skips phase 3), BENCH_FP_VERBOSE (1 echoes daemon warnings).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { defaultGenesis } from "../devnet/babylon/genesis-load.ts";
import { freePort, l2Rpc, mineBlocks, startAnvil, startBabylonEmulator } from "../devnet/processes.ts";
import { startWranglerDev } from "../devnet/wrangler-dev.ts";
import { type Assembled, assembleDaemon } from "../fp-daemon/assemble.ts";
import { openSqliteStore } from "../fp-daemon/store/sqlite-store.ts";
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../src/crypto/index.ts";
import { type DaemonConfig, resolveDaemonConfig } from "../src/fp-daemon/config.ts";
import type { Counters } from "../src/fp-daemon/counters.ts";
import type { DaemonLog } from "../src/fp-daemon/outbox.ts";
import { createContractReaders } from "../src/fp-daemon/readers.ts";
import type { FpStore } from "../src/fp-daemon/store.ts";
import type { Transport } from "../src/fp-daemon/transports/transport.ts";
import { createFinalityProviderSigner, createLocalEotsKey } from "../src/provider/index.ts";

const N = Number(process.env.BENCH_FP_BLOCKS ?? 600);
const SECONDS = Number(process.env.BENCH_FP_SECONDS ?? 60);
const CONFIRMATIONS = Number(process.env.BENCH_FP_CONFIRMATIONS ?? 2);
const WITH_BABYLON = (process.env.BENCH_FP_BABYLON ?? "1") !== "0";
const VERBOSE = process.env.BENCH_FP_VERBOSE === "1";
const LIVE_POLL_MS = [1000, 200] as const;
const DEADLINE_MS = 360_000 + SECONDS * 1000 + N * 300;
/** What phase 4 (the main figure) needs at most; phase 3 is skipped when less than this would be left. */
const EDGE_PHASE_BUDGET_MS = 120_000 + N * 300;
/** The stack's timing (devnet/stack/options.ts defaults). */
const EMULATOR_ENV = {
  BABYLON_BLOCK_MS: "500",
  BTC_BLOCK_MS: "10000",
  EPOCH_BLOCKS: "5",
  FINALIZE_DELAY: "2",
};
/** The stack's submit settings (devnet/stack/fp-daemons.ts). */
const SUBMIT = {
  batchSize: 25,
  retryMs: 1_000,
  maxBackoffMs: 10_000,
  settleTimeoutMs: 60_000,
  settleCheckMs: 2_000,
};
/** wrangler.toml's FP_RATE_LIMITER (`simple = { limit = 600, period = 60 }`), read from no var. */
const FP_RATE_LIMIT = { limit: 600, periodSeconds: 60 };

const started = Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const remainingMs = () => DEADLINE_MS - (Date.now() - started);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const progress = (line: string) => console.error(`[bench:fp ${elapsed()}] ${line}`);

// ---- cleanup, deadline, signals -----------------------------------------------------------------------------

const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {});
  })();
  return cleaning;
}
let aborted: string | undefined;
function abort(reason: string, code: number): void {
  if (aborted !== undefined) return;
  aborted = reason;
  console.error(`bench/fp-daemon: ${reason}; stopping everything`);
  void cleanup().finally(() => process.exit(code));
}
const deadline = setTimeout(
  () => abort(`gave up after the ${DEADLINE_MS / 1000} s deadline`, 1),
  DEADLINE_MS,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => abort(signal, 130));

/** Waits until `probe` holds (polled every `everyMs`), or fails naming `what` after `ms`. */
async function until(probe: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 100) {
  const end = Date.now() + Math.min(ms, remainingMs());
  for (;;) {
    if (aborted !== undefined) throw new Error(`aborted: ${aborted}`);
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(everyMs);
  }
}

// ---- numbers ------------------------------------------------------------------------------------------------

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "n/a");
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "n/a");

type Rate = {
  heights: number;
  accepted: number;
  /** Votes accepted in the same instant as the first (one request's batch). */
  firstBatch: number;
  firstAt: number;
  lastAt: number;
  /** (accepted − firstBatch) / (lastAt − firstAt): the sustained rate between the first and the last answer. */
  perSecond: number;
};

/** Acceptance rate over `heights` from the `accepted` times (height → first accepted at, unix ms). */
function rateOver(accepted: ReadonlyMap<number, number>, heights: readonly number[]): Rate {
  const times = heights.map((h) => accepted.get(h)).filter((t): t is number => t !== undefined);
  times.sort((a, b) => a - b);
  const firstAt = times[0] ?? Number.NaN;
  const lastAt = times[times.length - 1] ?? Number.NaN;
  const firstBatch = times.filter((t) => t === firstAt).length;
  return {
    heights: heights.length,
    accepted: times.length,
    firstBatch,
    firstAt,
    lastAt,
    perSecond: ((times.length - firstBatch) * 1000) / (lastAt - firstAt),
  };
}

const range = (from: number, to: number): number[] =>
  to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);

function diffCounters(after: Counters, before?: Counters): Counters {
  if (!before) return after;
  const sub = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([k, v]) => [k, v - (b[k] ?? 0)] as const)
        .filter(([, v]) => v !== 0),
    );
  return {
    signed: after.signed - before.signed,
    accepted: {
      commit: after.accepted.commit - before.accepted.commit,
      vote: after.accepted.vote - before.accepted.vote,
    },
    settled: {
      commit: after.settled.commit - before.settled.commit,
      vote: after.settled.vote - before.settled.vote,
    },
    retried: sub(after.retried, before.retried),
    refused: sub(after.refused, before.refused),
    skipped: sub(after.skipped, before.skipped),
    requests: after.requests - before.requests,
    errors: after.errors - before.errors,
  };
}

function countersLine(c: Counters): string {
  const map = (m: Record<string, number>) =>
    Object.keys(m).length === 0
      ? "none"
      : Object.entries(m)
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
  return (
    `signed ${c.signed}, accepted ${c.accepted.vote} votes + ${c.accepted.commit} commits, settled ${c.settled.vote}, ` +
    `requests ${c.requests}, retried ${map(c.retried)}, refused ${map(c.refused)}, skipped ${map(c.skipped)}, ` +
    `step errors ${c.errors}`
  );
}

// ---- the world ----------------------------------------------------------------------------------------------

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
const relayer = genesis.accounts.find((a) => a.name === "relayer");
if (!consumer || !relayer) throw new Error("the default genesis lacks the consumer or the relayer account");
const CHAIN = consumer.bsnId;

function fpOf(name: string) {
  const fp = consumer?.finalityProviders.find((f) => f.account === name);
  const account = genesis.accounts.find((a) => a.name === name);
  if (!fp || !account) throw new Error(`no genesis FP ${name}`);
  const secret = hexToBytes(fp.btcSecretKeyHex);
  return { name, secret, mnemonic: account.mnemonic, btcPkHex: bytesToHex(xOnlyPublicKey(secret)) };
}

/** The end of wrangler's output, for a failure's message. */
let wranglerTail = () => "";

type World = {
  dir: string;
  l2Url: string;
  edgeUrl: string;
  babylonUrl: string;
  babylonChainId: string;
  contractAddress: string;
};

const l2Head = async (url: string) => Number(await l2Rpc(url, "eth_blockNumber", []));

async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "finality-edge-bench-fp-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const [babylon, anvil] = await Promise.all([startBabylonEmulator(EMULATOR_ENV), startAnvil(1)]);
  cleanups.push(babylon.stop, anvil.stop);
  const chains = JSON.stringify([
    {
      id: CHAIN,
      l2RpcUrl: anvil.url,
      babylonRpcUrl: babylon.url,
      babylonChainId: babylon.chainId,
      contractAddress: babylon.contractAddress,
      timeoutMs: 5_000,
    },
  ]);
  const envFile = join(dir, "worker.env");
  writeFileSync(envFile, `RELAYER_MNEMONIC="${relayer?.mnemonic}"\n`, { mode: 0o600 });
  const tail: string[] = [];
  const wrangler = await startWranglerDev({
    port: await freePort(),
    persistTo: join(dir, "wrangler"),
    envFile,
    vars: { CHAINS: chains, REQUEUE_AFTER_SECONDS: "15", RELAYER_POLL_MS: "200" },
    testScheduled: true,
    readyTimeoutMs: 90_000,
    log: (chunk) => {
      tail.push(chunk);
      if (tail.length > 40) tail.shift();
    },
  });
  cleanups.push(() => wrangler.stop());
  wranglerTail = () => tail.join("").slice(-4_000);
  // The cron, on the stack's period (wrangler dev never fires it by itself).
  let ticking = false;
  const cron = setInterval(() => {
    if (ticking) return;
    ticking = true;
    fetch(`${wrangler.url}/__scheduled?cron=*+*+*+*+*`)
      .then((r) => r.body?.cancel())
      .catch(() => undefined)
      .finally(() => {
        ticking = false;
      });
  }, 2_000);
  cleanups.push(() => clearInterval(cron));
  return {
    dir,
    l2Url: anvil.url,
    edgeUrl: wrangler.url,
    babylonUrl: babylon.url,
    babylonChainId: babylon.chainId,
    contractAddress: babylon.contractAddress,
  };
}

// ---- daemons ------------------------------------------------------------------------------------------------

/** Time spent inside the transport (the edge's answer, or the Babylon tx until included). */
type TransportStats = { sends: number; sendMs: number; sentVotes: number; checks: number; checkMs: number };

function timedTransport(stats: TransportStats): (transport: Transport) => Transport {
  return (transport) => ({
    name: transport.name,
    async send(kind, bodies) {
      const t0 = performance.now();
      try {
        return await transport.send(kind, bodies);
      } finally {
        stats.sends += 1;
        stats.sendMs += performance.now() - t0;
        if (kind === "vote") stats.sentVotes += bodies.length;
      }
    },
    async check(kind, submissionId) {
      const t0 = performance.now();
      try {
        return await transport.check(kind, submissionId);
      } finally {
        stats.checks += 1;
        stats.checkMs += performance.now() - t0;
      }
    },
    close: () => transport.close(),
  });
}

type Daemon = {
  name: string;
  transportStats: TransportStats;
  btcPkHex: string;
  assembled: Assembled;
  /** Height → when a transport first accepted its vote (unix ms). */
  accepted: Map<number, number>;
  startedAt: number;
  warnings: Map<string, number>;
  samples: string[];
  ended: Promise<string>;
  counters(): Counters;
  close(): Promise<void>;
};

function recordingLog(name: string, warnings: Map<string, number>, samples: string[]): DaemonLog {
  const replacer = (_k: string, v: unknown) =>
    typeof v === "bigint" ? `${v}` : v instanceof Error ? `${v.name}: ${v.message}` : v;
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (level !== "warn" && level !== "error") return;
      const key = `${level} ${msg}`;
      warnings.set(key, (warnings.get(key) ?? 0) + 1);
      const line = `${name} ${key} ${JSON.stringify(fields, replacer).slice(0, 300)}`;
      if (samples.length < 6) samples.push(line);
      if (VERBOSE) console.error(`[fp] ${line}`);
    };
  return { debug: () => {}, info: at("info"), warn: at("warn"), error: at("error") };
}

async function startDaemon(
  world: World,
  fpName: string,
  options: { transport: "edge" | "babylon"; pollMs: number; commitSize: number },
): Promise<Daemon> {
  const fp = fpOf(fpName);
  const config: DaemonConfig = resolveDaemonConfig({
    chain: CHAIN,
    transport: options.transport,
    edge: { url: world.edgeUrl, timeoutMs: 5_000 },
    babylon: {
      rpcUrl: world.babylonUrl,
      chainId: world.babylonChainId,
      contractAddress: world.contractAddress,
      timeoutMs: 5_000,
    },
    l2: {
      rpcUrl: world.l2Url,
      safety: { mode: "confirmations", confirmations: CONFIRMATIONS },
      pollMs: options.pollMs,
    },
    // One commit covers the whole phase: no second commit is built while measuring.
    randomness: { commitSize: options.commitSize, commitMargin: 50, warnBelow: 10 },
    submit: SUBMIT,
    ops: { host: "127.0.0.1", port: 0 },
  });
  const accepted = new Map<number, number>();
  const warnings = new Map<string, number>();
  const samples: string[] = [];
  const startedAt = Date.now();
  const transportStats: TransportStats = { sends: 0, sendMs: 0, sentVotes: 0, checks: 0, checkMs: 0 };
  const assembled = await assembleDaemon({
    wrapTransport: timedTransport(transportStats),
    config,
    key: createLocalEotsKey(fp.secret),
    babylonMnemonic: fp.mnemonic,
    statePath: join(world.dir, `${fpName}.sqlite`),
    log: recordingLog(fpName, warnings, samples),
    onVoteAccepted: (height, at) => {
      if (!accepted.has(height)) accepted.set(height, at);
    },
  });
  const ended = assembled.voter.run().then(
    (outcome) => outcome as string,
    (error: unknown) => {
      const text = `voter.run() rejected: ${error instanceof Error ? error.message : error}`;
      samples.push(`${fpName} ${text}`);
      return text;
    },
  );
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.race([assembled.close(), sleep(15_000)]);
  };
  cleanups.push(close);
  return {
    name: fpName,
    transportStats,
    btcPkHex: fp.btcPkHex,
    assembled,
    accepted,
    startedAt,
    warnings,
    samples,
    ended,
    counters: () => assembled.voter.status().counters,
    close,
  };
}

const lastVoted = (d: Daemon) => d.assembled.voter.status().lastVoted ?? 0;

function warningsLine(d: Daemon): string {
  if (d.warnings.size === 0) return `${d.name}: no warnings`;
  return `${d.name} warnings: ${[...d.warnings].map(([k, v]) => `${k} ×${v}`).join("; ")}`;
}

// ---- phase 1: baselines -------------------------------------------------------------------------------------

type Baseline = { votesPerSecond: number; commitMs: number; signMs: number };

async function signerBaseline(world: World, store?: FpStore): Promise<Baseline> {
  const fp = fpOf("fp-1");
  const signer = createFinalityProviderSigner({
    key: createLocalEotsKey(fp.secret),
    bsnId: CHAIN,
    babylonChainId: world.babylonChainId,
    contractAddress: world.contractAddress,
    bsnActivationHeight: consumer?.contract.bsn_activation_height ?? 1,
    finalitySignatureInterval: consumer?.contract.finality_signature_interval ?? 1,
    ...(store ? { proofStore: store.proofs, doubleSignGuard: store.guard } : {}),
  });
  const t0 = performance.now();
  await signer.commitPublicRandomness({ startHeight: 1, numPubRand: N });
  const t1 = performance.now();
  for (let height = 1; height <= N; height++) {
    const blockHash = `0x${height.toString(16).padStart(64, "0")}` as const;
    const msg = await signer.submitFinalitySignature({ height, blockHash });
    // As the voter's signAhead does: the outbox entry and the cursor in one transaction.
    store?.enqueue(
      [
        {
          key: `vote:${height}`,
          kind: "vote",
          height,
          body: msg.submit_finality_signature as unknown as Record<string, unknown>,
        },
      ],
      height + 1,
    );
  }
  const t2 = performance.now();
  return { votesPerSecond: (N * 1000) / (t2 - t1), commitMs: t1 - t0, signMs: t2 - t1 };
}

// ---- the L2 as the bench sees it ----------------------------------------------------------------------------

type SafeWatch = { seen: Map<number, number>; safe(): number; stop(): void };

/** Polls the L2 head every 50 ms; notes when each height is first seen safe (head − confirmations). */
async function watchSafe(url: string): Promise<SafeWatch> {
  const seen = new Map<number, number>();
  let safe = (await l2Head(url)) - CONFIRMATIONS;
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        const head = await l2Head(url);
        const at = Date.now();
        for (let h = safe + 1; h <= head - CONFIRMATIONS; h++) seen.set(h, at);
        safe = Math.max(safe, head - CONFIRMATIONS);
      } catch {
        // Stopping, or a hiccup: the next poll sees it.
      }
      await sleep(50);
    }
  })();
  const watch = {
    seen,
    safe: () => safe,
    stop: () => {
      stopped = true;
    },
  };
  cleanups.push(watch.stop);
  return watch;
}

// ---- phase 2: live latency ----------------------------------------------------------------------------------

type LiveResult = {
  pollMs: number;
  heights: number;
  latencies: number[];
  missing: number;
  counters: Counters;
  firstVoteMs: number;
  daemon: Daemon;
};

async function livePhase(world: World): Promise<LiveResult[]> {
  progress(
    `live: anvil mines a block a second; two fresh edge daemons (l2.pollMs ${LIVE_POLL_MS.join(" and ")})`,
  );
  await l2Rpc(world.l2Url, "evm_setIntervalMining", [1]);
  const watch = await watchSafe(world.l2Url);
  const commitSize = SECONDS + 300;
  const daemons = await Promise.all(
    LIVE_POLL_MS.map((pollMs, i) =>
      startDaemon(world, i === 0 ? "fp-3" : "fp-4", { transport: "edge", pollMs, commitSize }),
    ),
  );
  try {
    // Caught up: each has its commit usable and votes up to what the bench sees safe.
    await until(
      () => daemons.every((d) => d.accepted.size > 0 && lastVoted(d) >= watch.safe() - 1),
      90_000,
      "live daemons caught up",
    );
    const firstVoteMs = daemons.map((d) => Math.min(...d.accepted.values()) - d.startedAt);
    const before = daemons.map((d) => structuredClone(d.counters()));
    await sleep(2_000);
    const windowStart = Date.now();
    progress(`live: both caught up; measuring ${SECONDS} s`);
    await sleep(SECONDS * 1000);
    const windowEnd = Date.now();
    const measured = [...watch.seen].filter(([, at]) => at >= windowStart && at < windowEnd).map(([h]) => h);
    // Grace: the last heights' votes.
    await until(
      () => daemons.every((d) => measured.every((h) => d.accepted.has(h))),
      15_000,
      "live votes of the window",
    ).catch(() => undefined);
    return daemons.map((d, i) => {
      const latencies = measured
        .map((h) => {
          const at = d.accepted.get(h);
          const seen = watch.seen.get(h);
          return at === undefined || seen === undefined ? undefined : at - seen;
        })
        .filter((x): x is number => x !== undefined)
        .sort((a, b) => a - b);
      return {
        pollMs: LIVE_POLL_MS[i] ?? 0,
        heights: measured.length,
        latencies,
        missing: measured.length - latencies.length,
        counters: diffCounters(d.counters(), before[i]),
        firstVoteMs: firstVoteMs[i] ?? Number.NaN,
        daemon: d,
      };
    });
  } finally {
    watch.stop();
    await l2Rpc(world.l2Url, "evm_setIntervalMining", [0]).catch(() => undefined);
    await Promise.all(daemons.map((d) => d.close()));
  }
}

// ---- phases 3 and 4: catch-up -------------------------------------------------------------------------------

type CatchUp = {
  label: string;
  rate: Rate;
  /** From the blocks being there (mined, or the daemon started) to the last vote accepted. */
  endToEndPerSecond: number;
  counters: Counters;
  /** Votes already signed when the first vote was accepted. */
  signedAtFirst: number;
  /** Requests sent per minute over the phase (vs FP_RATE_LIMITER). */
  requestsPerMinute: number;
  /** Transport time during the phase, and the phase's length (zero → last vote accepted). */
  transport: TransportStats;
  phaseMs: number;
  complete: boolean;
};

/** Waits until every height of `heights` was accepted (or `ms` passed) and measures the phase. */
async function measureCatchUp(
  d: Daemon,
  label: string,
  heights: number[],
  zeroAt: number,
  before: Counters | undefined,
  ms: number,
  transportBefore?: TransportStats,
): Promise<CatchUp> {
  let signedAtFirst = -1;
  let complete = true;
  await until(
    () => {
      if (signedAtFirst < 0 && heights.some((h) => d.accepted.has(h))) signedAtFirst = d.counters().signed;
      return heights.every((h) => d.accepted.has(h));
    },
    ms,
    `${label}: ${heights.length} votes accepted`,
    20,
  ).catch((error: unknown) => {
    if (aborted !== undefined) throw error;
    complete = false;
    progress(`${label}: ${error instanceof Error ? error.message : error} (measured what was accepted)`);
  });
  const rate = rateOver(d.accepted, heights);
  const counters = diffCounters(structuredClone(d.counters()), before);
  const t = d.transportStats;
  const b = transportBefore ?? { sends: 0, sendMs: 0, sentVotes: 0, checks: 0, checkMs: 0 };
  return {
    transport: {
      sends: t.sends - b.sends,
      sendMs: t.sendMs - b.sendMs,
      sentVotes: t.sentVotes - b.sentVotes,
      checks: t.checks - b.checks,
      checkMs: t.checkMs - b.checkMs,
    },
    phaseMs: rate.lastAt - zeroAt,
    label,
    rate,
    endToEndPerSecond: (rate.accepted * 1000) / (rate.lastAt - zeroAt),
    counters,
    signedAtFirst: signedAtFirst - (before?.signed ?? 0),
    requestsPerMinute: (counters.requests * 60_000) / Math.max(1, rate.lastAt - zeroAt),
    complete,
  };
}

/** Mines `blocks` at once and measures the daemon voting on the `blocks` heights that become safe. */
async function warmCatchUp(world: World, d: Daemon, label: string, ms: number): Promise<CatchUp> {
  const head = await l2Head(world.l2Url);
  const before = structuredClone(d.counters());
  const transportBefore = { ...d.transportStats };
  const zeroAt = Date.now();
  await mineBlocks(world.l2Url, N);
  const heights = range(head - CONFIRMATIONS + 1, head + N - CONFIRMATIONS);
  return measureCatchUp(d, label, heights, zeroAt, before, ms, transportBefore);
}

async function babylonPhase(world: World): Promise<{ warm: CatchUp; firstVoteMs: number; daemon: Daemon }> {
  const head = await l2Head(world.l2Url);
  progress(`babylon transport: fresh daemon (fp-2) catches up ${head - CONFIRMATIONS} heights first`);
  const d = await startDaemon(world, "fp-2", {
    transport: "babylon",
    pollMs: 1000,
    commitSize: head + N + 200,
  });
  try {
    await until(() => lastVoted(d) >= head - CONFIRMATIONS, 90_000, "babylon daemon caught up");
    const firstVoteMs = Math.min(...d.accepted.values()) - d.startedAt;
    progress(`babylon transport: caught up; mining ${N} blocks at once`);
    const warm = await warmCatchUp(world, d, "babylon, warm", Math.max(30_000, N * 200));
    return { warm, firstVoteMs, daemon: d };
  } finally {
    await d.close();
  }
}

type EdgePhase = {
  cold: CatchUp;
  warm: CatchUp;
  firstVoteMs: number;
  /** From the last vote accepted by the edge to Babylon holding it (highest voted height), or NaN. */
  onChainLagMs: number;
  /** One finality-contract query (`pub_rand_commit` for a height) from Node, ms (mean of 20 in a row). */
  contractQueryMs: number;
  daemon: Daemon;
};

async function edgePhase(world: World): Promise<EdgePhase> {
  const head = await l2Head(world.l2Url);
  const coldHeights = range(1, head - CONFIRMATIONS);
  progress(`edge: fresh daemon (fp-1) with ${coldHeights.length} safe heights already mined (cold)`);
  const d = await startDaemon(world, "fp-1", {
    transport: "edge",
    pollMs: 1000,
    commitSize: head + N + 200,
  });
  try {
    const cold = await measureCatchUp(
      d,
      "edge, cold",
      coldHeights,
      d.startedAt,
      undefined,
      Math.max(60_000, coldHeights.length * 300),
    );
    const firstVoteMs = cold.rate.firstAt - d.startedAt;
    progress(`edge: cold catch-up done; mining ${N} blocks at once (warm)`);
    const warm = await warmCatchUp(world, d, "edge, warm", Math.max(60_000, N * 300));
    const top = Math.max(0, ...d.accepted.keys());
    const lastAcceptedAt = Math.max(0, ...d.accepted.values());
    const contract = createContractReaders(
      { rpcUrl: world.babylonUrl, contractAddress: world.contractAddress, timeoutMs: 5_000 },
      d.btcPkHex,
    );
    let onChainAt = Number.NaN;
    await until(
      async () => {
        const voted = await contract.highestVoted().catch(() => null);
        if (voted !== null && voted >= top) onChainAt = Date.now();
        return voted !== null && voted >= top;
      },
      60_000,
      "the edge's relayer put the last vote on Babylon",
      250,
    ).catch(() => undefined);
    const q0 = performance.now();
    for (let i = 1; i <= 20; i++) await contract.commits.forHeight(i);
    const contractQueryMs = (performance.now() - q0) / 20;
    return { cold, warm, firstVoteMs, onChainLagMs: onChainAt - lastAcceptedAt, contractQueryMs, daemon: d };
  } finally {
    await d.close();
  }
}

// ---- report -------------------------------------------------------------------------------------------------

function catchUpRow(c: CatchUp, signerAlone: number): string {
  const r = c.rate;
  return (
    `| ${c.label.padEnd(14)} | ${`${r.accepted}/${r.heights}`.padStart(9)} | ${f1(r.perSecond).padStart(7)} | ` +
    `${f1(c.endToEndPerSecond).padStart(10)} | ${f2(r.perSecond / signerAlone).padStart(9)} | ` +
    `${String(c.signedAtFirst).padStart(9)} | ${f0(c.requestsPerMinute).padStart(7)} |`
  );
}

async function main(): Promise<void> {
  progress(
    `starting the emulator, anvil and wrangler dev (N=${N}, live ${SECONDS} s, confirmations ${CONFIRMATIONS})`,
  );
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const world = await startWorld();
  progress(`stack up: edge ${world.edgeUrl}, Babylon ${world.babylonUrl}, L2 ${world.l2Url}`);

  progress(`baselines: signing ${N} votes (memory, then SQLite)`);
  const memory = await signerBaseline(world);
  const store = openSqliteStore(join(world.dir, "baseline.sqlite"), {
    publicKeyHex: fpOf("fp-1").btcPkHex,
    bsnId: CHAIN,
  });
  const sqlite = await signerBaseline(world, store).finally(() => store.close());

  const live = await livePhase(world);

  let babylon: Awaited<ReturnType<typeof babylonPhase>> | undefined;
  let babylonNote = "";
  if (!WITH_BABYLON) babylonNote = "skipped (BENCH_FP_BABYLON=0)";
  else if (remainingMs() < EDGE_PHASE_BUDGET_MS + 60_000)
    babylonNote = "skipped: not enough time left before the deadline";
  else {
    babylon = await babylonPhase(world).catch((error: unknown) => {
      if (aborted !== undefined) throw error;
      babylonNote = `failed: ${error instanceof Error ? error.message : error}`;
      return undefined;
    });
  }

  const edge = await edgePhase(world);

  // ---- print ----
  const out = (line = "") => console.log(line);
  out(
    `\nFP daemon benchmark — N=${N}, one FP per phase, confirmations ${CONFIRMATIONS}, batch ${SUBMIT.batchSize}`,
  );
  out(
    `Machine: ${cpus().length} cores, load average (1 min) ${f1(loadAtStart)} at start, ${f1(loadavg()[0] ?? Number.NaN)} at the end`,
  );
  out(
    `Babylon emulator: ${EMULATOR_ENV.BABYLON_BLOCK_MS} ms blocks, epochs of ${EMULATOR_ENV.EPOCH_BLOCKS} finalized ` +
      `${EMULATOR_ENV.FINALIZE_DELAY} blocks later (the stack's timing); Worker under wrangler dev; all on 127.0.0.1`,
  );
  out("\nBaselines (no network; the stack up and idle):");
  out(
    `  signer alone (memory stores):   ${f0(memory.votesPerSecond).padStart(5)} votes/s  (${f1(memory.signMs / N)} ms/vote; ` +
      `commit of ${N} heights ${f0(memory.commitMs)} ms)`,
  );
  out(
    `  signer + SQLite (claim+outbox): ${f0(sqlite.votesPerSecond).padStart(5)} votes/s  (${f1(sqlite.signMs / N)} ms/vote; ` +
      `commit ${f0(sqlite.commitMs)} ms)  → ${f2(sqlite.votesPerSecond / memory.votesPerSecond)}× signer alone`,
  );
  out(
    `  (two syncs to disk per vote — the claim, then the outbox entry with the cursor: ` +
      `${f1(sqlite.signMs / N - memory.signMs / N)} ms/vote of durability)`,
  );

  out("\nCatch-up throughput (votes accepted per second, first accepted → last; one request = 25 votes):");
  out("| phase          | votes     | votes/s | blocks→all | ÷ signer  | signed at | req/min |");
  out("|                |           |         |   votes/s  |   alone   | 1st accept|         |");
  out("|----------------|-----------|---------|------------|-----------|-----------|---------|");
  out(catchUpRow(edge.cold, memory.votesPerSecond));
  out(catchUpRow(edge.warm, memory.votesPerSecond));
  if (babylon) out(catchUpRow(babylon.warm, memory.votesPerSecond));
  out(
    `  edge, cold = fresh daemon, ${edge.cold.rate.heights} safe heights waiting: start → first vote accepted ` +
      `${f1(edge.firstVoteMs / 1000)} s (commit built, accepted and BTC-timestamped); meanwhile it signed ` +
      `${edge.cold.signedAtFirst} of the ${edge.cold.rate.heights} votes ahead (100 per pass while the first ones waited), ` +
      "so part of the cold run's signing is outside the measured interval.",
  );
  out(
    `  edge, warm = the same daemon, then ${N} blocks mined at once: every vote signed, stored and accepted ` +
      `while measured. Ratios: edge warm / signer alone ${f2(edge.warm.rate.perSecond / memory.votesPerSecond)}, ` +
      `edge warm / signer+SQLite ${f2(edge.warm.rate.perSecond / sqlite.votesPerSecond)}.`,
  );
  out(
    `  edge's relayer: Babylon held the last vote ${f1(edge.onChainLagMs / 1000)} s after the edge accepted it ` +
      `(contract highest voted height; accepted = verified and queued by the edge).`,
  );
  if (babylon)
    out(
      `  babylon, warm = fresh fp-2 daemon with its own account (start → first vote included ` +
        `${f1(babylon.firstVoteMs / 1000)} s), caught up, then ${N} blocks at once; accepted = included in a block.`,
    );
  else out(`  babylon transport: ${babylonNote}`);
  for (const c of [edge.cold, edge.warm, ...(babylon ? [babylon.warm] : [])]) {
    out(`  counters ${c.label}: ${countersLine(c.counters)}${c.complete ? "" : " (INCOMPLETE)"}`);
    const t = c.transport;
    out(
      `    in the transport: ${t.sends} sends, ${f0(t.sendMs / Math.max(1, t.sends))} ms each ` +
        `(${f1(t.sendMs / Math.max(1, t.sentVotes))} ms per vote sent), ${t.checks} checks ` +
        `${f0(t.checkMs)} ms in all — ${f0((100 * (t.sendMs + t.checkMs)) / c.phaseMs)}% of the ${f1(c.phaseMs / 1000)} s phase`,
    );
  }
  out(
    `  one finality-contract query from Node (pub_rand_commit for a height): ${f1(edge.contractQueryMs)} ms ` +
      "(the edge reads the block's voters and the covering commit from the contract for every new vote, in order)",
  );
  const limited = [edge.cold, edge.warm].some((c) => (c.counters.retried.rate_limited ?? 0) > 0);
  const budget = [edge.cold, edge.warm].some((c) => (c.counters.retried.rate_limit_exceeded ?? 0) > 0);
  out(
    `  FP_RATE_LIMITER (${FP_RATE_LIMIT.limit} requests / ${FP_RATE_LIMIT.periodSeconds} s per FP, counted per ` +
      `request, not per vote; wrangler.toml only, no var): ${
        limited
          ? "HIT — the edge answered 429 rate_limited and the daemon waited its Retry-After (10 s)"
          : `not reached (peak ${f0(Math.max(edge.cold.requestsPerMinute, edge.warm.requestsPerMinute))} requests/min)`
      }. Contract budget (1000 msgs / 10 Babylon blocks, checked by the edge): ${budget ? "HIT" : "not reached"}.`,
  );

  out(
    `\nLive latency (anvil 1 block/s, confirmations ${CONFIRMATIONS}; bench polls the L2 every 50 ms; ` +
      `first seen safe → edge accepted the vote):`,
  );
  out("| l2.pollMs | heights | missing | p50 ms | p90 ms | max ms | min ms | start → 1st vote |");
  out("|-----------|---------|---------|--------|--------|--------|--------|------------------|");
  for (const l of live) {
    out(
      `| ${String(l.pollMs).padStart(9)} | ${String(l.heights).padStart(7)} | ${String(l.missing).padStart(7)} | ` +
        `${f0(quantile(l.latencies, 0.5)).padStart(6)} | ${f0(quantile(l.latencies, 0.9)).padStart(6)} | ` +
        `${f0(quantile(l.latencies, 1)).padStart(6)} | ${f0(quantile(l.latencies, 0)).padStart(6)} | ` +
        `${`${f1(l.firstVoteMs / 1000)} s`.padStart(16)} |`,
    );
  }
  for (const l of live) out(`  counters pollMs ${l.pollMs}: ${countersLine(l.counters)}`);
  out(
    "  The daemon looks at the L2 once per l2.pollMs when idle, so its latency is about pollMs/2 plus one step.",
  );

  const all = [edge.daemon, ...live.map((l) => l.daemon), ...(babylon ? [babylon.daemon] : [])];
  out("\nDaemon warnings/errors (all phases):");
  for (const d of all) out(`  ${warningsLine(d)}`);
  const samples = all.flatMap((d) => d.samples).slice(0, 8);
  for (const s of samples) out(`    e.g. ${s}`);

  const [slow, fast] = live;
  out(
    `\nverdict: edge catch-up ${f0(edge.warm.rate.perSecond)} votes/s warm (${f2(
      edge.warm.rate.perSecond / memory.votesPerSecond,
    )}× signer alone ${f0(memory.votesPerSecond)}/s; signer+SQLite ${f0(sqlite.votesPerSecond)}/s = ${f2(
      sqlite.votesPerSecond / memory.votesPerSecond,
    )}×), cold ${f0(edge.cold.rate.perSecond)}/s` +
      (babylon ? `, babylon transport ${f0(babylon.warm.rate.perSecond)}/s` : "") +
      `; live p50/p90 ${f0(quantile(slow?.latencies ?? [], 0.5))}/${f0(quantile(slow?.latencies ?? [], 0.9))} ms ` +
      `at pollMs ${slow?.pollMs}, ${f0(quantile(fast?.latencies ?? [], 0.5))}/${f0(quantile(fast?.latencies ?? [], 0.9))} ms ` +
      `at pollMs ${fast?.pollMs}; FP rate limit ${limited ? "HIT" : "not reached"}; ${
        [edge.cold, edge.warm].every((c) => c.complete) && live.every((l) => l.missing === 0)
          ? "all votes accepted"
          : "SOME VOTES MISSING"
      } (${elapsed()})`,
  );
}

main().then(
  async () => {
    clearTimeout(deadline);
    await cleanup();
    process.exit(0);
  },
  async (error: unknown) => {
    if (aborted !== undefined) return;
    console.error(
      `bench/fp-daemon failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
    );
    const tail = wranglerTail();
    if (tail) console.error(`wrangler dev, last output:\n${tail}`);
    clearTimeout(deadline);
    await cleanup();
    process.exit(1);
  },
);
