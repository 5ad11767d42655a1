/**
 * @module `runLoad`: N concurrent clients for T seconds against a running stack's Worker API (loopback only),
 * each sending a seeded mix of valid reads and hostile requests (hostile-requests.ts), while the stack's FP daemons
 * keep voting; each chain's finalized tip and lag are sampled before, every ~2 s during, and after the load.
 *
 * Bounded: every request has a timeout (a request not answered by then is counted as hung, never awaited), the
 * whole run has a hard deadline (seconds + a margin), and every socket is destroyed at the end. Returns a report
 * whose `verdict` a test can assert on; it never throws for what the server does.
 */
import { Agent } from "node:http";
import type { Socket } from "node:net";
import { discoverChains, discoverFacts } from "./discover.ts";
import { type ClientIdentity, nextRequest } from "./hostile-requests.ts";
import { sendHttp } from "./http-client.ts";
import { createRng } from "./prng.ts";
import { sendAndDisconnect } from "./raw-socket.ts";
import { formatLiveLine } from "./report.ts";
import { createTally, type TallySnapshot } from "./tally.ts";
import type { ChainFacts } from "./targets.ts";
import { type ChainLagReport, chainLagReport, sampleTip, type TipSample } from "./tip-sampler.ts";

export type LoadOptions = {
  /** The Worker's base URL, e.g. http://127.0.0.1:8787 (loopback only). */
  url: string;
  clients?: number;
  seconds?: number;
  /** Chain ids; default: every chain of GET /v1/chains. */
  chains?: string[];
  /** Per request: no complete answer by then = hung. */
  timeoutMs?: number;
  seed?: number;
  /** Status sampling period during the load. */
  sampleEveryMs?: number;
  /** Status samples (1 s apart) before the load: the usual lag. And after it. */
  baselineSamples?: number;
  afterSamples?: number;
  /** The verdict allows the median lag during the load to exceed the usual one by this many blocks. */
  lagSlackBlocks?: number;
  /**
   * Each client sends its own `cf-connecting-ip` (198.18.0.0/15, the benchmarking range), as Cloudflare sets it
   * in production. Without it every loopback request shares one rate-limit key with the FP daemons, and the load
   * would measure the loopback setup (junk spending the daemons' per-IP budget) instead of the Worker.
   */
  distinctClientIps?: boolean;
  /** A live line this often (0: none). */
  progressEveryMs?: number;
  log?: (line: string) => void;
};

export type ResolvedLoadOptions = Required<Omit<LoadOptions, "chains" | "log">> & { chains: string[] | null };

export type LoadVerdict = {
  /** Every answer with status ≥ 500, split below by who wrote it. */
  responses5xx: number;
  workerProblem5xx: number;
  runtime5xx: number;
  other5xx: number;
  /** 502/503 whose problem code is `upstream_*` (an upstream was down or broken). */
  upstream5xx: number;
  hung: number;
  nonProblem4xx: number;
  /** Junk answered 2xx: the edge accepted something a correct verifier refuses. */
  junkAccepted: number;
  allChainsAdvanced: boolean;
  allLagsWithinSlack: boolean;
  pass: boolean;
  failures: string[];
};

export type LoadReport = {
  options: ResolvedLoadOptions;
  startedAt: string;
  /** When the load window opened (epoch ms; samples carry epoch ms too). */
  loadStartedAt: number | null;
  /** The whole run, discovery to the last sample. */
  durationMs: number;
  /** The load window itself. */
  loadMs: number;
  deadlineHit: boolean;
  setupProblems: string[];
  requests: TallySnapshot;
  chains: ChainLagReport[];
  samples: Record<string, TipSample[]>;
  verdict: LoadVerdict;
};

