/**
 * @module serde's `duplicate field` refusal, the one the contract's message parsing makes before any rule:
 * `#[derive(Deserialize)]` reads an object's members in order and refuses a field of its struct written a second
 * time (`Error parsing into type finality::msg::ExecuteMsg: duplicate field \`height\``). Unknown keys are
 * ignored, repeated or not, like every unknown key (contract.md §2). The input is where keys repeat, as the
 * body reader found them, relative to the execute message's body.
 */
import { ContractRuleError } from "./errors.ts";

export type MessageKind = "commit" | "vote";

type Fields = { readonly [field: string]: Fields | true };

const PROOF: Fields = { total: true, index: true, leaf_hash: true, aunts: true };

/** The fields of each message body, as the contract's structs declare them (`true` = a leaf). */
const BODY_FIELDS: Record<MessageKind, Fields> = {
  commit: { fp_pubkey_hex: true, start_height: true, num_pub_rand: true, commitment: true, signature: true },
  vote: {
    fp_pubkey_hex: true,
    l1_block_number: true,
    l1_block_hash_hex: true,
    height: true,
    pub_rand: true,
    proof: PROOF,
    block_hash: true,
    signature: true,
  },
};

const EXECUTE_MSG = "finality::msg::ExecuteMsg";

/**
 * The refusal for the first repeated key (document order) that names a field of the message's struct at its
 * place, or `undefined`. `path` is relative to the message body (`[]` = the body, `["proof"]` = its proof).
 */
export function duplicateFieldRefusal(
  kind: MessageKind,
  repeated: readonly { readonly path: readonly string[]; readonly key: string }[],
): ContractRuleError | undefined {
  for (const { path, key } of repeated) {
    const fields = structAt(BODY_FIELDS[kind], path);
    if (fields === undefined || fieldOf(fields, key) === undefined) continue;
    return new ContractRuleError(
      "parse_error",
      `Error parsing into type ${EXECUTE_MSG}: duplicate field \`${key}\``,
      {
        field: [...path, key].join("."),
      },
    );
  }
  return undefined;
}

/** An execute message whose variant key is written twice: serde-json-wasm meets a second member of the enum. */
export function repeatedVariantRefusal(variant: string): ContractRuleError {
  return new ContractRuleError(
    "parse_error",
    `Error parsing into type ${EXECUTE_MSG}: Expected this character to start a JSON value.`,
    { field: variant },
  );
}

const fieldOf = (fields: Fields, name: string) => (Object.hasOwn(fields, name) ? fields[name] : undefined);

/** The struct at `path` below `fields`, or `undefined` where the path leaves the known structs. */
function structAt(fields: Fields, path: readonly string[]): Fields | undefined {
  let at: Fields | true | undefined = fields;
  for (const part of path) {
    if (at === undefined || at === true) return undefined;
    at = fieldOf(at, part);
  }
  return at === true ? undefined : at;
}
