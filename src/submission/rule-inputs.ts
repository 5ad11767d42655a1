/** @module Adapters from the chain state's shapes to the contract rules' inputs. */
import type { CommitRecord, ContractRulesOptions } from "../contract-rules/index.ts";
import type { ChainCommit, SubmissionChainState } from "./types.ts";

type ChainConfig = Awaited<ReturnType<SubmissionChainState["config"]>>;

/** The three config values the stateless checks read, in the contract's names. */
export const ruleConfig = (config: ChainConfig): ContractRulesOptions["config"] => ({
  bsn_activation_height: config.bsnActivationHeight,
  finality_signature_interval: config.finalitySignatureInterval,
  min_pub_rand: config.minPubRand,
});

/** A stored commit as the rules take it, keeping its epoch for the timestamp rule. */
export const commitRecord = (commit: ChainCommit): CommitRecord & { babylonEpoch: bigint } => ({
  start_height: commit.startHeight,
  num_pub_rand: commit.numPubRand,
  interval: commit.interval,
  commitment: commit.commitment,
  babylonEpoch: commit.babylonEpoch,
});
