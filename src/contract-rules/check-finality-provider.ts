/**
 * @module The contract's verdict on Babylon's record of the sending FP (§9.1 step 10, §9.2 step 5).
 * The two messages differ: a commit fails on a lookup error and only on a Babylon slashing height;
 * a vote reads any lookup failure or foreign BSN as "not found" and either slashing height as slashed.
 */
import {
  finalityProviderQueryError,
  notFoundFinalityProvider,
  slashedFinalityProvider,
} from "./stateful-errors.ts";

/** What the contract decodes from `/babylon.btcstaking.v1.Query/FinalityProvider` (undefined: the lookup failed). */
export type FinalityProviderRecord = {
  bsnId: string;
  slashedBabylonHeight: number | bigint;
  slashedBtcHeight: number | bigint;
};

/** Commit path: no record → the query error; `slashed_babylon_height > 0` → slashed. No BSN check. */
export function checkCommitFinalityProvider(
  fp: FinalityProviderRecord | undefined,
  fpPubkey: Uint8Array,
  fpPubkeyHexAsGiven: string,
): void {
  if (fp === undefined) throw finalityProviderQueryError(fpPubkey);
  if (BigInt(fp.slashedBabylonHeight) > 0n) {
    throw slashedFinalityProvider(fpPubkeyHexAsGiven, fp.slashedBabylonHeight, fp.slashedBtcHeight);
  }
}

/** Vote path: no record or another BSN → not found; either slashed height ≠ 0 → slashed. */
export function checkVoteFinalityProvider(
  fp: FinalityProviderRecord | undefined,
  bsnId: string,
  fpPubkeyHexAsGiven: string,
): void {
  if (fp === undefined || fp.bsnId !== bsnId) throw notFoundFinalityProvider(bsnId, fpPubkeyHexAsGiven);
  if (BigInt(fp.slashedBabylonHeight) !== 0n || BigInt(fp.slashedBtcHeight) !== 0n) {
    throw slashedFinalityProvider(fpPubkeyHexAsGiven, fp.slashedBabylonHeight, fp.slashedBtcHeight);
  }
}
