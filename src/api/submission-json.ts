/**
 * @module The submission side's answers as the API speaks: one vocabulary with the read side (`fpBtcPk`, L2 block
 * hashes with `0x`, times in unix seconds, the contract's u64 values as decimal strings), documented by these
 * schemas in `/openapi.json`. The KV records behind them keep their own, internal, shapes.
 */
import { z } from "@hono/zod-openapi";
import type { EquivocationEvidence } from "../submission/evidence.ts";
import type { SubmissionMetrics } from "../submission/metrics.ts";
import type { SubmissionRecord } from "../submission/records.ts";

const U64 = z
  .string()
  .regex(/^[0-9]+$/)
  .openapi({ description: "the contract's u64, decimal string", example: "1234" });
const FpBtcPk = z.string().openapi({ description: "The FP's BTC key: 32-byte x-only, lowercase hex" });
const UnixSeconds = z.number().int().openapi({ description: "unix seconds" });
const seconds = (ms: number) => Math.floor(ms / 1000);
const withPrefix = (hex: string) => (hex.startsWith("0x") ? hex : `0x${hex}`);

const SubmissionBase = {
  id: z.string().openapi({ description: "Content address: the same message always has the same id" }),
  chain: z.string(),
  kind: z.enum(["commit", "vote"]),
  fpBtcPk: FpBtcPk,
  height: U64.openapi({ description: "Vote: the voted height; commit: its start height" }),
  equivocation: z
    .boolean()
    .openapi({ description: "A vote conflicting with a recorded one (slashing evidence)" }),
  acceptedAt: UnixSeconds,
  updatedAt: UnixSeconds,
  attempts: z.number().int().openapi({ description: "Deliveries to the relayer so far" }),
};

export const SubmissionSchema = z
  .discriminatedUnion("status", [
    z.object({
      ...SubmissionBase,
      status: z.literal("queued"),
      lastTxHash: z.string().optional().openapi({
        description:
          "A Babylon tx that carried it but was not seen included yet (looked up before any resend)",
      }),
    }),
    z.object({
      ...SubmissionBase,
      status: z.literal("submitted"),
      txHash: z
        .string()
        .nullable()
        .openapi({ description: "The Babylon tx; null when found on chain by lookup" }),
      babylonHeight: z.number().int().nullable(),
    }),
    z.object({ ...SubmissionBase, status: z.literal("duplicate") }),
    z.object({
      ...SubmissionBase,
      status: z.literal("failed"),
      code: z.string().openapi({ description: "The contract's (or the chain's) error name" }),
      message: z.string(),
    }),
  ])
  .openapi("Submission");

export type SubmissionJson = z.infer<typeof SubmissionSchema>;

export function submissionJson(record: SubmissionRecord): SubmissionJson {
  const base = {
    id: record.id,
    chain: record.chain,
    kind: record.kind,
    fpBtcPk: record.fpBtcPkHex,
    height: record.height,
    equivocation: record.equivocation,
    acceptedAt: seconds(record.acceptedAt),
    updatedAt: seconds(record.updatedAt),
    attempts: record.attempts,
  };
  switch (record.status) {
    case "queued":
      return { ...base, status: "queued", ...(record.lastTxHash ? { lastTxHash: record.lastTxHash } : {}) };
    case "submitted":
      return { ...base, status: "submitted", txHash: record.txHash, babylonHeight: record.babylonHeight };
    case "duplicate":
      return { ...base, status: "duplicate" };
    case "failed":
      return { ...base, status: "failed", code: record.code, message: record.message };
  }
}

export const EvidenceSchema = z
  .object({
    chain: z.string(),
    fpBtcPk: FpBtcPk,
    height: U64,
    canonicalBlockHash: z.string().openapi({ description: "The vote recorded first (0x hash)" }),
    forkBlockHash: z.string().openapi({ description: "The conflicting vote (0x hash)" }),
    canonicalSignature: z.string().openapi({ description: "EOTS signature, hex" }),
    forkSignature: z.string(),
    pubRand: z.string().openapi({ description: "The public randomness both signatures used, hex" }),
    extractedSecretKeyMatches: z
      .boolean()
      .openapi({ description: "Whether EOTS extraction from the two signatures yields the FP's own key" }),
    submissionId: z.string(),
    recordedAt: UnixSeconds,
  })
  .openapi("EquivocationEvidence");

export function evidenceJson(chain: string, evidence: EquivocationEvidence): z.infer<typeof EvidenceSchema> {
  return {
    chain,
    fpBtcPk: evidence.fpBtcPkHex,
    height: evidence.height,
    canonicalBlockHash: withPrefix(evidence.canonicalBlockHash),
    forkBlockHash: withPrefix(evidence.forkBlockHash),
    canonicalSignature: evidence.canonicalSignature,
    forkSignature: evidence.forkSignature,
    pubRand: evidence.pubRand,
    extractedSecretKeyMatches: evidence.extractedSecretKeyMatches,
    submissionId: evidence.submissionId,
    recordedAt: seconds(evidence.recordedAt),
  };
}

const Count = z.number().int();

export const MetricsSchema = z
  .object({
    chain: z.string(),
    accepted: z.object({ commit: Count, vote: Count }),
    duplicates: Count.openapi({
      description: "Answered duplicate by the edge, or found on chain by the relayer",
    }),
    equivocations: Count,
    refused: z.record(z.string(), Count).openapi({ description: "Refusals by rule code" }),
    submitted: Count,
    transactions: Count.openapi({ description: "Babylon transactions that carried submissions" }),
    gasUsed: Count.openapi({ description: "Gas used by those transactions" }),
    batchSizes: z
      .record(z.string(), Count)
      .openapi({ description: "Messages per transaction → transactions" }),
    txFailures: Count,
    failed: Count,
    retries: Count,
    since: UnixSeconds.openapi({ description: "When the relay counters started" }),
  })
  .openapi("SubmissionMetrics");

export function metricsJson(chain: string, m: SubmissionMetrics): z.infer<typeof MetricsSchema> {
  return {
    chain,
    accepted: m.accepted,
    duplicates: m.duplicates,
    equivocations: m.equivocations,
    refused: m.refused,
    submitted: m.submitted,
    transactions: m.transactions,
    gasUsed: m.gasUsed,
    batchSizes: m.batchSizes,
    txFailures: m.txFailures,
    failed: m.failed,
    retries: m.retries,
    since: seconds(m.since),
  };
}
