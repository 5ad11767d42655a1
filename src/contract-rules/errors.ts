/** @module The typed error every contract-rule check raises, carrying the contract's own text. */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";

/**
 * Stable codes, one per rule, named after the contract's `ContractError` variant (snake_case).
 * A few are ours: `parse_error` (the JSON would not deserialize into the contract's message type),
 * `invalid_public_key` (a key the contract would refuse at its Babylon lookup, a stateful step we
 * cannot run), `contract_abort` (inputs on which the wasm panics), and `invalid_config` (a config
 * the contract could never hold, e.g. interval 0). `finality_provider_query_error` is the contract's
 * `StdError` when its Babylon lookup of a committing FP fails (it has no variant of its own).
 */
export type ContractRuleCode =
  | "parse_error"
  | "empty_fp_btc_pub_key"
  | "empty_signature"
  | "invalid_signature_length"
  | "invalid_commitment_length"
  | "overflow_in_block_height"
  | "too_few_pub_rand"
  | "hex_error"
  | "invalid_public_key"
  | "secp256k1_error"
  | "invalid_pub_rand_height"
  | "before_bsn_activation"
  | "finality_signature_not_at_scheduled_height"
  | "missing_pub_rand_commit"
  | "invalid_finality_sig_height"
  | "invalid_finality_sig_amount"
  | "merkle_error"
  | "eots_error"
  | "failed_signature_verification"
  | "contract_abort"
  | "invalid_config"
  | "finality_provider_not_allowed"
  | "finality_provider_query_error"
  | "not_found_finality_provider"
  | "slashed_finality_provider"
  | "rate_limit_exceeded"
  | "duplicated_finality_sig"
  | "pub_rand_commit_not_btc_timestamped";

/**
 * A message the finality contract would refuse. `shortMessage` and `message` are exactly the
 * contract's error text (so they can be compared with a transaction's raw log); `field` names the
 * JSON field at fault (`signature`, `proof.aunts[3]`, …) and `code` the rule.
 */
export class ContractRuleError extends BaseError {
  override name = "ContractRuleError";
  declare readonly code: ContractRuleCode;

  constructor(code: ContractRuleCode, contractMessage: string, options: BaseErrorOptions = {}) {
    super(code, contractMessage, options);
    // BaseError appends "Field:"/"Details:" lines; here the message must stay the contract's text.
    this.message = contractMessage;
  }
}
