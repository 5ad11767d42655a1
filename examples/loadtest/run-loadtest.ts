/**
 * @module `runLoadtest`: L2 transfers at a fixed rate for a fixed time (spread over anvil's dev accounts, local
 * nonces), each followed until it is BTC-finalized through the SDK; then the counts and the latencies.
 *
 * Finality is followed with ONE `watchFinalized` for the whole load, not a `waitForTxFinality` poller per
 * transaction: at 20 tx/s a poller each would put some 60 pending-decision requests a second on the edge, and the
 * run would measure its own polling. When the finalized chain passes a transaction's block (same hash), the edge's
 * tx route confirms it (`getTxFinality`: one request per transaction); a transaction whose block was replaced, or
 * that the edge does not confirm, falls back to `waitForTxFinality`.
 *
 * Bounded: each transaction fails as a timeout `waitTimeoutSec` after it was sent, and the whole run stops at
 * duration + wait timeout + a margin, whatever is left. Loopback URLs only.
 */
import { createPublicClient, type Hash, http } from "viem";
import { createFinalityClient, type FinalityClient } from "../../sdk/src/index.ts";
import { assertLoopbackUrl } from "../shared/loopback.ts";
import { createSenders, MAX_ACCOUNTS, readFees } from "./accounts.ts";
import { followBlocks } from "./follow-blocks.ts";
import { formatProgress, type LatencySummary, summarize } from "./report.ts";
import { createTracker, type Tracker, type TxRecord } from "./tracker.ts";

export type LoadtestOptions = {
  /** The Finality Edge (default http://127.0.0.1:8787). */
  edge?: string;
  /** The chain's L2 JSON-RPC (default: the devnet's, for the devnet's two chains). */
  rpc?: string;
  chain?: string;
  /** Transactions per second (default 20). */
  rate?: number;
  /** Seconds of sending (default 60). */
  durationSec?: number;
  /** Dev accounts to spread the load over (default 8, at most 9). */
  accounts?: number;
  /** Per transaction, from its sending to BTC finality (default 120). */
  waitTimeoutSec?: number;
  /** A live line this often (default 2000; 0: none). */
  progressEveryMs?: number;
  log?: (line: string) => void;
};

export type ResolvedLoadtestOptions = Required<Omit<LoadtestOptions, "log">>;

export type LoadtestReport = {
  options: ResolvedLoadtestOptions;
  startedAt: string;
  elapsedMs: number;
  /** Sends per second actually achieved over the sending window. */
  achievedRate: number;
  sent: number;
  included: number;
  finalized: number;
  failed: number;
  /** Unsettled when the run ended: always 0 (the deadline fails them). */
  inFlight: number;
  deadlineHit: boolean;
  /** Failure reason → count. */
  failures: Record<string, number>;
  latencyMs: { finalized: LatencySummary; included: LatencySummary };
};

const DEVNET_RPC: Record<string, string> = {
  "edge-devnet-l2": "http://127.0.0.1:8545",
  "edge-devnet-l2b": "http://127.0.0.1:8546",
};
const MARGIN_MS = 10_000;

export function resolveLoadtestOptions(options: LoadtestOptions = {}): ResolvedLoadtestOptions {
  const chain = options.chain ?? "edge-devnet-l2";
  const rpc = options.rpc ?? DEVNET_RPC[chain];
  if (!rpc) throw new Error(`--rpc: no default L2 RPC for chain ${chain}`);
  const resolved = {
    edge: options.edge ?? "http://127.0.0.1:8787",
    rpc,
    chain,
    rate: options.rate ?? 20,
    durationSec: options.durationSec ?? 60,
    accounts: options.accounts ?? 8,
    waitTimeoutSec: options.waitTimeoutSec ?? 120,
    progressEveryMs: options.progressEveryMs ?? 2_000,
  };
  assertLoopbackUrl(resolved.edge, "--edge");
  assertLoopbackUrl(resolved.rpc, "--rpc");
  const positive = (name: string, v: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!(v > 0 && v <= max)) throw new Error(`--${name} ${v}: expected a number in (0, ${max}]`);
  };
  positive("rate", resolved.rate, 1_000);
  positive("duration", resolved.durationSec);
  positive("wait-timeout", resolved.waitTimeoutSec);
  positive("accounts", resolved.accounts, MAX_ACCOUNTS);
  if (!Number.isInteger(resolved.accounts))
    throw new Error(`--accounts ${resolved.accounts}: not an integer`);
  return resolved;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

