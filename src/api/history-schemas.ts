/** @module Request and response schemas of the vote-history endpoints (src/api/routes/history.ts). */
import { z } from "@hono/zod-openapi";

/** Widest `[from, to]` a participation or per-FP query may span (grid heights are at most this many). */
export const MAX_HISTORY_RANGE = 100_000;
export const MAX_VOTE_HISTORY_HEIGHTS = 200;
export const DEFAULT_VOTE_HISTORY_HEIGHTS = 60;
export const MAX_FP_VOTES_PAGE = 1_000;
export const MAX_LAG_POINTS = 720;

const Height = (name: string, description: string) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be an integer" })
    .min(0, { error: "must be at least 0" })
    .max(Number.MAX_SAFE_INTEGER, { error: "must be a safe integer" })
    .openapi({ param: { name, in: "query" }, description, example: 1000 });

/** `to ≥ from` and a span of at most `max`, reported on `to`. */
function checkRange(
  v: { from?: number | undefined; to?: number | undefined },
  ctx: z.RefinementCtx,
  max: number,
) {
  if (v.from === undefined || v.to === undefined) return;
  if (v.to < v.from) ctx.addIssue({ code: "custom", path: ["to"], message: "must be at least from" });
  else if (v.to - v.from >= max) {
    ctx.addIssue({ code: "custom", path: ["to"], message: `must be less than from + ${max}` });
  }
}

const range = {
  from: Height("from", "First L2 height of the range (inclusive)."),
  to: Height(
    "to",
    `Last L2 height of the range (inclusive); at most ${MAX_HISTORY_RANGE - 1} above \`from\`.`,
  ),
};

export const ParticipationQuery = z
  .object({
    ...range,
    format: z
      .enum(["json", "csv"], { error: "must be json or csv" })
      .default("json")
      .openapi({
        param: { name: "format", in: "query" },
        description: "`csv`: one line per FP, with a header.",
      }),
  })
  .superRefine((v, ctx) => checkRange(v, ctx, MAX_HISTORY_RANGE));

export const FpVotesQuery = z
  .object({
    ...range,
    limit: z.coerce
      .number({ error: "must be a number" })
      .int({ error: "must be an integer" })
      .min(1, { error: "must be at least 1" })
      .max(MAX_FP_VOTES_PAGE, { error: `must be at most ${MAX_FP_VOTES_PAGE}` })
      .default(100)
      .openapi({
        param: { name: "limit", in: "query" },
        description: `Rows per page, 1–${MAX_FP_VOTES_PAGE}.`,
      }),
    cursor: z
      .string()
      .regex(/^h[0-9]{1,16}$/, { error: "must be a nextCursor from an earlier page" })
      .optional()
      .openapi({ param: { name: "cursor", in: "query" }, description: "`nextCursor` of the previous page." }),
  })
  .superRefine((v, ctx) => checkRange(v, ctx, MAX_HISTORY_RANGE));

export const VoteHistoryQuery = z
  .object({
    from: Height("from", "First L2 height (default: no lower bound).").optional(),
    to: Height("to", "Last L2 height (default: the highest recorded).").optional(),
    limit: z.coerce
      .number({ error: "must be a number" })
      .int({ error: "must be an integer" })
      .min(1, { error: "must be at least 1" })
      .max(MAX_VOTE_HISTORY_HEIGHTS, { error: `must be at most ${MAX_VOTE_HISTORY_HEIGHTS}` })
      .default(DEFAULT_VOTE_HISTORY_HEIGHTS)
      .openapi({
        param: { name: "limit", in: "query" },
        description: `Grid heights returned (the newest of the range), 1–${MAX_VOTE_HISTORY_HEIGHTS}.`,
      }),
  })
  .superRefine((v, ctx) => checkRange(v, ctx, Number.MAX_SAFE_INTEGER));

export const LagHistoryQuery = z.object({
  minutes: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be an integer" })
    .min(1, { error: "must be at least 1" })
    .max(1440, { error: "must be at most 1440" })
    .default(60)
    .openapi({ param: { name: "minutes", in: "query" }, description: "How far back, 1–1440 minutes." }),
});

export const FpBtcPkParam = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: "must be a 32-byte lowercase hex key" })
  .openapi({ param: { name: "fpBtcPk", in: "path" }, example: "ab".repeat(32) });

const Sats = z
  .string()
  .regex(/^[0-9]+$/)
  .openapi({ description: "satoshi, decimal string" });
const VoteKind = z.enum(["voted", "late", "missed", "equivocated"]).openapi("VoteKind", {
  description:
    "`voted`: on chain when the height settled; `late`: landed through the edge after that; `missed`: had power, " +
    "did not vote; `equivocated`: signed another block at this height too.",
});
const Block = z.object({ number: z.number().int(), hash: z.string() });

export const FpVotesSchema = z
  .object({
    chain: z.string(),
    fpBtcPk: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    votes: z.array(z.object({ block: Block, btcHeight: z.number().int(), power: Sats, vote: VoteKind })),
    nextCursor: z.string().nullable(),
  })
  .openapi("FpVotes");

export const ParticipationSchema = z
  .object({
    chain: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    gridHeights: z.number().int().openapi({ description: "Grid heights recorded in the range" }),
    recordedTo: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The highest grid height recorded so far" }),
    providers: z.array(
      z.object({
        fpBtcPk: z.string(),
        gridHeights: z
          .number()
          .int()
          .openapi({ description: "Heights in the range where it had power or voted" }),
        votes: z.number().int(),
        late: z.number().int(),
        missed: z.number().int(),
        equivocated: z.number().int(),
        participation: z.number().openapi({ description: "(votes + late) / gridHeights" }),
        powerWeightedParticipation: z
          .number()
          .openapi({ description: "Σ power at heights it voted / Σ its power over the range" }),
        votedPower: Sats,
        power: Sats,
      }),
    ),
  })
  .openapi("Participation");

export const VoteHistorySchema = z
  .object({
    chain: z.string(),
    recordedTo: z.number().int().nullable(),
    heights: z.array(
      z.object({
        block: Block,
        timestamp: z.number().int(),
        finalizedAt: z.number().int(),
        btcHeight: z.number().int(),
        votedPower: Sats,
        totalPower: Sats,
        votes: z.array(z.object({ fpBtcPk: z.string(), power: Sats, vote: VoteKind })),
      }),
    ),
  })
  .openapi("VoteHistory");

export const LagHistorySchema = z
  .object({
    chain: z.string(),
    points: z.array(
      z.object({
        number: z.number().int(),
        timestamp: z.number().int().openapi({ description: "Block time: when it was the L2 head" }),
        finalizedAt: z.number().int().openapi({ description: "When the edge proved it finalized" }),
      }),
    ),
  })
  .openapi("LagHistory");
