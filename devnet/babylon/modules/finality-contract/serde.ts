/**
 * @module How the contract deserializes its messages: cosmwasm-std's `from_json` over
 * serde-json-wasm with `#[cw_serde]` types. Failures become cosmwasm's
 * `StdError::ParseErr` text, `Error parsing into type <rust type>: <serde-json-wasm message>`.
 *
 * Rendering (from serde-json-wasm 1.x and serde's derive, applied to an already-parsed value,
 * since wasmd refuses non-JSON payloads first):
 * - a primitive of the wrong JSON type → `Invalid type`; a negative or out-of-range integer →
 *   `Invalid number.`; a number with a fraction/exponent where an integer is expected → the
 *   streaming parser stops at the `.`/`e` and reports the struct's next-token error;
 * - a missing required field → ``missing field `x` `` (first in declaration order, after the present
 *   fields were read in document order); unknown fields are ignored (§2), repeated ones too;
 * - a known field written twice → ``duplicate field `x` `` when the second one is reached (serde's
 *   derive checks before reading its value, so only the first value's errors can come first);
 * - an unknown enum variant → serde's ``unknown variant `x`, expected one of `a`, `b` ``;
 * - `Binary` → ``invalid base64: <input>``.
 */
import { base64ToBytes, CryptoError } from "../../../../src/crypto/index.ts";
import { ContractError } from "./errors.ts";
import { type ContractJson, JsonNonInteger, membersOf } from "./json.ts";

export type FieldType =
  | "string"
  | "u64"
  | "u32"
  | "bool"
  | "binary"
  | { readonly vec: FieldType }
  | { readonly option: FieldType }
  | { readonly struct: StructFields };

/** Field name → type, in the Rust struct's declaration order. */
export type StructFields = Readonly<Record<string, FieldType>>;

/** A decoded value: strings, `bigint` u64s, `number` u32s, booleans, `Uint8Array`s, arrays, records. */
export type Decoded = string | bigint | number | boolean | Uint8Array | null | Decoded[] | DecodedStruct;
export type DecodedStruct = { [field: string]: Decoded };

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffff_ffffn;

/** A serde-json-wasm failure (its Display text). */
class SerdeFailure extends Error {}

const INVALID_TYPE = "Invalid type";
const INVALID_NUMBER = "Invalid number.";
const STRUCT_NEXT_TOKEN = "Expected this character to be either a `','` or a `'}'`.";
const LIST_NEXT_TOKEN = "Expected this character to be either a `','` or a `']'`.";

type Container = "struct" | "list";

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNonInteger)
  );
}

function decodeInteger(value: unknown, max: bigint, container: Container): bigint {
  let integer: bigint;
  if (typeof value === "bigint") integer = value;
  else if (typeof value === "number" && Number.isInteger(value)) integer = BigInt(value);
  else if (value instanceof JsonNonInteger || typeof value === "number") {
    const source = value instanceof JsonNonInteger ? value.source : String(value);
    // The integer reader consumes the leading digits; a sign is refused outright.
    if (source.startsWith("-")) throw new SerdeFailure(INVALID_NUMBER);
    throw new SerdeFailure(container === "struct" ? STRUCT_NEXT_TOKEN : LIST_NEXT_TOKEN);
  } else throw new SerdeFailure(INVALID_TYPE);
  if (integer < 0n || integer > max) throw new SerdeFailure(INVALID_NUMBER);
  return integer;
}

