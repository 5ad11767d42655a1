/**
 * @module The contract's Babylon queries (contract.md §11) over the host: the gRPC
 * `FinalityProvider` lookup and the two epoch custom queries, with what a failed lookup looks like
 * from inside the contract.
 */
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "../../../../src/crypto/index.ts";
import type { BlockContext } from "../../chain/module.ts";
import type { BabylonHost, FinalityProviderFacts } from "../babylon-host.ts";
import { ContractError, genericError } from "./errors.ts";

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
 * The FP lookup's failure as the contract sees it. wasmd redacts querier errors to
 * `codespace: <space>, code: <n>` and cosmwasm wraps that as a generic querier error: an unknown
 * key is btcstaking's `ErrFpNotFound` (1100); a key Babylon cannot even parse is an unregistered
 * Go error, i.e. `undefined`/1.
 */
export function finalityProviderQueryError(fpPubkey: Uint8Array) {
  const redacted = isBip340Key(fpPubkey)
    ? "codespace: btcstaking, code: 1100"
    : "codespace: undefined, code: 1";
  return genericError(`Querier contract error: ${redacted}`);
}

/** `FinalityProviderSlashed`: the key is shown as the message gave it. */
export const finalityProviderSlashed = (fpPubkeyHex: string, fp: FinalityProviderFacts): ContractError =>
  new ContractError(
    `Finality provider ${fpPubkeyHex} has been slashed at Babylon height ${fp.slashedBabylonHeight} and BTC height ${fp.slashedBtcHeight}`,
  );

/**
 * `/babylon.btcstaking.v1.Query/FinalityProvider`. The contract sends the key as given; Babylon
 * parses it case-insensitively, so the host gets the decoded key as lowercase hex.
 */
export const queryFinalityProvider = (
  host: BabylonHost,
  ctx: BlockContext,
  fpPubkeyHex: string,
): FinalityProviderFacts | undefined => host.finalityProvider(ctx, fpPubkeyHex);
