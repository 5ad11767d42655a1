/**
 * @module zod schemas of the read API (they validate requests and document `/openapi.json`).
 *
 * JSON numbers: L2 and BTC heights and timestamps are JSON numbers (they stay far below 2^53); satoshi amounts
 * (power, thresholds) are decimal strings, so no client loses precision.
 */
import { z } from "@hono/zod-openapi";
import type { Decision } from "../finality/index.ts";

export const ChainParam = z.string().openapi({
  param: { name: "chain", in: "path" },
  description: "Consumer chain id, as listed by GET /v1/chains.",
  example: "op-devnet",
});

export const BlockIdParam = z
  .string()
  .regex(/^(?:0|[1-9][0-9]{0,15}|0x[0-9a-fA-F]{64}|latest|finalized)$/, {
    error: 'must be a decimal height, a 32-byte 0x hash, "latest" or "finalized"',
  })
  .refine((v) => !/^[0-9]+$/.test(v) || Number.isSafeInteger(Number(v)), {
    error: "height must be a safe integer",
  })
  .openapi({
    param: { name: "blockId", in: "path" },
    description:
      'Decimal L2 height, 32-byte 0x block hash, "latest", or "finalized" (the L2 node\'s own finalized tag).',
    example: "1234",
  });

export const TxHashParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { error: "must be a 32-byte 0x transaction hash" })
  .openapi({ param: { name: "txHash", in: "path" }, example: `0x${"ab".repeat(32)}` });

const Hash = z.string().openapi({ example: `0x${"12".repeat(32)}` });
/**
 * An L2 block, everywhere: `{number, hash}`, here with its timestamp (unix seconds). Not a registered component:
 * a nullable reference to one would be documented as `allOf` and read as never null.
 */
const BlockWithTime = z.object({ number: z.number().int(), hash: Hash, timestamp: z.number().int() });
const Sats = z
  .string()
  .regex(/^[0-9]+$/)
  .openapi({ description: "satoshi, decimal string", example: "100000" });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    field: z.string().optional(),
  })
  .openapi("Problem");

export const problemContent = { "application/problem+json": { schema: ProblemSchema } };

export const ChainSchema = z
  .object({
    id: z.string(),
    babylonChainId: z.string(),
    contractAddress: z.string(),
    quorum: z.object({ numerator: z.number().int(), denominator: z.number().int() }),
    contract: z
      .object({ bsnId: z.string(), activationHeight: z.number().int(), interval: z.number().int() })
      .nullable()
      .openapi({ description: "The finality contract's config; null when Babylon could not be read." }),
  })
  .openapi("Chain");

export const ChainsSchema = z.object({ chains: z.array(ChainSchema) }).openapi("Chains");

export const FinalityStatusSchema = z
  .enum(["finalized", "pending", "before_activation", "no_voting_power", "not_canonical"])
  .openapi("FinalityStatus");

/** The fields of a block answer (the transaction answer has the same, with a nullable block and its hash). */
const decisionFields = {
  chain: z.string(),
  block: z.object({
    number: z.number().int(),
    hash: Hash,
    timestamp: z.number().int().nullable().openapi({ description: "Unix seconds; null when not canonical" }),
  }),
  finalized: z.boolean(),
  status: FinalityStatusSchema,
  reason: z.string().optional(),
  gridHeight: z.number().int().nullable(),
  gridBlock: BlockWithTime.nullable().openapi({
    description:
      "The grid block whose votes decide this block — the block the voters signed: the block itself on the grid, " +
      "else the next grid block, whose parent-hash chain reaches it. Null when no votes were read.",
  }),
  btcHeight: z.number().int().nullable(),
  quorum: z.object({ votedPower: Sats, totalPower: Sats, threshold: Sats, reached: z.boolean() }).nullable(),
  voters: z.array(z.object({ fpBtcPk: z.string(), power: Sats, pubRand: z.string(), signature: z.string() })),
};

export const DecisionSchema = z.object(decisionFields).openapi("BlockFinality");

export type DecisionJson = z.infer<typeof DecisionSchema>;

/** The JSON shape of a decision: heights as numbers, satoshi as decimal strings. */
export function decisionJson(chain: string, d: Decision): DecisionJson {
  return {
    chain,
    block: {
      number: Number(d.block.number),
      hash: d.block.hash,
      timestamp: "timestamp" in d.block ? Number(d.block.timestamp) : null,
    },
    finalized: d.finalized,
    status: d.status,
    ...(d.reason !== undefined ? { reason: d.reason } : {}),
    gridHeight: d.gridHeight === null ? null : Number(d.gridHeight),
    // Decisions stored before gridBlock existed read back without it.
    gridBlock: d.gridBlock
      ? {
          number: Number(d.gridBlock.number),
          hash: d.gridBlock.hash,
          timestamp: Number(d.gridBlock.timestamp),
        }
      : null,
    btcHeight: d.btcHeight === null ? null : Number(d.btcHeight),
    quorum: d.quorum
      ? {
          votedPower: d.quorum.votedPower.toString(),
          totalPower: d.quorum.totalPower.toString(),
          threshold: d.quorum.threshold.toString(),
          reached: d.quorum.reached,
        }
      : null,
    voters: d.voters.map((v) => ({
      fpBtcPk: v.fpBtcPk,
      power: v.power.toString(),
      pubRand: v.pubRand,
      signature: v.signature,
    })),
  };
}

