/**
 * @module What the finality contract asks of Babylon (contract.md §11) and how Babylon answers its
 * equivocation message (§8). The contract model depends only on this; the Babylon modules implement it.
 */
import type { BlockContext } from "../chain/module.ts";

/** The fields the contract decodes from `/babylon.btcstaking.v1.Query/FinalityProvider`. */
export type FinalityProviderFacts = {
  bsnId: string;
  slashedBabylonHeight: number;
  slashedBtcHeight: number;
};

/** `{"msg_equivocation_evidence": …}` as the contract emits it (all `_hex` lowercase). */
export type EquivocationEvidence = {
  signer: string;
  fp_btc_pk_hex: string;
  block_height: number;
  pub_rand_hex: string;
  canonical_app_hash_hex: string;
  fork_app_hash_hex: string;
  canonical_finality_sig_hex: string;
  fork_finality_sig_hex: string;
  signing_context: string;
};

export interface BabylonHost {
  /** `undefined` when Babylon has no such FP (the contract sees a query error). */
  finalityProvider(ctx: BlockContext, fpBtcPkHex: string): FinalityProviderFacts | undefined;
  /** Custom query `{"epoch":{}}`. */
  currentEpoch(ctx: BlockContext): number;
  /** Custom query `{"latest_finalized_epoch_info":{}}` → `epoch_number` (0 when none is finalized). */
  lastFinalizedEpoch(ctx: BlockContext): number;
  /**
   * Babylon's handler for the contract's evidence message: extracts the key from the two EOTS
   * signatures, checks it against the FP's key, and slashes the FP. Throws a `TxFailure` to revert
   * the whole tx, as Babylon does when it rejects evidence.
   */
  handleEquivocationEvidence(ctx: BlockContext, evidence: EquivocationEvidence): void;
}
