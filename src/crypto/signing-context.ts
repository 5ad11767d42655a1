/**
 * @module Signing contexts and the exact byte layouts the rollup finality contract verifies:
 * the randomness-commitment message (BIP-340 signed) and the finality-vote message (EOTS signed).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { assertLength, bytesToHex, concatBytes, u64ToBigEndian, utf8ToBytes } from "./bytes.ts";
import { InvalidContextError } from "./errors.ts";

/** The two signing-context tags the rollup contract uses. */
export type SigningContextKind = "fp_rand_commit" | "fp_fin_vote";

const KINDS: readonly string[] = ["fp_rand_commit", "fp_fin_vote"] satisfies SigningContextKind[];
const CONTEXT_RE = /^[0-9a-f]{64}$/;

/**
 * `hex_lower(sha256("btcstaking/0/{kind}/{babylonChainId}/{contractAddress}"))`.
 * `babylonChainId` is the Babylon Genesis chain id (not the rollup's), `contractAddress` the bech32
 * finality-contract address.
 */
export function signingContext(
  kind: SigningContextKind,
  babylonChainId: string,
  contractAddress: string,
): string {
  if (!KINDS.includes(kind)) throw new InvalidContextError(`Unknown signing context kind: ${String(kind)}`);
  return bytesToHex(sha256(utf8ToBytes(`btcstaking/0/${kind}/${babylonChainId}/${contractAddress}`)));
}

/**
 * The context's ASCII bytes. The contract prepends the 64-character hex *string*, not the 32-byte
 * digest. `""` (pre-context deployments) is allowed; anything else must be 64 lowercase hex chars,
 * since an uppercase or short context would silently produce a message no contract accepts.
 */
function contextBytes(context: string): Uint8Array {
  if (context !== "" && !CONTEXT_RE.test(context)) {
    throw new InvalidContextError("Signing context must be empty or 64 lowercase hex characters", {
      field: "context",
      details: `got ${context.length} characters`,
    });
  }
  return utf8ToBytes(context);
}

/** `context || BE64(startHeight) || BE64(numPubRand) || commitment(32)`; sign `sha256` of it with BIP-340. */
export function commitMessage(
  context: string,
  startHeight: number | bigint,
  numPubRand: number | bigint,
  commitment: Uint8Array,
): Uint8Array {
  assertLength(commitment, 32, "commitment");
  return concatBytes(
    contextBytes(context),
    u64ToBigEndian(startHeight, "startHeight"),
    u64ToBigEndian(numPubRand, "numPubRand"),
    commitment,
  );
}

/**
 * `sha256(commitMessage(...))`: the 32-byte digest the randomness commitment's BIP-340 signature
 * signs (and the contract verifies).
 */
export function commitDigest(
  context: string,
  startHeight: number | bigint,
  numPubRand: number | bigint,
  commitment: Uint8Array,
): Uint8Array {
  return sha256(commitMessage(context, startHeight, numPubRand, commitment));
}

/**
 * `context || BE64(height) || blockHash`; EOTS signs it (hashing it once). The block hash is taken
 * as given (32 bytes in practice) because the contract hashes whatever was submitted.
 */
export function voteMessage(context: string, height: number | bigint, blockHash: Uint8Array): Uint8Array {
  return concatBytes(contextBytes(context), u64ToBigEndian(height, "height"), blockHash);
}
