/**
 * @module The contract's message types (msg.rs) as serde schemas, and typed decoders over them.
 * Field order is the Rust declaration order (it decides which missing field is reported).
 */
import type { ContractJson } from "./json.ts";
import { type DecodedStruct, decodeEnum, decodeStruct, type StructFields } from "./serde.ts";

const RUST_TYPES = {
  instantiate: "finality::msg::InstantiateMsg",
  execute: "finality::msg::ExecuteMsg",
  query: "finality::msg::QueryMsg",
  migrate: "finality::msg::MigrateMsg",
} as const;

const INSTANTIATE: StructFields = {
  admin: "string",
  bsn_id: "string",
  min_pub_rand: "u64",
  rate_limiting_interval: "u64",
  max_msgs_per_interval: "u32",
  bsn_activation_height: "u64",
  finality_signature_interval: "u64",
  allowed_finality_providers: { option: { vec: "string" } },
};

const PROOF: StructFields = {
  total: "u64",
  index: "u64",
  leaf_hash: "binary",
  aunts: { vec: "binary" },
};

const EXECUTE: Readonly<Record<string, StructFields>> = {
  commit_public_randomness: {
    fp_pubkey_hex: "string",
    start_height: "u64",
    num_pub_rand: "u64",
    commitment: "binary",
    signature: "binary",
  },
  submit_finality_signature: {
    fp_pubkey_hex: "string",
    l1_block_number: { option: "u64" },
    l1_block_hash_hex: { option: "string" },
    height: "u64",
    pub_rand: "binary",
    proof: { struct: PROOF },
    block_hash: "binary",
    signature: "binary",
  },
  update_admin: { admin: "string" },
  prune_data: {
    rollup_height: "u64",
    max_signatures_to_prune: { option: "u32" },
    max_pub_rand_values_to_prune: { option: "u32" },
  },
  add_to_allowlist: { fp_pubkey_hex_list: { vec: "string" } },
  remove_from_allowlist: { fp_pubkey_hex_list: { vec: "string" } },
  update_config: {
    min_pub_rand: { option: "u64" },
    max_msgs_per_interval: { option: "u32" },
    rate_limiting_interval: { option: "u64" },
  },
};

const QUERY: Readonly<Record<string, StructFields>> = {
  block_voters: { height: "u64", hash_hex: "string" },
  first_pub_rand_commit: { btc_pk_hex: "string" },
  last_pub_rand_commit: { btc_pk_hex: "string" },
  pub_rand_commit_for_height: { btc_pk_hex: "string", height: "u64" },
  list_pub_rand_commit: {
    btc_pk_hex: "string",
    start_after: { option: "u64" },
    limit: { option: "u32" },
    reverse: { option: "bool" },
  },
  highest_voted_height: { btc_pk_hex: "string" },
  admin: {},
  config: {},
  allowed_finality_providers: {},
  allowed_finality_providers_at_height: { babylon_height: "u64" },
};

export type InstantiateMsg = {
  admin: string;
  bsn_id: string;
  min_pub_rand: bigint;
  rate_limiting_interval: bigint;
  max_msgs_per_interval: number;
  bsn_activation_height: bigint;
  finality_signature_interval: bigint;
  allowed_finality_providers: string[] | null;
};

export type ProofBody = { total: bigint; index: bigint; leaf_hash: Uint8Array; aunts: Uint8Array[] };

export type ExecuteMsg =
  | {
      variant: "commit_public_randomness";
      body: {
        fp_pubkey_hex: string;
        start_height: bigint;
        num_pub_rand: bigint;
        commitment: Uint8Array;
        signature: Uint8Array;
      };
    }
  | {
      variant: "submit_finality_signature";
      body: {
        fp_pubkey_hex: string;
        l1_block_number: bigint | null;
        l1_block_hash_hex: string | null;
        height: bigint;
        pub_rand: Uint8Array;
        proof: ProofBody;
        block_hash: Uint8Array;
        signature: Uint8Array;
      };
    }
  | { variant: "update_admin"; body: { admin: string } }
  | {
      variant: "prune_data";
      body: {
        rollup_height: bigint;
        max_signatures_to_prune: number | null;
        max_pub_rand_values_to_prune: number | null;
      };
    }
  | { variant: "add_to_allowlist"; body: { fp_pubkey_hex_list: string[] } }
  | { variant: "remove_from_allowlist"; body: { fp_pubkey_hex_list: string[] } }
  | {
      variant: "update_config";
      body: {
        min_pub_rand: bigint | null;
        max_msgs_per_interval: number | null;
        rate_limiting_interval: bigint | null;
      };
    };

export type QueryMsg =
  | { variant: "block_voters"; body: { height: bigint; hash_hex: string } }
  | { variant: "first_pub_rand_commit"; body: { btc_pk_hex: string } }
  | { variant: "last_pub_rand_commit"; body: { btc_pk_hex: string } }
  | { variant: "pub_rand_commit_for_height"; body: { btc_pk_hex: string; height: bigint } }
  | {
      variant: "list_pub_rand_commit";
      body: { btc_pk_hex: string; start_after: bigint | null; limit: number | null; reverse: boolean | null };
    }
  | { variant: "highest_voted_height"; body: { btc_pk_hex: string } }
  | { variant: "admin"; body: Record<string, never> }
  | { variant: "config"; body: Record<string, never> }
  | { variant: "allowed_finality_providers"; body: Record<string, never> }
  | { variant: "allowed_finality_providers_at_height"; body: { babylon_height: bigint } };

// The schemas above guarantee the shapes these casts assert.
const asBody = <T>(body: DecodedStruct): T => body as unknown as T;

export const decodeInstantiateMsg = (json: ContractJson | unknown): InstantiateMsg =>
  asBody(decodeStruct(json, RUST_TYPES.instantiate, INSTANTIATE));

export function decodeExecuteMsg(json: ContractJson | unknown): ExecuteMsg {
  const [variant, body] = decodeEnum(json, RUST_TYPES.execute, EXECUTE);
  return asBody({ variant, body } as unknown as DecodedStruct);
}

export function decodeQueryMsg(json: ContractJson | unknown): QueryMsg {
  const [variant, body] = decodeEnum(json, RUST_TYPES.query, QUERY);
  return asBody({ variant, body } as unknown as DecodedStruct);
}

export const decodeMigrateMsg = (json: ContractJson | unknown): void => {
  decodeStruct(json, RUST_TYPES.migrate, {});
};
