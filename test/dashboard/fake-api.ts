/**
 * @module A fake of the Worker for the dashboard's browser test, on 127.0.0.1 (port 0: a free one): the built page
 * (`dashboard/dist/`) at `/` and the read API it calls, in the API's own shapes (dashboard/src/types.ts), with
 * ETags (304 on `If-None-Match`) and the SSE event stream. State is a function of the clock, so the L2 head moves
 * one block per `blockMs` with no timer: the finalized tip trails it by `tipLag` (or stands still when frozen);
 * one FP misses most heights; one is slashed (its equivocation and slash are in the event log's history, and it
 * has no power, so no rows). A ticker only publishes `finalized` events to open streams.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import type {
  BlockRef,
  ChainInfo,
  ChainStatus,
  LagHistory,
  ProvidersAnswer,
  SubmissionMetrics,
  Vote,
  VoteHistory,
} from "../../dashboard/src/types.ts";

export type FpRef = { chain: string; index: number };

export type FakeApiOptions = {
  chains?: string[];
  fpsPerChain?: number;
  /** The FP that misses two heights of three. Default: FP 1 of the second chain (the first if only one). */
  missedFp?: FpRef;
  /** Slashed before the window: no power, history events logged. Default: FP 3 of the second chain. */
  slashedFp?: FpRef | null;
  blockMs?: number;
  tipLag?: number;
  /** Seconds of chain before the server started (what lag-history and vote-history have to show). */
  pastSeconds?: number;
  /** The built page. */
  distDir?: string;
  /** Resources (`vote-history`, `lag-history`, …) answered 503 problem+json, as when history is not recorded. */
  unavailable?: string[];
};

export type FakeApi = {
  url: string;
  chains: string[];
  fps(chain: string): string[];
  missedFp: { chain: string; fpBtcPk: string };
  /** Stops (true) or resumes (false) a chain's finalized tip. */
  freezeTip(chain: string, frozen: boolean): void;
  /** Logs an event and sends it to open streams, as the coordinator would. */
  emit(chain: string, type: "equivocation" | "slashed", data: Record<string, unknown>): void;
  /** Replaces the set of resources answered 503. */
  setUnavailable(resources: string[]): void;
  /** Requests seen: path and query, the answer's status, whether it was conditional. */
  requests: { path: string; status: number; conditional: boolean }[];
  close(): Promise<void>;
};

type Logged = { seq: number; id: string; type: string; data: unknown; height: number };
type Subscriber = { res: ServerResponse; types: Set<string> | null };

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};
const POWERS = [4_000_000, 3_000_000, 2_000_000, 1_000_000, 500_000, 250_000];
const BTC_BASE = 900_000;

const hex = (text: string, bytes: number) =>
  createHash("sha256")
    .update(text)
    .digest("hex")
    .slice(0, bytes * 2);

