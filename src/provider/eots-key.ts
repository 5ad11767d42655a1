/**
 * @module The EOTS key behind the signer: what an eotsd-like signer offers, so a remote signer can
 * replace the in-process key without the signer changing.
 */
import {
  bip340Sign,
  bip340Verify,
  deriveRandomness,
  eotsSign,
  eotsVerify,
  type Randomness,
  xOnlyPublicKey,
} from "../crypto/index.ts";
import { ProviderError } from "./errors.ts";

/**
 * One finality-provider key. The signer holds no secret when given one of these; everything secret
 * (the key, the per-height private randomness) stays behind this interface.
 *
 * What an implementation (local or remote) must guarantee:
 * - **Same derivation as today's.** The randomness for (key, `bsnId`, height) is eotsd's
 *   `deriveRandomness(secretKey, bsnId, height)` and never changes: a commit made through one
 *   implementation must still be votable through another, and a value that changed after being
 *   committed would make every vote at that height unverifiable.
 * - **One private randomness per height.** `signEots` signs with exactly the nonce whose public
 *   value `publicRandomness` returns for that height.
 * - **Double signing.** Refusing a second block hash at a height is the caller's job (the signer's
 *   `DoubleSignGuard`, consulted before every `signEots`). Signing two different messages at one
 *   height hands out the secret key, so a remote key should refuse that too, as eotsd's own signing
 *   records do: it is the last line if two processes share one key. Re-signing the same message must
 *   keep working (EOTS is deterministic, so it returns the same bytes).
 */
export interface EotsKey {
  /** The 32-byte x-only public key (`fp_pubkey_hex` as bytes). */
  readonly publicKey: Uint8Array;
  /** The x-only public randomness for each height, in the order given; deterministic per key/BSN/height. */
  publicRandomness(bsnId: string, heights: readonly bigint[]): Promise<Uint8Array[]>;
  /**
   * EOTS signature (the 32-byte `s`) with `height`'s private randomness over `message`, the full vote
   * message `voteMessage(context, height, blockHash)` (`context || BE64(height) || blockHash`), unhashed:
   * EOTS hashes it once with sha256, as `eotsSign` does.
   */
  signEots(bsnId: string, height: bigint, message: Uint8Array): Promise<Uint8Array>;
  /** BIP-340 signature (64 bytes) over the 32-byte commit digest `commitDigest(...)`, already hashed. */
  signSchnorr(digest: Uint8Array): Promise<Uint8Array>;
}

export type LocalEotsKeyOptions = {
  /** Per-height randomness; defaults to eotsd's `deriveRandomness(secretKey, bsnId, height)`. */
  randomness?: (height: bigint, bsnId: string) => Randomness;
  /** BIP-340 auxiliary randomness per commit signature; defaults to 32 fresh random bytes. */
  auxRand?: () => Uint8Array;
};

const randomAux = (): Uint8Array => crypto.getRandomValues(new Uint8Array(32));

/** An {@link EotsKey} over a secret key held in this process, with today's crypto. */
export function createLocalEotsKey(secretKey: Uint8Array, options: LocalEotsKeyOptions = {}): EotsKey {
  const sk = Uint8Array.from(secretKey);
  const publicKey = xOnlyPublicKey(sk); // also rejects a key outside [1, n−1]
  const randomness =
    options.randomness ?? ((height: bigint, bsnId: string) => deriveRandomness(sk, bsnId, height));
  const auxRand = options.auxRand ?? randomAux;
  return {
    publicKey: Uint8Array.from(publicKey),
    async publicRandomness(bsnId, heights) {
      return heights.map((height) => randomness(height, bsnId).pubRand);
    },
    async signEots(bsnId, height, message) {
      return eotsSign(sk, randomness(height, bsnId).privRand, message);
    },
    async signSchnorr(digest) {
      return bip340Sign(sk, digest, auxRand());
    },
  };
}

/** What a key returned that no honest key returns: refuse it here rather than earn a contract rejection. */
function keyResponseError(details: string): ProviderError {
  return new ProviderError("invalid_key_response", "The EOTS key returned an invalid answer", { details });
}

/** One 32-byte value per requested height. */
export function checkPublicRandomness(heights: readonly bigint[], values: readonly Uint8Array[]): void {
  if (values.length !== heights.length) {
    throw keyResponseError(`asked for ${heights.length} public randomness values, got ${values.length}`);
  }
  const bad = values.findIndex((value) => !(value instanceof Uint8Array) || value.length !== 32);
  if (bad >= 0) throw keyResponseError(`public randomness for height ${heights[bad]} is not 32 bytes`);
}

/** The commit signature verifies under the key's public key. */
export function checkCommitSignature(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): void {
  if (!verifies(() => bip340Verify(publicKey, digest, signature))) {
    throw keyResponseError("the commit signature does not verify under the key's public key");
  }
}

/** The vote signature verifies under the key and the height's public randomness. */
export function checkVoteSignature(
  publicKey: Uint8Array,
  pubRand: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  height: bigint,
): void {
  if (!verifies(() => eotsVerify(publicKey, pubRand, message, signature))) {
    throw keyResponseError(`the EOTS signature at height ${height} does not verify`);
  }
}

/** Malformed bytes (wrong length, s ≥ n) throw in the verifiers: here they are just a failed check. */
function verifies(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
