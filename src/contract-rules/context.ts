/** @module The two signing contexts the contract builds from its chain id and own address. */
import { signingContext } from "../crypto/index.ts";
import type { ContractRulesOptions } from "./types.ts";

/** `{ commit, vote }` context strings (64 lowercase hex chars each, or "" for pre-context deployments). */
export function ruleSigningContexts(
  options: Pick<ContractRulesOptions, "babylonChainId" | "contractAddress" | "emptySigningContext">,
): { commit: string; vote: string } {
  if (options.emptySigningContext) return { commit: "", vote: "" };
  return {
    commit: signingContext("fp_rand_commit", options.babylonChainId, options.contractAddress),
    vote: signingContext("fp_fin_vote", options.babylonChainId, options.contractAddress),
  };
}