export async function startFakeApi(o: FakeApiOptions = {}): Promise<FakeApi> {
  const chains = o.chains ?? ["edge-devnet-l2", "edge-devnet-l2b"];
  const fpCount = o.fpsPerChain ?? 4;
  const blockMs = o.blockMs ?? 1000;
  const tipLag = o.tipLag ?? 3;
  const second = chains[1] ?? (chains[0] as string);
  const missed = o.missedFp ?? { chain: second, index: 1 };
  const slashed = o.slashedFp === undefined ? { chain: second, index: 3 } : o.slashedFp;
  const dist = resolve(o.distDir ?? "dashboard/dist");
  // Block 0 at `genesisMs`; whole seconds keep block timestamps integers at the default pace.
  const genesisMs = Math.floor(Date.now() / 1000) * 1000 - (o.pastSeconds ?? 600) * 1000;
  const keys = new Map(
    chains.map((c) => [c, Array.from({ length: fpCount }, (_, i) => hex(`${c}/fp-${i}`, 32))]),
  );
  const frozen = new Map<string, number>();
  const logs = new Map<string, Logged[]>(chains.map((c) => [c, []]));
  const subscribers = new Map<string, Set<Subscriber>>(chains.map((c) => [c, new Set()]));
  const published = new Map<string, number>();
  const requests: FakeApi["requests"] = [];
  let unavailable = new Set(o.unavailable ?? []);
  let seq = 0;

  const fpKey = (ref: FpRef) => keys.get(ref.chain)?.[ref.index] ?? "";
  const isFp = (ref: FpRef | null, chain: string, i: number) =>
    ref !== null && ref.chain === chain && ref.index === i;
  const headNumber = () => Math.floor((Date.now() - genesisMs) / blockMs);
  const timestampOf = (n: number) => Math.floor((genesisMs + n * blockMs) / 1000);
  const block = (chain: string, n: number): BlockRef => ({
    number: n,
    hash: `0x${hex(`${chain}/${n}`, 32)}`,
    timestamp: timestampOf(n),
  });
  const tipNumber = (chain: string) => frozen.get(chain) ?? Math.max(0, headNumber() - tipLag);
  const finalizedAt = (n: number) => timestampOf(n) + Math.round((tipLag * blockMs) / 1000);
  const btcHeight = () => BTC_BASE + Math.floor((Date.now() - genesisMs) / 600_000);

  /** The vote of FP `i` at height `n`, or null when it had no power there. */
  const voteOf = (chain: string, i: number, n: number): Vote | null => {
    if (isFp(slashed, chain, i)) return null;
    if (isFp(missed, chain, i)) return n % 3 === 0 ? "voted" : "missed";
    if (i === 2 && n % 7 === 0) return "late";
    return "voted";
  };
  const powerOf = (chain: string, i: number) => (isFp(slashed, chain, i) ? 0 : (POWERS[i] ?? 100_000));
  const totalPower = (chain: string) =>
    (keys.get(chain) ?? []).reduce((sum, _k, i) => sum + powerOf(chain, i), 0);

  const info = (chain: string): ChainInfo => ({
    id: chain,
    babylonChainId: "bbn-devnet-1",
    contractAddress: `bbn1${hex(`${chain}/contract`, 19)}`,
    quorum: { numerator: 2, denominator: 3 },
    contract: { bsnId: `${chain}-bsn`, activationHeight: 1, interval: 1 },
  });

  const status = (chain: string): ChainStatus => {
    const head = headNumber();
    const tip = tipNumber(chain);
    return {
      chain,
      contract: { bsnId: `${chain}-bsn`, activationHeight: 1, interval: 1 },
      l2Head: block(chain, head),
      finalizedTip: block(chain, tip),
      lag: { blocks: head - tip, seconds: timestampOf(head) - timestampOf(tip) },
      activation: { height: 1, btcStakingActivatedAt: timestampOf(0), btcHeight: BTC_BASE },
      fpCount: keys.get(chain)?.length ?? 0,
      totalPower: String(totalPower(chain)),
      lastTipUpdate: finalizedAt(tip),
    };
  };

  const voteHistory = (chain: string, q: URLSearchParams): VoteHistory => {
    const tip = tipNumber(chain);
    const to = Math.min(tip, q.has("to") ? Number(q.get("to")) : tip);
    const from = q.has("from") ? Math.max(1, Number(q.get("from")), to - 199) : Math.max(1, to - 59);
    const heights: VoteHistory["heights"] = [];
    for (let n = from; n <= to; n++) {
      const votes = (keys.get(chain) ?? []).flatMap((fpBtcPk, i) => {
        const vote = voteOf(chain, i, n);
        return vote === null ? [] : [{ fpBtcPk, power: String(powerOf(chain, i)), vote }];
      });
      const votedPower = votes
        .filter((v) => v.vote === "voted" || v.vote === "late")
        .reduce((sum, v) => sum + Number(v.power), 0);
      heights.push({
        block: { number: n, hash: block(chain, n).hash },
        timestamp: timestampOf(n),
        finalizedAt: finalizedAt(n),
        btcHeight: btcHeight(),
        votedPower: String(votedPower),
        totalPower: String(totalPower(chain)),
        votes,
      });
    }
    return { chain, recordedTo: tip, heights };
  };

  const providers = (chain: string, q: URLSearchParams): ProvidersAnswer => {
    const window = Math.min(100, Number(q.get("window") ?? 20) || 20);
    const head = headNumber();
    const tip = tipNumber(chain);
    const grid = Array.from({ length: window }, (_, k) => tip - window + 1 + k).filter((n) => n >= 1);
    return {
      chain,
      bsnId: `${chain}-bsn`,
      btcHeight: btcHeight(),
      totalPower: String(totalPower(chain)),
      l2Head: block(chain, head),
      gridHeights: grid,
      providers: (keys.get(chain) ?? []).map((fpBtcPk, i) => {
        const voted = grid.filter((n) => {
          const v = voteOf(chain, i, n);
          return v === "voted" || v === "late";
        });
        return {
          fpBtcPk,
          power: String(powerOf(chain, i)),
          slashed: isFp(slashed, chain, i),
          lastVotedHeight: voted.length > 0 ? (voted[voted.length - 1] as number) : null,
          recentVotes: { window, count: voted.length },
        };
      }),
    };
  };

  const lagHistory = (chain: string, q: URLSearchParams): LagHistory => {
    const minutes = Math.min(60, Number(q.get("minutes") ?? 60) || 60);
    const tip = tipNumber(chain);
    const since = Date.now() / 1000 - minutes * 60;
    const numbers: number[] = [];
    for (let n = tip; n >= 1 && timestampOf(n) >= since; n--) numbers.unshift(n);
    // At most 720 points: thin evenly, as the real one does for a busy hour.
    const step = Math.ceil(numbers.length / 720) || 1;
    const points = numbers
      .filter((_, k) => k % step === 0)
      .map((n) => ({ number: n, timestamp: timestampOf(n), finalizedAt: finalizedAt(n) }));
    return { chain, points };
  };

  const metrics = (chain: string): SubmissionMetrics => {
    // Steps every 30 s, so polls in between are answered 304.
    const n = Math.floor((Date.now() - genesisMs) / 30_000);
    return {
      chain,
      accepted: { commit: n, vote: n * 30 * fpCount },
      duplicates: n,
      equivocations: slashed?.chain === chain ? 1 : 0,
      refused: n > 0 ? { STALE_VOTE: n, BAD_SIGNATURE: 1 } : {},
      submitted: n * 30 * fpCount,
      transactions: n * 6,
      batchSizes: { "25": n * 4, "10": n * 2 },
      txFailures: 0,
      failed: 0,
      retries: Math.floor(n / 3),
      since: Math.floor(genesisMs / 1000),
    };
  };

  const frame = (e: Logged) => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
  const log = (chain: string, type: string, data: unknown, height: number) => {
    seq += 1;
    const entry: Logged = {
      seq,
      id: type === "finalized" ? String(height) : `${height}:${seq}`,
      type,
      data,
      height,
    };
    logs.get(chain)?.push(entry);
    for (const sub of subscribers.get(chain) ?? []) {
      if (!sub.types || sub.types.has(type)) sub.res.write(frame(entry));
    }
  };
  if (slashed) {
    const pk = fpKey(slashed);
    log(slashed.chain, "equivocation", { fpBtcPkHex: pk, height: 12, source: "babylon" }, 10);
    log(slashed.chain, "slashed", { fpBtcPkHex: pk, babylonHeight: 321, btcHeight: BTC_BASE }, 10);
  }
  for (const chain of chains) published.set(chain, tipNumber(chain));
  const ticker = setInterval(() => {
    for (const chain of chains) {
      const tip = tipNumber(chain);
      for (let n = (published.get(chain) ?? tip) + 1; n <= tip; n++)
        log(chain, "finalized", block(chain, n), n);
      published.set(chain, Math.max(tip, published.get(chain) ?? tip));
    }
  }, 200);
  const heartbeat = setInterval(() => {
    for (const subs of subscribers.values()) for (const sub of subs) sub.res.write(": heartbeat\n\n");
  }, 15_000);

  const events = (chain: string, q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const types = q.get("types") ? new Set((q.get("types") as string).split(",")) : null;
    const lastId = req.headers["last-event-id"];
    const entries = logs.get(chain) ?? [];
    let replay: Logged[] = [];
    if (typeof lastId === "string" && lastId !== "") {
      const at = entries.findIndex((e) => e.id === lastId);
      replay = at >= 0 ? entries.slice(at + 1) : entries;
    } else if (q.has("from")) {
      const from = Number(q.get("from"));
      replay = entries.filter((e) => e.height > from);
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store" });
    res.write(
      `retry: 3000\n\n${replay
        .filter((e) => !types || types.has(e.type))
        .map(frame)
        .join("")}`,
    );
    const sub: Subscriber = { res, types };
    subscribers.get(chain)?.add(sub);
    res.on("close", () => subscribers.get(chain)?.delete(sub));
  };

  const problem = (res: ServerResponse, status: number, code: string, detail: string) => {
    res.writeHead(status, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ type: "about:blank", title: code, status, code, detail }));
  };

  /** JSON with an ETag; 304 when the client already has it. */
  const json = (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const text = JSON.stringify(body);
    const etag = `"${hex(text, 12)}"`;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", etag, "cache-control": "no-store" });
    res.end(text);
  };

  const api = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.pathname === "/v1/chains") return json(req, res, { chains: chains.map(info) });
    const match = /^\/v1\/chains\/([^/]+)\/([a-z-]+)$/.exec(url.pathname);
    const chain = match ? decodeURIComponent(match[1] as string) : "";
    if (!match || !keys.has(chain))
      return problem(res, 404, "NOT_FOUND", `${url.pathname}: no such resource`);
    const q = url.searchParams;
    if (unavailable.has(match[2] as string)) {
      return problem(res, 503, "HISTORY_UNAVAILABLE", `${match[2]} of ${chain} is unavailable`);
    }
    switch (match[2]) {
      case "status":
        return json(req, res, status(chain));
      case "vote-history":
        return json(req, res, voteHistory(chain, q));
      case "finality-providers":
        return json(req, res, providers(chain, q));
      case "lag-history":
        return json(req, res, lagHistory(chain, q));
      case "submission-metrics":
        return json(req, res, metrics(chain));
      case "events":
        return events(chain, q, req, res);
      default:
        return problem(res, 404, "NOT_FOUND", `${url.pathname}: no such resource`);
    }
  };

  const files = async (res: ServerResponse, path: string) => {
    const file = normalize(join(dist, path === "/" ? "index.html" : decodeURIComponent(path)));
    if (!file.startsWith(dist + sep)) throw new Error("outside the root");
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(body);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    res.on("finish", () =>
      requests.push({
        path: `${url.pathname}${url.search}`,
        status: res.statusCode,
        conditional: req.headers["if-none-match"] !== undefined,
      }),
    );
    if (req.method !== "GET") return problem(res, 405, "METHOD_NOT_ALLOWED", "GET only");
    if (url.pathname.startsWith("/v1/")) return api(req, res, url);
    files(res, url.pathname).catch(() => problem(res, 404, "NOT_FOUND", `${url.pathname}: no such file`));
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    chains,
    fps: (chain) => [...(keys.get(chain) ?? [])],
    missedFp: { chain: missed.chain, fpBtcPk: fpKey(missed) },
    freezeTip(chain, on) {
      if (on) frozen.set(chain, tipNumber(chain));
      else frozen.delete(chain);
    },
    setUnavailable(resources) {
      unavailable = new Set(resources);
    },
    emit(chain, type, data) {
      log(chain, type, data, tipNumber(chain));
    },
    requests,
    close: () =>
      new Promise((done) => {
        clearInterval(ticker);
        clearInterval(heartbeat);
        for (const subs of subscribers.values()) for (const sub of subs) sub.res.end();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
