/**
 * @module Submission records: what `GET /v1/chains/{chain}/submissions/{id}` answers. Kept by the chain's
 * coordinator: written when a message is accepted (`queued` or `duplicate`) and updated by the queue consumer
 * (`submitted` or `failed`).
 */

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
