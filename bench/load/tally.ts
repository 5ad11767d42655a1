/**
 * @module Counting what happened: per status and per problem `code`, latency of answered requests, hung and
 * failed requests, 5xx split by who wrote them (the Worker's problem+json vs the runtime's own text/plain), 4xx
 * that are not problem+json, junk that was accepted, and client disconnects. Examples are kept, a few per kind.
 */

import type { HttpRequestSpec } from "./hostile-requests.ts";
import type { HttpOutcome } from "./http-client.ts";
import type { DisconnectOutcome } from "./raw-socket.ts";

const PROBLEM = "application/problem+json";
const EXAMPLES = 6;

export type Example = { label: string; status?: number; contentType?: string; detail: string };

export type FamilyStats = {
  sent: number;
  answered: number;
  hung: number;
  errors: number;
  statuses: Record<string, number>;
  p50Ms: number | null;
  p99Ms: number | null;
};

export type Tally = ReturnType<typeof createTally>;

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

export const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

function problemCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

function pushExample(list: Example[], example: Example): void {
  // Prefer variety: one example per label until the list is full.
  if (list.length >= EXAMPLES || list.some((e) => e.label === example.label)) return;
  list.push({ ...example, detail: example.detail.replace(/\s+/g, " ").slice(0, 240) });
}

export function createTally() {
  const byStatus: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  const latencies: number[] = [];
  const families = new Map<string, { stats: Omit<FamilyStats, "p50Ms" | "p99Ms">; latencies: number[] }>();
  const counts = {
    sent: 0,
    answered: 0,
    hung: 0,
    networkErrors: 0,
    workerProblem5xx: 0,
    runtime5xx: 0,
    other5xx: 0,
    upstream5xx: 0,
    nonProblem4xx: 0,
    junkAccepted: 0,
    disconnects: 0,
    disconnectsAnsweredFirst: 0,
    disconnectErrors: 0,
  };
  const examples = {
    hung: [] as Example[],
    networkErrors: [] as Example[],
    fiveXx: [] as Example[],
    nonProblem4xx: [] as Example[],
    junkAccepted: [] as Example[],
  };
  const networkErrorCodes: Record<string, number> = {};

  const family = (name: string) => {
    let entry = families.get(name);
    if (!entry) {
      entry = { stats: { sent: 0, answered: 0, hung: 0, errors: 0, statuses: {} }, latencies: [] };
      families.set(name, entry);
    }
    return entry;
  };

  return {
    recordHttp(spec: HttpRequestSpec, outcome: HttpOutcome): void {
      counts.sent++;
      const fam = family(`${spec.group}: ${spec.family}`);
      fam.stats.sent++;
      if (outcome.kind === "hung") {
        counts.hung++;
        fam.stats.hung++;
        pushExample(examples.hung, {
          label: spec.label,
          detail: `no ${outcome.stage} after ${outcome.ms} ms`,
        });
        return;
      }
      if (outcome.kind === "error") {
        counts.networkErrors++;
        fam.stats.errors++;
        networkErrorCodes[outcome.code] = (networkErrorCodes[outcome.code] ?? 0) + 1;
        pushExample(examples.networkErrors, {
          label: spec.label,
          detail: `${outcome.code} after ${outcome.ms} ms`,
        });
        return;
      }
      counts.answered++;
      fam.stats.answered++;
      latencies.push(outcome.ms);
      fam.latencies.push(outcome.ms);
      const status = String(outcome.status);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      fam.stats.statuses[status] = (fam.stats.statuses[status] ?? 0) + 1;
      const isProblem = outcome.contentType.toLowerCase().startsWith(PROBLEM);
      const code = isProblem ? problemCode(outcome.body) : undefined;
      if (code) byCode[code] = (byCode[code] ?? 0) + 1;
      const example = {
        label: spec.label,
        status: outcome.status,
        contentType: outcome.contentType,
        detail: outcome.body,
      };
      if (outcome.status >= 500) {
        if (isProblem) counts.workerProblem5xx++;
        // workerd's own answer when it gives up on a request ("The Workers runtime canceled this request …").
        else if (outcome.contentType.startsWith("text/plain")) counts.runtime5xx++;
        else counts.other5xx++;
        if (code?.startsWith("upstream_")) counts.upstream5xx++;
        pushExample(examples.fiveXx, example);
      } else if (outcome.status >= 400 && !isProblem) {
        counts.nonProblem4xx++;
        pushExample(examples.nonProblem4xx, example);
      } else if (outcome.status < 300 && spec.mustRefuse) {
        counts.junkAccepted++;
        pushExample(examples.junkAccepted, example);
      }
    },

    recordDisconnect(familyName: string, label: string, outcome: DisconnectOutcome): void {
      const fam = family(`disconnect: ${familyName}`);
      fam.stats.sent++;
      if (outcome.kind === "error") {
        counts.disconnectErrors++;
        fam.stats.errors++;
        pushExample(examples.networkErrors, { label: `disconnect ${label}`, detail: outcome.code });
        return;
      }
      counts.disconnects++;
      if (outcome.answeredFirst) counts.disconnectsAnsweredFirst++;
    },

    snapshot() {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        ...counts,
        byStatus: { ...byStatus },
        byCode: { ...byCode },
        networkErrorCodes: { ...networkErrorCodes },
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1) ?? null,
        families: Object.fromEntries(
          [...families.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, { stats, latencies: own }]) => {
              const s = [...own].sort((a, b) => a - b);
              return [
                name,
                {
                  ...stats,
                  statuses: { ...stats.statuses },
                  p50Ms: percentile(s, 50),
                  p99Ms: percentile(s, 99),
                },
              ];
            }),
        ) as Record<string, FamilyStats>,
        examples: structuredClone(examples),
      };
    },
  };
}

export type TallySnapshot = ReturnType<Tally["snapshot"]>;
