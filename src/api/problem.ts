/**
 * @module The one place where errors become HTTP answers: RFC 9457 `application/problem+json`.
 * Every error code the edge can raise on purpose is listed in `statusByCode`; anything else is a
 * 500 whose internals never reach the client.
 */
import { BaseError } from "../errors/base.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const PROBLEM_TYPE_BASE = "https://finality-edge.dev/problems/";

/** Stable error code → HTTP status. Codes not listed here are treated as internal errors. */
export const statusByCode: Readonly<Record<string, number>> = {
  route_not_found: 404,
  // Request validation (src/api): the field and the rule are named.
  invalid_request: 400,
  tx_not_found: 404,
  // Malformed input that reaches the crypto core (lengths, encodings, heights) is the caller's fault.
  invalid_length: 400,
  invalid_hex: 400,
  invalid_base64: 400,
  invalid_height: 400,
  invalid_scalar: 400,
  invalid_point: 400,
  invalid_context: 400,
  merkle_proof_invalid: 400,
  invalid_block_id: 400,
  blocks_not_consecutive: 400,
  block_not_found: 404,
  // Upstreams: unreachable → 503, answered with an error or garbage → 502. Both carry Retry-After.
  upstream_unavailable: 503,
  upstream_query_failed: 502,
  upstream_invalid: 502,
  // Operator configuration errors: the client cannot fix them.
  invalid_finality_config: 500,
  // Consumer-chain registry (src/chains): an unknown chain is the caller's fault; an invalid configuration is
  // the operator's (its detail names JSON paths and rules, never configured values).
  unknown_chain: 404,
  invalid_chain_config: 500,
  // Submissions (src/submission): the request itself.
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  submission_not_found: 404,
  evidence_not_found: 404,
  // Webhooks (src/coordinator): the admin token, a chain's webhook limit, an unknown webhook.
  unauthorized: 401,
  forbidden: 403,
  webhook_limit_reached: 409,
  webhook_not_found: 404,
  // Vote history (src/history): no D1 binding, or D1 failed (Retry-After).
  history_unavailable: 503,
  // Submissions refused by a contract rule: `code` is the contract's error name, `detail` its wording.
  // Malformed messages are 400; well-formed ones the contract would refuse are 422 (403 for the allowlist).
  parse_error: 400,
  empty_fp_btc_pub_key: 400,
  empty_signature: 400,
  invalid_signature_length: 400,
  invalid_commitment_length: 400,
  overflow_in_block_height: 400,
  hex_error: 400,
  invalid_public_key: 400,
  contract_abort: 400,
  too_few_pub_rand: 422,
  secp256k1_error: 422,
  invalid_pub_rand_height: 422,
  before_bsn_activation: 422,
  finality_signature_not_at_scheduled_height: 422,
  missing_pub_rand_commit: 422,
  invalid_finality_sig_height: 422,
  invalid_finality_sig_amount: 422,
  merkle_error: 422,
  eots_error: 422,
  failed_signature_verification: 422,
  finality_provider_not_allowed: 403,
  not_found_finality_provider: 422,
  finality_provider_query_error: 422,
  slashed_finality_provider: 422,
  pub_rand_commit_not_btc_timestamped: 422,
  duplicated_finality_sig: 409,
  // The contract's per-FP budget for this interval is spent: retry in a later interval.
  rate_limit_exceeded: 429,
};

/** Seconds a client should wait after a 429. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 10;

export type Problem = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
};

/** Builds the problem body and status for any thrown value. */
export function toProblem(error: unknown): Problem {
  if (error instanceof BaseError) {
    const status = statusByCode[error.code];
    if (status !== undefined) {
      return {
        type: `${PROBLEM_TYPE_BASE}${error.code}`,
        title: error.shortMessage,
        status,
        code: error.code,
        ...(error.details ? { detail: error.details } : {}),
        ...(error.field ? { field: error.field } : {}),
      };
    }
  }
  return {
    type: `${PROBLEM_TYPE_BASE}internal_error`,
    title: "Internal error",
    status: 500,
    code: "internal_error",
  };
}

/** Seconds a client should wait before retrying after an upstream failure (502/503). */
export const UPSTREAM_RETRY_AFTER_SECONDS = 5;

export function problemResponse(error: unknown, headers: Record<string, string> = {}): Response {
  const problem = toProblem(error);
  if (problem.status === 502 || problem.status === 503) {
    headers = { "retry-after": String(UPSTREAM_RETRY_AFTER_SECONDS), ...headers };
  }
  if (problem.status === 429) headers = { "retry-after": String(RATE_LIMIT_RETRY_AFTER_SECONDS), ...headers };
  if (problem.status === 401) headers = { "www-authenticate": 'Bearer realm="finality-edge"', ...headers };
  // RFC 9110 §15.5.16: say which media type would have been taken.
  if (problem.status === 415) headers = { "accept-post": "application/json", ...headers };
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store", ...headers },
  });
}
