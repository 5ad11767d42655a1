/** @module Text for people: the live line printed during the load and the final report. */
import type { LoadReport } from "./run-load.ts";
import type { Example, TallySnapshot } from "./tally.ts";
import type { ChainLagReport, TipSample } from "./tip-sampler.ts";

const ms = (v: number | null) => (v === null ? "-" : `${v} ms`);
const n = (v: number | null) => (v === null ? "-" : String(v));
const counts = (record: Record<string, number>, top = 20) =>
  Object.entries(record)
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(([k, v]) => `${k} ${v}`)
    .join("  ") || "-";

export function formatLiveLine(
  elapsedMs: number,
  t: TallySnapshot,
  samples: Map<string, TipSample[]>,
): string {
  const secs = Math.max(1, elapsedMs / 1000);
  const fiveXx = t.workerProblem5xx + t.runtime5xx + t.other5xx;
  const tips = [...samples.entries()].map(([chain, list]) => {
    const last = list.filter((s) => s.error === undefined).at(-1);
    const failed = list.at(-1)?.error ? " (last sample failed)" : "";
    return `${chain} tip ${n(last?.tip ?? null)} lag ${n(last?.lag ?? null)}${failed}`;
  });
  return (
    `t=${Math.round(elapsedMs / 1000)}s  sent ${t.sent} (${Math.round(t.sent / secs)}/s)  answered ${t.answered}  ` +
    `p50 ${ms(t.p50Ms)} p99 ${ms(t.p99Ms)}  hung ${t.hung}  5xx ${fiveXx} (worker ${t.workerProblem5xx}, runtime ` +
    `${t.runtime5xx})  4xx-not-problem ${t.nonProblem4xx}  disconnects ${t.disconnects} | ${tips.join(" | ")}`
  );
}

function chainRow(c: ChainLagReport): string {
  const stall = c.longestStallMs === null ? "-" : `${(c.longestStallMs / 1000).toFixed(1)} s`;
  const failed = c.during.failed > 0 ? ` (${c.during.failed}/${c.during.samples} samples failed)` : "";
  return (
    `  ${c.chain.padEnd(18)} before ${n(c.before.medianLag).padStart(3)}   during ${n(c.during.medianLag).padStart(3)} / ` +
    `${n(c.during.maxLag).padEnd(4)} after ${n(c.after.medianLag).padStart(3)}   tip ${n(c.tipAtStart)} → ${n(c.tipAtEnd)} ` +
    `(head ${n(c.after.head)})  advanced ${c.advanced ? "yes" : "NO"}  longest stall ${stall}${failed}`
  );
}

function examples(title: string, list: Example[]): string[] {
  if (list.length === 0) return [];
  return [
    `  ${title}:`,
    ...list.map(
      (e) =>
        `    ${e.label.slice(0, 110)}${e.status ? ` → ${e.status} ${e.contentType || "(no type)"}` : ""}: ${e.detail}`,
    ),
  ];
}

export function formatReport(r: LoadReport): string {
  const t = r.requests;
  const o = r.options;
  const secs = Math.max(1, r.loadMs / 1000);
  const lines = [
    `Finality Edge load: ${o.clients} clients × ${o.seconds} s against ${o.url} (seed ${o.seed}, timeout ${o.timeoutMs} ms)` +
      `  verdict ${r.verdict.pass ? "PASS" : "FAIL"}`,
    `requests   sent ${t.sent} (${Math.round(t.sent / secs)}/s)  answered ${t.answered}  hung ${t.hung}  ` +
      `network errors ${t.networkErrors}${t.networkErrors ? ` (${counts(t.networkErrorCodes)})` : ""}`,
    `           client disconnects ${t.disconnects} (server answered before the close: ${t.disconnectsAnsweredFirst}, ` +
      `connect errors ${t.disconnectErrors})`,
    `latency    answered: p50 ${ms(t.p50Ms)}  p99 ${ms(t.p99Ms)}  max ${ms(t.maxMs)}`,
    `5xx        ${r.verdict.responses5xx}: Worker problem+json ${t.workerProblem5xx}, runtime text/plain ${t.runtime5xx}, ` +
      `other ${t.other5xx} (upstream_* codes ${t.upstream5xx})`,
    `4xx not problem+json ${t.nonProblem4xx}   junk answered 2xx ${t.junkAccepted}`,
    `status     ${counts(t.byStatus)}`,
    `codes      ${counts(t.byCode, 24)}`,
    "finalized-tip lag, blocks (median; during: median / max)",
    ...r.chains.map(chainRow),
    "by family  sent / answered / hung / errors   p50 / p99   statuses",
    ...Object.entries(t.families).map(
      ([name, f]) =>
        `  ${name.slice(0, 46).padEnd(46)} ${String(f.sent).padStart(5)} ${String(f.answered).padStart(5)} ` +
        `${String(f.hung).padStart(4)} ${String(f.errors).padStart(4)}   ${ms(f.p50Ms).padStart(8)} ${ms(f.p99Ms).padStart(9)}   ` +
        counts(f.statuses),
    ),
    "examples",
    ...examples("hung", t.examples.hung),
    ...examples("5xx", t.examples.fiveXx),
    ...examples("4xx not problem+json", t.examples.nonProblem4xx),
    ...examples("junk answered 2xx", t.examples.junkAccepted),
    ...examples("network errors", t.examples.networkErrors),
    ...(r.setupProblems.length > 0 ? ["setup problems", ...r.setupProblems.map((p) => `  ${p}`)] : []),
    ...r.chains.flatMap((c) => c.errors.map((e) => `  ${c.chain} sampling ${e}`)),
    r.verdict.pass
      ? "verdict: PASS"
      : `verdict: FAIL\n${r.verdict.failures.map((f) => `  - ${f}`).join("\n")}`,
  ];
  return lines.join("\n");
}
