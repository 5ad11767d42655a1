/**
 * @module The finality contract's error texts (contract.md §9.6, as observed in §18) → stable snake_case
 * codes named after the `ContractError` variants, the same names `ContractRuleCode` uses where they overlap.
 */

/** The contract's error names (plus `contract_abort` for a wasm panic and `contract_error` for unknown texts). */
export type ContractErrorCode =
  | "empty_signature"
  | "eots_error"
  | "failed_signature_verification"
  | "hex_error"
  | "invalid_finality_sig_height"
  | "invalid_finality_sig_amount"
  | "invalid_pub_rand_height"
  | "invalid_min_pub_rand"
  | "invalid_finality_signature_interval"
  | "before_bsn_activation"
  | "finality_signature_not_at_scheduled_height"
  | "merkle_error"
  | "missing_pub_rand_commit"
  | "pub_rand_commit_not_btc_timestamped"
  | "secp256k1_error"
  | "slashed_finality_provider"
  | "finality_provider_query_error"
  | "std_error"
  | "admin"
  | "query_block_voter_error"
  | "not_found_finality_provider"
  | "pub_rand_already_exists"
  | "duplicate_signatory"
  | "duplicated_finality_sig"
  | "too_few_pub_rand"
  | "overflow_in_block_height"
  | "invalid_commitment_length"
  | "invalid_signature_length"
  | "empty_fp_btc_pub_key"
  | "invalid_bsn_id"
  | "invalid_rate_limiting_interval"
  | "invalid_max_msgs_per_interval"
  | "rate_limit_exceeded"
  | "finality_provider_not_allowed"
  | "no_config_fields_to_update"
  | "invalid_contract_name"
  | "failed_to_load"
  | "contract_abort"
  | "contract_error";

/** First match wins; anchored at the start, since every Display string has a fixed prefix. */
const TABLE: ReadonlyArray<readonly [RegExp, ContractErrorCode]> = [
  [/^Duplicated finality signature for finality provider /, "duplicated_finality_sig"],
  [/^Failed to verify signature: /, "failed_signature_verification"],
  [/^EOTS error: /, "eots_error"],
  [/^Empty signature from the delegator$/, "empty_signature"],
  [
    /^The inclusion proof for height \d+ does not correspond to the given height/,
    "invalid_finality_sig_height",
  ],
  [/^The total amount of public randomnesses in the proof /, "invalid_finality_sig_amount"],
  [/^The start height \(\d+\) has overlap with /, "invalid_pub_rand_height"],
  [/^Invalid min_pub_rand value: /, "invalid_min_pub_rand"],
  [/^Invalid finality_signature_interval value: /, "invalid_finality_signature_interval"],
  [/^BSN not activated yet\. /, "before_bsn_activation"],
  [/^Finality signature not at scheduled height\. /, "finality_signature_not_at_scheduled_height"],
  [/^Merkle error: /, "merkle_error"],
  [/^Public randomness not found for finality provider /, "missing_pub_rand_commit"],
  [/^No finalized epoch yet$/, "pub_rand_commit_not_btc_timestamped"],
  [
    /^The finality provider \S+ last committed epoch: \d+, last finalized epoch: \d+$/,
    "pub_rand_commit_not_btc_timestamped",
  ],
  [/^Finality provider \S+ has been slashed at Babylon height /, "slashed_finality_provider"],
  [/^Finality provider \S+ is not in the allowlist$/, "finality_provider_not_allowed"],
  [/^Finality provider not found for BSN /, "not_found_finality_provider"],
  [/^Admin error: /, "admin"],
  [/^Failed to query block voters for block /, "query_block_voter_error"],
  [/^Public randomness already exists for finality provider /, "pub_rand_already_exists"],
  [/^Duplicate signatory /, "duplicate_signatory"],
  [/^Too few public randomness values: /, "too_few_pub_rand"],
  [/^Block height overflow detected for start height /, "overflow_in_block_height"],
  [/^Invalid commitment length: /, "invalid_commitment_length"],
  [/^Invalid signature length: /, "invalid_signature_length"],
  [/^Empty finality provider BTC public key$/, "empty_fp_btc_pub_key"],
  [/^Invalid consumer ID: /, "invalid_bsn_id"],
  [/^Invalid rate limiting interval: /, "invalid_rate_limiting_interval"],
  [/^Invalid max messages per interval: /, "invalid_max_msgs_per_interval"],
  [/^Rate limit exceeded for finality provider /, "rate_limit_exceeded"],
  [/^No configuration fields were provided to update$/, "no_config_fields_to_update"],
  [/^Invalid contract name during migration: /, "invalid_contract_name"],
  [/^Failed to load /, "failed_to_load"],
  // The `hex` crate's messages (HexError is displayed as the bare inner text).
  [/^Odd number of digits$/, "hex_error"],
  [/^Invalid character .+ at position \d+$/, "hex_error"],
  [/^Invalid string length$/, "hex_error"],
  // SecP256K1Error is the bare k256 text: "signature error" for a commitment signature that does not verify.
  [/^signature error\b/, "secp256k1_error"],
  // wasmd's rendering of a wasm panic (e.g. an overflow in prune_data).
  [/^Error calling the VM: /, "contract_abort"],
  // The only StdError the contract raises in practice: its Babylon lookup of a committing FP failed (§18).
  [/^Generic error: Querier contract error/, "finality_provider_query_error"],
  [/^Generic error: /, "std_error"],
];

/** The code of a finality-contract error text (the part wasmd puts before `: execute wasm contract failed`). */
export function classifyContractError(text: string): ContractErrorCode {
  for (const [pattern, code] of TABLE) if (pattern.test(text)) return code;
  return "contract_error";
}
