/**
 * @module The vote history (D1): `GET …/finality-providers/{fpBtcPk}/votes`, `GET …/participation`,
 * `GET …/vote-history` and `GET …/lag-history`. Written by the chains' coordinators as grid heights settle.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HistoryUnavailableError } from "../../history/errors.ts";
import { fpVotes, heightVotes, lagPoints, participation, recordedTo } from "../../history/read.ts";
import { type AppDeps, type AppEnv, registry } from "../context.ts";
import {
  FpBtcPkParam,
  FpVotesQuery,
  FpVotesSchema,
  LagHistoryQuery,
  LagHistorySchema,
  MAX_LAG_POINTS,
  ParticipationQuery,
  ParticipationSchema,
  VoteHistoryQuery,
  VoteHistorySchema,
} from "../history-schemas.ts";
import { jsonWithCaching } from "../http-cache.ts";
import { ChainParam, problemContent } from "../schemas.ts";

const errors = {
  400: {
    description: "A bad range, cursor or format (the field and the rule are named)",
    content: problemContent,
  },
  404: { description: "Unknown chain", content: problemContent },
  503: { description: "No history database, or it failed (Retry-After)", content: problemContent },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const fpVotesRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/finality-providers/{fpBtcPk}/votes",
  summary: "One finality provider's recorded votes",
  description:
    "Every recorded grid height in `[from, to]` at which the FP had voting power or voted, ascending, a page at a " +
    "time (`nextCursor`). Heights are recorded once they settle (HISTORY_SETTLE_SECONDS after finalization).",
  request: { params: z.object({ chain: ChainParam, fpBtcPk: FpBtcPkParam }), query: FpVotesQuery },
  responses: { 200: json(FpVotesSchema, "A page of votes"), ...errors },
});

const participationRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/participation",
  summary: "Participation per finality provider over a range (reward input)",
  description:
    "Per FP over the recorded grid heights in `[from, to]`: heights, votes cast (in time and late), missed, " +
    "equivocated, and power-weighted participation. `format=csv` answers the same as CSV.",
  request: { params: z.object({ chain: ChainParam }), query: ParticipationQuery },
  responses: {
    200: {
      description: "Participation",
      content: {
        "application/json": { schema: ParticipationSchema },
        "text/csv": { schema: z.string() },
      },
    },
    ...errors,
  },
});

const voteHistoryRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/vote-history",
  summary: "Recorded grid heights with every FP's vote (the dashboard's heatmap)",
  request: { params: z.object({ chain: ChainParam }), query: VoteHistoryQuery },
  responses: { 200: json(VoteHistorySchema, "Grid heights, ascending"), ...errors },
});

const lagHistoryRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/lag-history",
  summary: "When each recorded grid block was made and when it was proven finalized",
  description: `Heights finalized in the last \`minutes\`, thinned evenly to at most ${MAX_LAG_POINTS} points.`,
  request: { params: z.object({ chain: ChainParam }), query: LagHistoryQuery },
  responses: { 200: json(LagHistorySchema, "Points, ascending"), ...errors },
});

/** The chain (404 when unknown) and the history database (503 when absent). */
async function historyOf(c: Context<AppEnv>, chainId: string): Promise<{ chain: string; db: D1Database }> {
  const chain = (await registry(c)).get(chainId);
  const db = (c.env as Partial<Env>).HISTORY_DB;
  if (!db) throw new HistoryUnavailableError("This deployment has no HISTORY_DB (D1) binding.");
  return { chain: chain.id, db };
}

/** A D1 failure is the history being unavailable for now, never a 500. */
async function fromDb<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new HistoryUnavailableError("The history database did not answer.", error);
  }
}

const CSV_COLUMNS = [
  "fpBtcPk",
  "gridHeights",
  "votes",
  "late",
  "missed",
  "equivocated",
  "participation",
  "powerWeightedParticipation",
  "votedPower",
  "power",
] as const;

export function registerHistory(app: OpenAPIHono<AppEnv>, _deps: AppDeps): void {
  app.openapi(fpVotesRoute, async (c) => {
    const { chain: chainId, fpBtcPk } = c.req.valid("param");
    const { from, to, limit, cursor } = c.req.valid("query");
    const { chain, db } = await historyOf(c, chainId);
    const after = cursor ? Number(cursor.slice(1)) : -1;
    const page = await fromDb(() => fpVotes(db, chain, fpBtcPk, { from, to, after, limit }));
    const body = {
      chain,
      fpBtcPk,
      from,
      to,
      votes: page.votes,
      nextCursor: page.next === null ? null : `h${page.next}`,
    };
    return (await jsonWithCaching(c, body, "pending")) as never;
  });

  app.openapi(participationRoute, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { from, to, format } = c.req.valid("query");
    const { chain, db } = await historyOf(c, chainId);
    const [counts, highest] = await fromDb(() =>
      Promise.all([participation(db, chain, from, to), recordedTo(db, chain)]),
    );
    if (format === "csv") {
      const lines = [
        CSV_COLUMNS.join(","),
        ...counts.providers.map((p) => CSV_COLUMNS.map((k) => String(p[k])).join(",")),
      ];
      return c.body(`${lines.join("\n")}\n`, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="participation-${chain}-${from}-${to}.csv"`,
        "cache-control": "public, max-age=2",
      }) as never;
    }
    const body = {
      chain,
      from,
      to,
      gridHeights: counts.gridHeights,
      recordedTo: highest,
      providers: counts.providers,
    };
    return (await jsonWithCaching(c, body, "pending")) as never;
  });

  app.openapi(voteHistoryRoute, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { from, to, limit } = c.req.valid("query");
    const { chain, db } = await historyOf(c, chainId);
    const [heights, highest] = await fromDb(() =>
      Promise.all([
        heightVotes(db, chain, { from: from ?? 0, to: to ?? Number.MAX_SAFE_INTEGER, limit }),
        recordedTo(db, chain),
      ]),
    );
    return (await jsonWithCaching(c, { chain, recordedTo: highest, heights }, "pending")) as never;
  });

  app.openapi(lagHistoryRoute, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { minutes } = c.req.valid("query");
    const { chain, db } = await historyOf(c, chainId);
    const since = Math.floor(Date.now() / 1000) - minutes * 60;
    const points = await fromDb(() => lagPoints(db, chain, since, MAX_LAG_POINTS));
    return (await jsonWithCaching(c, { chain, points }, "pending")) as never;
  });
}
