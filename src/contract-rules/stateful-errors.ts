/**
 * @module The contract's refusals that depend on chain state (allowlist, Babylon's FP record, rate
 * limit, stored votes, BTC timestamping), with its exact texts (contract.md §9.6, §18). The emulator
 * and the edge both raise them through these constructors, so each text lives here only.
 */
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "../crypto/index.ts";
import { ContractRuleError } from "./errors.ts";

type U64 = number | bigint;

/** `FinalityProviderNotAllowed`: `fpHex` is the lowercase hex of the key bytes. */
export const finalityProviderNotAllowed = (fpHex: string): ContractRuleError =>
  new ContractRuleError(
    "finality_provider_not_allowed",
    `Finality provider ${fpHex} is not in the allowlist`,
    {
      field: "fp_pubkey_hex",
    },
  );

/** `NotFoundFinalityProvider` (votes only): the key as the message gave it. */
export const notFoundFinalityProvider = (bsnId: string, fpPubkeyHexAsGiven: string): ContractRuleError =>
  new ContractRuleError(
    "not_found_finality_provider",
    `Finality provider not found for BSN ${bsnId} with pubkey ${fpPubkeyHexAsGiven}`,
    { field: "fp_pubkey_hex" },
  );

/** `SlashedFinalityProvider`: the key as the message gave it, and the heights Babylon recorded. */
export const slashedFinalityProvider = (
  fpPubkeyHexAsGiven: string,
  slashedBabylonHeight: U64,
  slashedBtcHeight: U64,
): ContractRuleError =>
  new ContractRuleError(
    "slashed_finality_provider",
    `Finality provider ${fpPubkeyHexAsGiven} has been slashed at Babylon height ${slashedBabylonHeight} and BTC height ${slashedBtcHeight}`,
    { field: "fp_pubkey_hex" },
  );

/**
 * `RateLimitExceeded`. The contract prints its storage key, i.e. the key *bytes* as lowercase hex,
 * whatever case the message used: pass the bytes, or hex that is lowercased here.
 */
export const rateLimitExceeded = (fpPubkey: Uint8Array | string, limit: U64): ContractRuleError =>
  new ContractRuleError(
    "rate_limit_exceeded",
    `Rate limit exceeded for finality provider ${typeof fpPubkey === "string" ? fpPubkey.toLowerCase() : bytesToHex(fpPubkey)} with limit ${limit}`,
    { field: "fp_pubkey_hex" },
  );

/** `DuplicatedFinalitySig`: the key as the message gave it. */
export const duplicatedFinalitySig = (fpPubkeyHexAsGiven: string, height: U64): ContractRuleError =>
  new ContractRuleError(
    "duplicated_finality_sig",
    `Duplicated finality signature for finality provider ${fpPubkeyHexAsGiven} at height ${height}`,
    { field: "signature" },
  );

/**
 * `PubRandCommitNotBTCTimestamped(text)`, displayed as the bare text: "No finalized epoch yet" or
 * "The finality provider <hex> last committed epoch: <e>, last finalized epoch: <f>".
 */
export const pubRandCommitNotBtcTimestamped = (text: string): ContractRuleError =>
  new ContractRuleError("pub_rand_commit_not_btc_timestamped", text, { field: "height" });

/** A 32-byte x-only key Babylon's `BIP340PubKey` would parse (x < p and on the curve). */
function isBip340Key(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  try {
    schnorr.utils.lift_x(BigInt(`0x${bytesToHex(bytes)}`));
    return true;
  } catch {
    return false;
  }
}

/**
 * The commit path's failed Babylon lookup, which the contract propagates as a `StdError`. wasmd
 * redacts querier errors to `codespace: <space>, code: <n>` and cosmwasm wraps that as a generic
 * querier error: an unknown key is btcstaking's `ErrFpNotFound` (1100); a key Babylon cannot even
 * parse is an unregistered Go error, i.e. `undefined`/1.
 */
export function finalityProviderQueryError(fpPubkey: Uint8Array): ContractRuleError {
  const redacted = isBip340Key(fpPubkey)
    ? "codespace: btcstaking, code: 1100"
    : "codespace: undefined, code: 1";
  return new ContractRuleError(
    "finality_provider_query_error",
    `Generic error: Querier contract error: ${redacted}`,
    { field: "fp_pubkey_hex" },
  );
}