export const TxFinalitySchema = z
  .object({
    ...decisionFields,
    txHash: z.string(),
    block: decisionFields.block.nullable().openapi({ description: "null while the transaction is pending" }),
  })
  .openapi("TxFinality");

const BlockIdBody = z.object({
  number: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, { error: "must be a 32-byte 0x block hash" }),
});

/** Longest range one request may ask about. */
export const MAX_RANGE_BLOCKS = 100;

export const RangeRequestSchema = z
  .object({
    blocks: z
      .array(BlockIdBody)
      .min(1, { error: "must list at least one block" })
      .max(MAX_RANGE_BLOCKS, { error: `must list at most ${MAX_RANGE_BLOCKS} blocks` }),
  })
  .openapi("FinalityRangeRequest");

export const RangeResponseSchema = z
  .object({
    lastFinalized: z.object({ number: z.number().int(), hash: Hash }).nullable().openapi({
      description: "Last block of the longest finalized prefix; null when the first is not finalized",
    }),
  })
  .openapi("FinalityRange");

export const StatusSchema = z
  .object({
    chain: z.string(),
    contract: z.object({ bsnId: z.string(), activationHeight: z.number().int(), interval: z.number().int() }),
    l2Head: BlockWithTime.openapi({ description: "The L2 node's latest block (timestamp in unix seconds)" }),
    finalizedTip: BlockWithTime.nullable().openapi({
      description: "Highest BTC-finalized grid block known to the edge (KV tip/{chain})",
    }),
    lag: z
      .object({
        blocks: z.number().int().openapi({ description: "l2Head.number − finalizedTip.number (≥ 0)" }),
        seconds: z.number().int().openapi({ description: "l2Head.timestamp − finalizedTip.timestamp (≥ 0)" }),
      })
      .nullable()
      .openapi({ description: "How far finality trails the L2 head; null when no tip is known" }),
    activation: z
      .object({
        height: z.number().int().openapi({ description: "The contract's BSN activation height (L2)" }),
        btcStakingActivatedAt: z
          .number()
          .int()
          .nullable()
          .openapi({
            description:
              "Unix seconds of the BTC header at the earliest height where a delegation with covenant quorum became " +
              "active (start_height + k, gadget §1.5); null while none is (see btcHeight), or when that height is below " +
              "the BTC light client's base header (unknowable from Babylon). Cached forever once known.",
          }),
        btcHeight: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "That BTC height; null while BTC staking is not active" }),
      })
      .openapi({ description: "Activation of the finality contract and of BTC staking" }),
    fpCount: z
      .number()
      .int()
      .openapi({ description: "Finality providers in the power table at the BTC tip" }),
    totalPower: Sats.openapi({ description: "Σ voting power at the BTC tip, satoshi, decimal string" }),
    lastTipUpdate: z.number().int().nullable().openapi({
      description:
        "Unix seconds when the finalized tip last advanced; null when unknown (no tip, or an older one)",
    }),
  })
  .openapi("ChainStatus");

/** Default and largest `window` of `GET /finality-providers` (grid heights whose votes are read). */
export const DEFAULT_VOTE_WINDOW = 100;
export const MAX_VOTE_WINDOW = 100;

export const VoteWindowQuery = z.object({
  window: z.coerce
    .number()
    .int({ error: "must be an integer" })
    .min(1, { error: "must be at least 1" })
    .max(MAX_VOTE_WINDOW, { error: `must be at most ${MAX_VOTE_WINDOW}` })
    .default(DEFAULT_VOTE_WINDOW)
    .openapi({
      param: { name: "window", in: "query" },
      description: `Grid heights (up to the L2 head) whose votes are counted per FP; 1–${MAX_VOTE_WINDOW}, default ${DEFAULT_VOTE_WINDOW}.`,
      example: 100,
    }),
});

export const FinalityProvidersSchema = z
  .object({
    chain: z.string(),
    bsnId: z.string(),
    btcHeight: z.number().int().openapi({ description: "The BTC tip the power table is computed at" }),
    totalPower: Sats,
    l2Head: BlockWithTime.openapi({ description: "The L2 head the vote window ends at" }),
    gridHeights: z.array(z.number().int()).openapi({
      description:
        "The grid heights examined (activationHeight + i·interval ≤ l2Head), newest first: the last `window` of them",
    }),
    providers: z.array(
      z.object({
        fpBtcPk: z.string().openapi({ description: "The FP's BTC key: 32-byte x-only, lowercase hex" }),
        power: Sats.openapi({ description: "Voting power now (at the BTC tip), satoshi" }),
        slashed: z.boolean(),
        lastVotedHeight: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "The contract's highest_voted_height; null when it never voted" }),
        recentVotes: z
          .object({
            window: z
              .number()
              .int()
              .openapi({ description: "Grid heights examined (≤ the requested window)" }),
            count: z.number().int().openapi({
              description:
                "Of those, how many the FP voted for with the canonical block's hash (block_voters)",
            }),
          })
          .openapi({
            description: "Votes for canonical blocks over the last `window` grid heights up to l2Head",
          }),
      }),
    ),
  })
  .openapi("FinalityProviders");

const Probe = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  height: z.number().int().optional(),
  error: z.string().optional(),
});

export const ReadinessSchema = z
  .object({
    status: z.enum(["ready", "unavailable"]),
    chains: z.array(z.object({ id: z.string(), l2: Probe, babylon: Probe })),
  })
  .openapi("Readiness");
