/**
 * @module Deserialization the way the contract's serde/cosmwasm layer does it, before any rule runs:
 * u64s are non-negative integers, `Binary` is standard base64 (padding optional). Failures are
 * `parse_error`s naming the field; the texts follow serde_json's wording.
 */
import { base64ToBytes, CryptoError } from "../crypto/index.ts";
import { ContractRuleError } from "./errors.ts";
import type { U64Input } from "./types.ts";

const U64_MAX = (1n << 64n) - 1n;

/** serde's "invalid type" description of a JSON value. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "number")
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (Array.isArray(value)) return "sequence";
  if (typeof value === "object") return "map";
  return typeof value;
}

function parseError(text: string, field: string, cause?: unknown): ContractRuleError {
  return new ContractRuleError("parse_error", text, { field, cause });
}

/** The object under `field`, or a parse error. */
export function readObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw parseError(`invalid type: ${describe(value)}, expected a map`, field);
  }
  return value as Record<string, unknown>;
}

/** A required key (serde: "missing field `x`"); `undefined` counts as missing. */
export function readRequired(body: Record<string, unknown>, key: string, path: string): unknown {
  const value = body[key];
  if (value === undefined) throw parseError(`missing field \`${key}\``, path);
  return value;
}

/**
 * A u64. JSON numbers must be safe integers: above 2^53 a JS number no longer names one integer,
 * so it is refused rather than checked against a value the sender may not have meant.
 */
export function decodeU64(value: unknown, field: string): bigint {
  if (typeof value === "bigint") {
    if (value < 0n || value > U64_MAX)
      throw parseError(`invalid value: integer \`${value}\`, expected u64`, field);
    return value;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw parseError(`invalid type: ${describe(value)}, expected u64`, field);
  }
  if (value < 0) throw parseError(`invalid value: integer \`${value}\`, expected u64`, field);
  if (!Number.isSafeInteger(value)) {
    throw parseError(
      `integer \`${value}\` is above 2^53 - 1 and cannot be represented exactly; send it as a bigint`,
      field,
    );
  }
  return BigInt(value);
}

/** An optional u64 (`Option<u64>`: absent or null is `undefined`). */
export function decodeOptionalU64(value: unknown, field: string): bigint | undefined {
  return value === undefined || value === null ? undefined : decodeU64(value, field);
}

/** A u64 from trusted configuration: a wrong value there is the caller's bug, not a parse error. */
export function configU64(value: U64Input, field: string): bigint {
  try {
    return decodeU64(value, field);
  } catch (cause) {
    throw new ContractRuleError(
      "invalid_config",
      `Invalid contract config value for ${field}: ${String(value)}`,
      {
        field,
        cause,
      },
    );
  }
}

/** A JSON string. */
export function decodeString(value: unknown, field: string): string {
  if (typeof value !== "string")
    throw parseError(`invalid type: ${describe(value)}, expected a string`, field);
  return value;
}

/** An optional string (`Option<String>`). */
export function decodeOptionalString(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : decodeString(value, field);
}

/** A cosmwasm `Binary`: standard-alphabet base64, padding optional, no trailing bits. */
export function decodeBinary(value: unknown, field: string): Uint8Array {
  const text = decodeString(value, field);
  try {
    return base64ToBytes(text, field);
  } catch (cause) {
    if (!(cause instanceof CryptoError)) throw cause;
    throw parseError(`Invalid Base64 string: ${cause.shortMessage}`, field, cause);
  }
}

/** A JSON array. */
export function decodeArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw parseError(`invalid type: ${describe(value)}, expected a sequence`, field);
  return value;
}
