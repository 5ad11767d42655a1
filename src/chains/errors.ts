/** @module Typed errors of the consumer-chain registry. */
import { BaseError } from "../errors/base.ts";

/** One thing wrong with the chain configuration, located by a JSON path such as `$[1].quorum.numerator`. */
export type ChainConfigIssue = { path: string; message: string };

/**
 * The chain configuration (the `CHAINS` var or the KV key `config/chains`) is not valid. The operator's
 * fault, not the caller's: it maps to a 500. Every problem found is named with its JSON path; messages never
 * echo configured values (RPC URLs often carry API keys).
 */
export class InvalidChainConfigError extends BaseError {
  override name = "InvalidChainConfigError";
  readonly issues: readonly ChainConfigIssue[];

  constructor(issues: readonly ChainConfigIssue[], options: { source?: string; cause?: unknown } = {}) {
    const where = options.source ? ` (from ${options.source})` : "";
    super("invalid_chain_config", "Invalid chain configuration", {
      details: `The consumer-chain configuration${where} is invalid: ${issues
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join("; ")}.`,
      cause: options.cause,
    });
    this.issues = issues;
  }
}

const MAX_ECHOED_ID = 64;

/** The requested chain id is not configured. 404; the details name every known chain. */
export class UnknownChainError extends BaseError {
  override name = "UnknownChainError";
  readonly chainId: string;
  readonly knownIds: readonly string[];

  constructor(chainId: string, knownIds: readonly string[]) {
    const shown = chainId.length > MAX_ECHOED_ID ? `${chainId.slice(0, MAX_ECHOED_ID)}…` : chainId;
    const known = knownIds.length > 0 ? `Known chains: ${knownIds.join(", ")}.` : "No chains are configured.";
    super("unknown_chain", "Unknown chain", {
      field: "chain",
      details: `No consumer chain ${JSON.stringify(shown)} is served here. ${known}`,
    });
    this.chainId = chainId;
    this.knownIds = knownIds;
  }
}
