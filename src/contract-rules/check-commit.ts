/**
 * @module The stateless checks of `commit_public_randomness` (contract.md §9.1), in the contract's
 * order. Stateful steps sit between the two halves and are the caller's: allowlist, Babylon
 * finality-provider lookup (slashed?), rate limit — then the signature — then the epoch and the
 * overlap with the last commit ({@link checkCommitOverlap}).
 */
import { bip340Verify, commitDigest } from "../crypto/index.ts";
import { ruleSigningContexts } from "./context.ts";
import { configU64, decodeBinary, decodeString, decodeU64, readObject, readRequired } from "./decode.ts";
import { commitEndHeight } from "./end-height.ts";
import { ContractRuleError } from "./errors.ts";
import { rustHexDecode } from "./rust-hex.ts";
import type { CheckedCommit, CommitPublicRandomnessMsg, ContractRulesOptions } from "./types.ts";

const SIGNATURE_LENGTH = 64;
const COMMITMENT_LENGTH = 32;

/**
 * Deserializes the message and runs steps 1–8: empty key, empty signature, signature length,
 * commitment length, end-height overflow (also `num_pub_rand = 0`), too few values, key hex.
 */
export function checkCommitFields(
  msg: CommitPublicRandomnessMsg,
  options: Pick<ContractRulesOptions, "config">,
): CheckedCommit {
  const body = readObject(msg, "commit_public_randomness");
  const fpPubkeyHex = decodeString(readRequired(body, "fp_pubkey_hex", "fp_pubkey_hex"), "fp_pubkey_hex");
  const startHeight = decodeU64(readRequired(body, "start_height", "start_height"), "start_height");
  const numPubRand = decodeU64(readRequired(body, "num_pub_rand", "num_pub_rand"), "num_pub_rand");
  const commitment = decodeBinary(readRequired(body, "commitment", "commitment"), "commitment");
  const signature = decodeBinary(readRequired(body, "signature", "signature"), "signature");
  const interval = configU64(options.config.finality_signature_interval, "finality_signature_interval");
  const minPubRand = configU64(options.config.min_pub_rand, "min_pub_rand");

  if (fpPubkeyHex === "") {
    throw new ContractRuleError("empty_fp_btc_pub_key", "Empty finality provider BTC public key", {
      field: "fp_pubkey_hex",
    });
  }
  if (signature.length === 0) {
    throw new ContractRuleError("empty_signature", "Empty signature from the delegator", {
      field: "signature",
    });
  }
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new ContractRuleError(
      "invalid_signature_length",
      `Invalid signature length: expected ${SIGNATURE_LENGTH} bytes, got ${signature.length}`,
      { field: "signature" },
    );
  }
  if (commitment.length !== COMMITMENT_LENGTH) {
    throw new ContractRuleError(
      "invalid_commitment_length",
      `Invalid commitment length: expected ${COMMITMENT_LENGTH} bytes, got ${commitment.length}`,
      { field: "commitment" },
    );
  }
  const endHeight = commitEndHeight(startHeight, numPubRand, interval);
  if (numPubRand < minPubRand) {
    throw new ContractRuleError(
      "too_few_pub_rand",
      `Too few public randomness values: given ${numPubRand}, required minimum ${minPubRand}`,
      { field: "num_pub_rand" },
    );
  }
  const fpPubkey = rustHexDecode(fpPubkeyHex, "fp_pubkey_hex");
  return { fpPubkeyHex, fpPubkey, startHeight, numPubRand, endHeight, interval, commitment, signature };
}

/**
 * A key that is not 32 bytes never gets past the contract's Babylon lookup (and would make k256
 * abort), so it is refused before any signature work. Shared by both message kinds.
 */
export function assertPublicKeyLength(fpPubkey: Uint8Array): void {
  if (fpPubkey.length !== 32) {
    throw new ContractRuleError(
      "invalid_public_key",
      `Invalid finality provider BTC public key: expected 32 bytes, got ${fpPubkey.length}`,
      {
        field: "fp_pubkey_hex",
        details: "the contract refuses it when it looks the finality provider up on Babylon",
      },
    );
  }
}

/**
 * Step 12: BIP-340 over `sha256(context_commit || BE64(start) || BE64(num) || commitment)`. Every
 * failure (key not on the curve, r ≥ p, s ≥ n, wrong equation) is k256's "signature error".
 */
export function verifyCommitSignature(
  checked: CheckedCommit,
  options: Pick<ContractRulesOptions, "babylonChainId" | "contractAddress" | "emptySigningContext">,
): void {
  assertPublicKeyLength(checked.fpPubkey);
  const context = ruleSigningContexts(options).commit;
  const digest = commitDigest(context, checked.startHeight, checked.numPubRand, checked.commitment);
  if (!bip340Verify(checked.fpPubkey, digest, checked.signature)) {
    throw new ContractRuleError("secp256k1_error", "signature error", { field: "signature" });
  }
}

/** Every stateless check of a commit, in order: {@link checkCommitFields} then {@link verifyCommitSignature}. */
export function checkCommitPublicRandomness(
  msg: CommitPublicRandomnessMsg,
  options: ContractRulesOptions,
): CheckedCommit {
  const checked = checkCommitFields(msg, options);
  verifyCommitSignature(checked, options);
  return checked;
}
