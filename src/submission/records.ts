/**
 * @module Submission records: what `GET /v1/chains/{chain}/submissions/{id}` answers. Written when a message is
 * accepted (`queued` or `duplicate`) and updated by the queue consumer (`submitted` or `failed`).
 */

import { RECORD_TTL_SECONDS, submissionKey } from "./keys.ts";
import type { QueuedSubmission, SubmissionKind } from "./types.ts";

export type SubmissionStatus =
  /** `lastTxHash`: a tx that carried it but was not seen included (the next delivery looks on chain first). */
  | { status: "queued"; lastTxHash?: string }
  /** Null tx fields: found on chain after an unconfirmed send, the carrying tx is not known. */
  | { status: "submitted"; txHash: string | null; babylonHeight: number | null }
  | { status: "duplicate" }
  | { status: "failed"; code: string; message: string };

export type SubmissionRecord = SubmissionStatus & {
  id: string;
  chain: string;
  kind: SubmissionKind;
  fpBtcPkHex: string;
  height: string;
  equivocation: boolean;
  acceptedAt: number;
  updatedAt: number;
  /** Delivery attempts by the queue consumer. */
  attempts: number;
};

export function newRecord(item: QueuedSubmission, status: SubmissionStatus, now: number): SubmissionRecord {
  return {
    id: item.id,
    chain: item.chain,
    kind: item.kind,
    fpBtcPkHex: item.fpBtcPkHex,
    height: item.height,
    equivocation: item.equivocation,
    acceptedAt: item.acceptedAt,
    updatedAt: now,
    attempts: 0,
    ...status,
  };
}

export async function getSubmissionRecord(
  kv: KVNamespace,
  chain: string,
  id: string,
): Promise<SubmissionRecord | null> {
  const text = await kv.get(submissionKey(chain, id), "text");
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as SubmissionRecord;
    return typeof value === "object" && value !== null && value.id === id ? value : null;
  } catch {
    return null;
  }
}

export async function putSubmissionRecord(kv: KVNamespace, record: SubmissionRecord): Promise<void> {
  await kv.put(submissionKey(record.chain, record.id), JSON.stringify(record), {
    expirationTtl: RECORD_TTL_SECONDS,
  });
}

/** Rewrites the record's status (the consumer is the only writer after acceptance). */
export async function setSubmissionStatus(
  kv: KVNamespace,
  item: QueuedSubmission,
  status: SubmissionStatus,
  attempts: number,
  now = Date.now(),
): Promise<SubmissionRecord> {
  const record = { ...newRecord(item, status, now), attempts };
  await putSubmissionRecord(kv, record);
  return record;
}