const DEFAULTS = {
  clients: 8,
  seconds: 60,
  timeoutMs: 10_000,
  seed: 1,
  sampleEveryMs: 2_000,
  baselineSamples: 5,
  afterSamples: 3,
  lagSlackBlocks: 4,
  distinctClientIps: true,
  progressEveryMs: 5_000,
};
const SAMPLE_GAP_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function resolveLoadOptions(options: LoadOptions): ResolvedLoadOptions {
  const { log: _log, chains, ...rest } = options;
  const resolved = { ...DEFAULTS, ...rest, chains: chains && chains.length > 0 ? chains : null };
  const host = new URL(resolved.url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host))
    throw new Error(`--url ${resolved.url}: loopback only`);
  return resolved;
}

function verdictOf(requests: TallySnapshot, chains: ChainLagReport[], setupProblems: string[]): LoadVerdict {
  const responses5xx = requests.workerProblem5xx + requests.runtime5xx + requests.other5xx;
  const failures: string[] = [];
  if (chains.length === 0) failures.push(`no chain to load (${setupProblems.join("; ") || "none found"})`);
  if (responses5xx > 0) {
    failures.push(
      `${responses5xx} answers ≥ 500 (Worker problem+json ${requests.workerProblem5xx}, runtime text/plain ` +
        `${requests.runtime5xx}, other ${requests.other5xx}; upstream_* ${requests.upstream5xx})`,
    );
  }
  if (requests.hung > 0) failures.push(`${requests.hung} requests hung (no complete answer in time)`);
  if (requests.nonProblem4xx > 0) failures.push(`${requests.nonProblem4xx} 4xx answers not problem+json`);
  if (requests.junkAccepted > 0) failures.push(`${requests.junkAccepted} junk submissions answered 2xx`);
  for (const c of chains) {
    if (!c.advanced)
      failures.push(`${c.chain}: finalized tip did not advance (${c.tipAtStart} → ${c.tipAtEnd})`);
    if (!c.lagWithinSlack) {
      failures.push(
        `${c.chain}: median lag during ${c.during.medianLag} vs usual ${c.before.medianLag} (+slack)`,
      );
    }
  }
  return {
    responses5xx,
    workerProblem5xx: requests.workerProblem5xx,
    runtime5xx: requests.runtime5xx,
    other5xx: requests.other5xx,
    upstream5xx: requests.upstream5xx,
    hung: requests.hung,
    nonProblem4xx: requests.nonProblem4xx,
    junkAccepted: requests.junkAccepted,
    allChainsAdvanced: chains.length > 0 && chains.every((c) => c.advanced),
    allLagsWithinSlack: chains.length > 0 && chains.every((c) => c.lagWithinSlack),
    pass: failures.length === 0,
    failures,
  };
}

