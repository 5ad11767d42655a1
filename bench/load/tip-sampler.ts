/**
 * @module Each chain's finalized tip and lag from `GET /v1/chains/{chain}/status` (fields `l2Head.number`,
 * `finalizedTip.number`, `lag.blocks`, as src/api/routes/status.ts answers them), sampled before, during and
 * after the load, and summarized: median and max lag per phase, whether the tip advanced across the load
 * window, and the longest stretch without a tip move.
 */
import type { Agent } from "node:http";
import { getJson } from "./http-client.ts";
import { median } from "./tally.ts";
import { type ChainFacts, rememberHash } from "./targets.ts";

export type Phase = "before" | "during" | "after";

export type TipSample = {
  phase: Phase;
  /** When the sample was taken (epoch ms). */
  at: number;
  tip: number | null;
  head: number | null;
  lag: number | null;
  error?: string;
};

type Status = {
  l2Head: { number: number; hash: string };
  finalizedTip: { number: number; hash: string } | null;
  lag: { blocks: number; seconds: number } | null;
};

/** One sample; also refreshes the chain's facts (head, tip, hashes) that the generators draw from. */
export async function sampleTip(
  agent: Agent,
  base: URL,
  facts: ChainFacts,
  phase: Phase,
  timeoutMs: number,
): Promise<TipSample> {
  const at = Date.now();
  try {
    const s = await getJson<Status>(agent, base, `/v1/chains/${facts.id}/status`, timeoutMs);
    facts.head = Math.max(facts.head, s.l2Head.number);
    facts.tip = Math.max(facts.tip, s.finalizedTip?.number ?? 0);
    rememberHash(facts, s.l2Head.hash);
    rememberHash(facts, s.finalizedTip?.hash);
    return {
      phase,
      at,
      tip: s.finalizedTip?.number ?? null,
      head: s.l2Head.number,
      lag: s.lag?.blocks ?? null,
    };
  } catch (error) {
    return {
      phase,
      at,
      tip: null,
      head: null,
      lag: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

export type PhaseSummary = {
  samples: number;
  failed: number;
  medianLag: number | null;
  maxLag: number | null;
  /** Tip and head of the last answered sample of the phase. */
  tip: number | null;
  head: number | null;
};

export type ChainLagReport = {
  chain: string;
  before: PhaseSummary;
  during: PhaseSummary;
  after: PhaseSummary;
  /** The tip just before the load and the highest seen during it (tips only move forward). */
  tipAtStart: number | null;
  tipAtEnd: number | null;
  /** The tip height increased across the load window. */
  advanced: boolean;
  /** Longest stretch of the load window with no tip move seen, from answered samples. */
  longestStallMs: number | null;
  /** Median lag during the load ≤ median lag before + the allowed slack. */
  lagWithinSlack: boolean;
  errors: string[];
};

function summarize(samples: readonly TipSample[]): PhaseSummary {
  const ok = samples.filter((s) => s.error === undefined);
  const lags = ok.flatMap((s) => (s.lag === null ? [] : [s.lag]));
  const last = ok.at(-1);
  return {
    samples: samples.length,
    failed: samples.length - ok.length,
    medianLag: median(lags),
    maxLag: lags.length > 0 ? Math.max(...lags) : null,
    tip: last?.tip ?? null,
    head: last?.head ?? null,
  };
}

function longestStall(samples: readonly TipSample[], start: TipSample | undefined): number | null {
  const points = [start, ...samples].filter((s): s is TipSample => s?.tip !== null && s?.tip !== undefined);
  if (points.length < 2) return null;
  let longest = 0;
  let since = points[0] as TipSample;
  for (const p of points.slice(1)) {
    if ((p.tip as number) > (since.tip as number)) since = p;
    longest = Math.max(longest, p.at - since.at);
  }
  return longest;
}

export function chainLagReport(
  chain: string,
  samples: readonly TipSample[],
  slackBlocks: number,
): ChainLagReport {
  const of = (phase: Phase) => samples.filter((s) => s.phase === phase);
  const before = summarize(of("before"));
  const during = summarize(of("during"));
  const lastBefore = of("before")
    .filter((s) => s.tip !== null)
    .at(-1);
  const duringTips = of("during").flatMap((s) => (s.tip === null ? [] : [s.tip]));
  const tipAtStart = lastBefore?.tip ?? null;
  const tipAtEnd = duringTips.length > 0 ? Math.max(...duringTips) : null;
  return {
    chain,
    before,
    during,
    after: summarize(of("after")),
    tipAtStart,
    tipAtEnd,
    advanced: tipAtStart !== null && tipAtEnd !== null && tipAtEnd > tipAtStart,
    longestStallMs: longestStall(of("during"), lastBefore),
    lagWithinSlack:
      before.medianLag !== null &&
      during.medianLag !== null &&
      during.medianLag <= before.medianLag + slackBlocks,
    errors: [...new Set(samples.flatMap((s) => (s.error ? [`${s.phase}: ${s.error}`] : [])))].slice(0, 4),
  };
}