export async function runLoadtest(input: LoadtestOptions = {}): Promise<LoadtestReport> {
  const options = resolveLoadtestOptions(input);
  const log = input.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const stop = new AbortController();
  const { signal } = stop;
  const hardDeadline = t0 + (options.durationSec + options.waitTimeoutSec) * 1000 + MARGIN_MS;
  const l2 = createPublicClient({ transport: http(options.rpc) });
  const edge = createFinalityClient({ url: options.edge, chain: options.chain });
  const tracker = createTracker();
  const finality = followFinality(edge, tracker, signal, (r) => r.deadline - performance.now());

  const [fees, head] = await Promise.all([readFees(l2), l2.getBlockNumber({ cacheTime: 0 })]);
  const senders = await createSenders(l2, options.accounts, fees);
  const blocks = followBlocks(
    l2,
    head,
    (block) => {
      const at = performance.now();
      const ref = { number: block.number, hash: block.hash };
      for (const tx of block.txs) {
        const record = tracker.included(tx, ref, at);
        if (record) finality.onIncluded(record);
      }
    },
    signal,
  );
  const unwatch = edge.watchFinalized(finality.onFinalized, {
    fromHeight: Number(head) + 1,
    pollIntervalMs: 1_000,
    signal,
    onError: () => {
      // The edge unreachable for a poll: watching resumes where it stood.
    },
  });

  const progress =
    options.progressEveryMs > 0
      ? setInterval(
          () => log(formatProgress(performance.now() - t0, tracker.counts())),
          options.progressEveryMs,
        )
      : undefined;
  const sweeper = setInterval(() => tracker.expire(performance.now()), 500);

  // Sending: on an absolute schedule (t0 + i / rate), so a slow send does not slow the rate down.
  const total = Math.round(options.rate * options.durationSec);
  const sends: Promise<void>[] = [];
  let lastSendAt = t0;
  for (let i = 0; i < total && !signal.aborted; i++) {
    await sleep(t0 + (i * 1000) / options.rate - performance.now(), signal);
    const sender = senders[i % senders.length];
    if (!sender || performance.now() > hardDeadline) break;
    let record: TxRecord | undefined;
    const sending = sender.send((hash: Hash) => {
      lastSendAt = performance.now();
      record = tracker.track(hash, lastSendAt, lastSendAt + options.waitTimeoutSec * 1000);
    });
    sends.push(
      sending.catch((error: unknown) => {
        const message = (error instanceof Error ? error.message : String(error)).split("\n", 1)[0];
        if (record) tracker.fail(record, `send: ${message}`);
      }),
    );
  }
  // A node that stops answering must not hold the run past its deadline.
  await Promise.race([Promise.all(sends), sleep(hardDeadline - performance.now(), signal)]);

  // Waiting: until every transaction is settled (each has its own deadline) or the hard deadline.
  while (tracker.counts().inFlight > 0 && performance.now() < hardDeadline) await sleep(250, signal);
  const deadlineHit = tracker.counts().inFlight > 0;
  tracker.expire(performance.now(), true);
  clearInterval(progress);
  clearInterval(sweeper);
  unwatch();
  stop.abort();
  await blocks;
  const counts = tracker.counts();
  log(formatProgress(performance.now() - t0, counts));

  const records = tracker.records();
  const sendWindowS = Math.max(0.001, (lastSendAt - t0) / 1000);
  return {
    options,
    startedAt,
    elapsedMs: Math.round(performance.now() - t0),
    achievedRate: counts.sent > 1 ? (counts.sent - 1) / sendWindowS : counts.sent,
    ...counts,
    deadlineHit,
    failures: tracker.failures(),
    latencyMs: {
      finalized: summarize(
        records.flatMap((r) => (r.finalizedAt === undefined ? [] : [r.finalizedAt - r.sentAt])),
      ),
      included: summarize(
        records.flatMap((r) => (r.includedAt === undefined ? [] : [r.includedAt - r.sentAt])),
      ),
    },
  };
}

/**
 * The finality side: finalized blocks as the edge's watcher hands them over, matched with the blocks our
 * transactions were seen in (either may come first), confirmed per transaction through the tx route.
 */
function followFinality(
  edge: FinalityClient,
  tracker: Tracker,
  signal: AbortSignal,
  timeLeft: (record: TxRecord) => number,
) {
  const finalizedHashes = new Map<number, string>();

  const confirm = async (record: TxRecord) => {
    try {
      const answer = await edge.getTxFinality(record.hash, { signal });
      if (answer.finalized) return tracker.finalized(record, performance.now());
    } catch {
      // Not confirmed now (the edge busy, the node behind): the fallback below waits for it.
    }
    return fallback(record);
  };
  const fallback = async (record: TxRecord) => {
    try {
      await edge.waitForTxFinality(record.hash, { signal, timeoutMs: Math.max(1, timeLeft(record)) });
      tracker.finalized(record, performance.now());
    } catch {
      // Its deadline or the run's end: the tracker's sweep fails it with the reason.
    }
  };
  const match = (record: TxRecord) => {
    const finalized = record.block ? finalizedHashes.get(record.block.number) : undefined;
    if (finalized === undefined) return;
    // Another block finalized at that height: ours was reorged out; the tx may be in a later one.
    void (finalized === record.block?.hash.toLowerCase() ? confirm(record) : fallback(record));
  };

  return {
    onIncluded: match,
    onFinalized(block: { number: number; hash: string }) {
      finalizedHashes.set(block.number, block.hash.toLowerCase());
      for (const record of tracker.at(block.number)) match(record);
    },
  };
}