export async function runLoad(input: LoadOptions): Promise<LoadReport> {
  const options = resolveLoadOptions(input);
  const log = input.log ?? (() => {});
  const base = new URL(options.url);
  const port = Number(base.port || 80);
  const startedAt = Date.now();
  const tally = createTally();
  const setupProblems: string[] = [];
  const samples = new Map<string, TipSample[]>();
  const facts: ChainFacts[] = [];
  // Discovery and sampling have their own connections, apart from the load clients'.
  const aux = new Agent({ keepAlive: true });
  const agents: Agent[] = [aux];
  const rawSockets = new Set<Socket>();
  let stopped = false;
  let loadStartedAt = Number.NaN;
  let loadEndedAt = Number.NaN;

  const sample = async (phase: TipSample["phase"]) => {
    // Past the hard deadline nothing new is started: its sockets are gone.
    if (stopped) return;
    const taken = await Promise.all(facts.map((f) => sampleTip(aux, base, f, phase, options.timeoutMs)));
    facts.forEach((f, i) => {
      samples.get(f.id)?.push(taken[i] as TipSample);
    });
  };

  const client = async (index: number, loadEnd: number) => {
    const rng = createRng((options.seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const identity: ClientIdentity = {
      host: base.host,
      headers: options.distinctClientIps
        ? { "cf-connecting-ip": `198.18.${index >> 8}.${(index % 254) + 1}` }
        : {},
    };
    while (!stopped && Date.now() < loadEnd) {
      const spec = nextRequest(rng, facts, identity);
      if (spec.transport === "disconnect") {
        const outcome = await sendAndDisconnect(base.hostname, port, spec, rawSockets);
        if (!stopped) tally.recordDisconnect(spec.family, spec.label, outcome);
        continue;
      }
      const outcome = await sendHttp(
        agent,
        base,
        { ...spec, headers: { ...identity.headers, ...spec.headers } },
        options.timeoutMs,
      );
      // After the hard deadline every socket is destroyed: those errors are ours, not the server's.
      if (!stopped) tally.recordHttp(spec, outcome);
    }
  };

  const run = async () => {
    const ids = options.chains ?? (await discoverChains(aux, base, options.timeoutMs));
    for (const id of ids) {
      const found = await discoverFacts(aux, base, id, options.timeoutMs);
      facts.push(found.facts);
      setupProblems.push(...found.problems);
      samples.set(id, []);
    }
    if (facts.length === 0) return;
    for (let i = 0; i < options.baselineSamples; i++) {
      if (i > 0) await sleep(SAMPLE_GAP_MS);
      await sample("before");
    }
    loadStartedAt = Date.now();
    const loadEnd = loadStartedAt + options.seconds * 1000;
    log(
      `load: ${options.clients} clients for ${options.seconds} s against ${options.url} (${ids.join(", ")})`,
    );
    const pending = new Set<Promise<void>>();
    const every = (ms: number, fn: () => void) => (ms > 0 ? setInterval(fn, ms) : undefined);
    const sampler = every(options.sampleEveryMs, () => {
      const p = sample("during");
      pending.add(p);
      void p.finally(() => pending.delete(p));
    });
    const progress = every(options.progressEveryMs, () =>
      log(formatLiveLine(Date.now() - loadStartedAt, tally.snapshot(), samples)),
    );
    try {
      await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i, loadEnd)));
    } finally {
      clearInterval(sampler);
      clearInterval(progress);
    }
    loadEndedAt = Date.now();
    // The tip as the load ends (in-flight samples finish first; each is bounded by the request timeout).
    await Promise.all([...pending, sample("during")]);
    for (let i = 0; i < options.afterSamples; i++) {
      if (i > 0) await sleep(SAMPLE_GAP_MS);
      await sample("after");
    }
  };

  const hardDeadlineMs =
    options.seconds * 1000 +
    (options.baselineSamples + options.afterSamples) * (SAMPLE_GAP_MS + options.timeoutMs) +
    // discovery (a few requests per chain) and the drain of in-flight requests at the end
    5 * options.timeoutMs +
    10_000;
  let deadlineHit = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      deadlineHit = true;
      resolve();
    }, hardDeadlineMs);
  });
  await Promise.race([
    run().catch((error: unknown) => {
      setupProblems.push(`run: ${error instanceof Error ? error.message : error}`);
    }),
    deadline,
  ]);
  clearTimeout(timer);
  stopped = true;
  for (const agent of agents) agent.destroy();
  for (const socket of rawSockets) socket.destroy();

  const requests = tally.snapshot();
  const chains = facts.map((f) => chainLagReport(f.id, samples.get(f.id) ?? [], options.lagSlackBlocks));
  if (deadlineHit) setupProblems.push(`hard deadline of ${hardDeadlineMs} ms reached: stopped`);
  return {
    options,
    startedAt: new Date(startedAt).toISOString(),
    loadStartedAt: Number.isNaN(loadStartedAt) ? null : loadStartedAt,
    durationMs: Date.now() - startedAt,
    loadMs: Number.isNaN(loadStartedAt)
      ? 0
      : (Number.isNaN(loadEndedAt) ? Date.now() : loadEndedAt) - loadStartedAt,
    deadlineHit,
    setupProblems,
    requests,
    chains,
    samples: Object.fromEntries(samples),
    verdict: verdictOf(requests, chains, setupProblems),
  };
}