function decodeField(value: unknown, type: FieldType, container: Container): Decoded {
  if (typeof type === "string") {
    switch (type) {
      case "string":
        if (typeof value !== "string") throw new SerdeFailure(INVALID_TYPE);
        return value;
      case "u64":
        return decodeInteger(value, U64_MAX, container);
      case "u32":
        return Number(decodeInteger(value, U32_MAX, container));
      case "bool":
        if (typeof value !== "boolean") throw new SerdeFailure(INVALID_TYPE);
        return value;
      case "binary":
        if (typeof value !== "string") throw new SerdeFailure(INVALID_TYPE);
        try {
          return base64ToBytes(value);
        } catch (error) {
          if (!(error instanceof CryptoError)) throw error;
          throw new SerdeFailure(`invalid base64: ${value}`);
        }
    }
  }
  if ("option" in type)
    return value === null || value === undefined ? null : decodeField(value, type.option, container);
  if ("vec" in type) {
    if (!Array.isArray(value)) throw new SerdeFailure(INVALID_TYPE);
    return value.map((item) => decodeField(item, type.vec, "list"));
  }
  return decodeStructValue(value, type.struct);
}

function decodeStructValue(value: unknown, fields: StructFields): DecodedStruct {
  if (!isObject(value)) throw new SerdeFailure(INVALID_TYPE);
  const out: DecodedStruct = {};
  // Present fields are read in document order; unknown ones are skipped.
  for (const [key, member] of membersOf(value)) {
    // hasOwn: a key such as `toString` is unknown to the struct, not a property of every object.
    const type = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (type === undefined) continue;
    if (Object.hasOwn(out, key)) throw new SerdeFailure(`duplicate field \`${key}\``);
    out[key] = decodeField(member, type, "struct");
  }
  for (const [name, type] of Object.entries(fields)) {
    if (name in out) continue;
    if (typeof type === "object" && "option" in type) out[name] = null;
    else throw new SerdeFailure(`missing field \`${name}\``);
  }
  return out;
}

/** serde's `OneOf` list: "`a`", "either `a` or `b`", "one of `a`, `b`, `c`". */
function expected(names: readonly string[]): string {
  const quoted = names.map((name) => `\`${name}\``);
  if (quoted.length === 1) return quoted[0] as string;
  if (quoted.length === 2) return `either ${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(", ")}`;
}

function decodeEnumValue(
  value: unknown,
  variants: Readonly<Record<string, StructFields>>,
): [string, DecodedStruct] {
  const names = Object.keys(variants);
  const variantOf = (name: string): StructFields => {
    const fields = Object.hasOwn(variants, name) ? variants[name] : undefined;
    if (fields === undefined)
      throw new SerdeFailure(`unknown variant \`${name}\`, expected ${expected(names)}`);
    return fields;
  };
  if (typeof value === "string") {
    // `"config"`: a unit-variant spelling of a struct variant.
    variantOf(value);
    throw new SerdeFailure(INVALID_TYPE);
  }
  if (!isObject(value)) throw new SerdeFailure("Expected to parse either a `true`, `false`, or a `null`.");
  // The variant is the first member; any member after it (the same key again included) is refused.
  const members = membersOf(value);
  const [first, firstBody] = members[0] ?? [];
  if (first === undefined) throw new SerdeFailure(INVALID_TYPE);
  const body = decodeStructValue(firstBody, variantOf(first));
  if (members.length > 1) throw new SerdeFailure("Expected this character to start a JSON value.");
  return [first, body];
}

const parseError = (rustType: string, failure: SerdeFailure) =>
  new ContractError(`Error parsing into type ${rustType}: ${failure.message}`);

/** Decodes a `#[cw_serde]` struct message (`rustType` names it in the error text). */
export function decodeStruct(
  json: ContractJson | unknown,
  rustType: string,
  fields: StructFields,
): DecodedStruct {
  try {
    return decodeStructValue(json, fields);
  } catch (error) {
    if (error instanceof SerdeFailure) throw parseError(rustType, error);
    throw error;
  }
}

/** Decodes a `#[cw_serde]` enum of struct variants: `[variant, body]`. */
export function decodeEnum(
  json: ContractJson | unknown,
  rustType: string,
  variants: Readonly<Record<string, StructFields>>,
): [string, DecodedStruct] {
  try {
    return decodeEnumValue(json, variants);
  } catch (error) {
    if (error instanceof SerdeFailure) throw parseError(rustType, error);
    throw error;
  }
}
