/**
 * @module Arguments checked before any request, by the rules the edge's own validators apply, so a bad one fails
 * at once with `InvalidRequestError` (no `status`) naming the argument.
 */
import { InvalidRequestError } from "./errors/index.ts";
import type { BlockId, Hash } from "./types.ts";

const HASH = /^0x[0-9a-fA-F]{64}$/;

function invalid(field: string, details: string): InvalidRequestError {
  return new InvalidRequestError("Invalid argument", { code: "invalid_request", field, details });
}

/** A height as the edge takes it: an integer in [0, 2^53 − 1]. */
export function heightParam(value: unknown, field: string): number {
  const n = typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw invalid(field, `${field} must be an integer height from 0 to 2^53 − 1, got ${describe(value)}`);
  }
  return n;
}

/** The path segment for a block id; hashes are lowercased (the edge stores answers under lowercase hashes). */
export function blockIdParam(id: BlockId): string {
  if (id === "latest" || id === "finalized") return id;
  if (typeof id === "string") return hashParam(id, "blockId");
  if (typeof id === "number" || typeof id === "bigint") return String(heightParam(id, "blockId"));
  throw invalid(
    "blockId",
    `blockId must be a height, a 32-byte 0x hash, "latest" or "finalized", got ${describe(id)}`,
  );
}

export function hashParam(value: unknown, field: string): Hash {
  if (typeof value !== "string" || !HASH.test(value)) {
    throw invalid(field, `${field} must be a 32-byte 0x hex hash, got ${describe(value)}`);
  }
  return value.toLowerCase() as Hash;
}

export function submissionIdParam(id: unknown): string {
  if (typeof id !== "string" || !/^[cv]_[0-9a-f]{40}$/.test(id)) {
    throw invalid("id", `id must be a submission id (c_… or v_… and 40 hex digits), got ${describe(id)}`);
  }
  return id;
}

/** An FP's BTC key: 32-byte x-only hex (lowercased, as the edge's route requires). */
export function fpBtcPkParam(key: unknown): string {
  if (typeof key !== "string" || !/^[0-9a-fA-F]{64}$/.test(key)) {
    throw invalid("fpBtcPk", `fpBtcPk must be a 32-byte x-only key in hex, got ${describe(key)}`);
  }
  return key.toLowerCase();
}

export function chainParam(chain: unknown): string {
  if (typeof chain !== "string" || chain.length === 0)
    throw invalid("chain", "chain must be a non-empty chain id");
  return chain;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}
