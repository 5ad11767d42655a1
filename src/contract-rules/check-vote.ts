/**
 * @module The stateless checks of `submit_finality_signature` (contract.md §9.2), in the contract's
 * order. Between {@link checkFinalitySignatureFields} and {@link verifyFinalitySignature} the caller
 * runs the stateful steps: allowlist (before the height checks, strictly), Babylon lookup, rate limit,
 * duplicate vote, finding the covering commit ({@link findCoveringCommit}) and its BTC timestamp.
 */
import { voteMessage } from "../crypto/index.ts";
import { assertPublicKeyLength } from "./check-commit.ts";
import { ruleSigningContexts } from "./context.ts";
import {
  configU64,
  decodeArray,
  decodeBinary,
  decodeOptionalString,
  decodeOptionalU64,
  decodeString,
  decodeU64,
  readObject,
  readRequired,
} from "./decode.ts";
import { verifyEotsLikeContract } from "./eots.ts";
import { ContractRuleError } from "./errors.ts";
import { validateProofBasic, verifyProofLikeContract } from "./merkle.ts";
import { overflowPanicText } from "./panic.ts";
import { rustHexDecode } from "./rust-hex.ts";
import type {
  CheckedVote,
  CommitRecord,
  ContractRulesOptions,
  DecodedProof,
  SubmitFinalitySignatureMsg,
} from "./types.ts";

const U64_MAX = (1n << 64n) - 1n;

function decodeProof(value: unknown): DecodedProof {
  const proof = readObject(value, "proof");
  const total = decodeU64(readRequired(proof, "total", "proof.total"), "proof.total");
  const index = decodeU64(readRequired(proof, "index", "proof.index"), "proof.index");
  const leafHash = decodeBinary(readRequired(proof, "leaf_hash", "proof.leaf_hash"), "proof.leaf_hash");
  const aunts = decodeArray(readRequired(proof, "aunts", "proof.aunts"), "proof.aunts").map((aunt, i) =>
    decodeBinary(aunt, `proof.aunts[${i}]`),
  );
  return { total, index, leafHash, aunts };
}

/**
 * Deserializes the message and runs steps 1, 3 and 4: key hex, `height ≥ bsn_activation_height`,
 * `(height − activation) % interval = 0`.
 */
export function checkFinalitySignatureFields(
  msg: SubmitFinalitySignatureMsg,
  options: Pick<ContractRulesOptions, "config">,
): CheckedVote {
  const body = readObject(msg, "submit_finality_signature");
  const fpPubkeyHex = decodeString(readRequired(body, "fp_pubkey_hex", "fp_pubkey_hex"), "fp_pubkey_hex");
  const l1BlockNumber = decodeOptionalU64(body.l1_block_number, "l1_block_number");
  const l1BlockHashHex = decodeOptionalString(body.l1_block_hash_hex, "l1_block_hash_hex");
  const height = decodeU64(readRequired(body, "height", "height"), "height");
  const pubRand = decodeBinary(readRequired(body, "pub_rand", "pub_rand"), "pub_rand");
  const proof = decodeProof(readRequired(body, "proof", "proof"));
  const blockHash = decodeBinary(readRequired(body, "block_hash", "block_hash"), "block_hash");
  const signature = decodeBinary(readRequired(body, "signature", "signature"), "signature");
  const activation = configU64(options.config.bsn_activation_height, "bsn_activation_height");
  const interval = configU64(options.config.finality_signature_interval, "finality_signature_interval");
  if (interval === 0n) {
    throw new ContractRuleError(
      "invalid_config",
      "Invalid finality_signature_interval value: 0. Must be at least 1",
      {
        field: "finality_signature_interval",
      },
    );
  }

  const fpPubkey = rustHexDecode(fpPubkeyHex, "fp_pubkey_hex");
  if (height < activation) {
    throw new ContractRuleError(
      "before_bsn_activation",
      `BSN not activated yet. Current height: ${height}, activation height: ${activation}`,
      { field: "height" },
    );
  }
  if ((height - activation) % interval !== 0n) {
    throw new ContractRuleError(
      "finality_signature_not_at_scheduled_height",
      `Finality signature not at scheduled height. Height ${height} not allowed with interval ${interval}`,
      { field: "height" },
    );
  }
  return {
    fpPubkeyHex,
    fpPubkey,
    height,
    pubRand,
    proof,
    blockHash,
    signature,
    l1BlockNumber,
    l1BlockHashHex,
  };
}

const abort = (operation: "add" | "multiply", field: string) =>
  new ContractRuleError("contract_abort", overflowPanicText(operation), { field });

/**
 * The EOTS part of step 9 alone: `fp_pubkey_hex` signed `context_vote || BE64(height) || block_hash` (hashed
 * once) with the message's `pub_rand`. Needs no chain state, so the edge can run it first to learn whether a
 * message proves the identity it names (the commit then still has to cover `pub_rand`). Takes only what the
 * signature covers, so a verifier holding a vote without its proof (an edge answer) need not make one up.
 */
export function verifyVoteEots(
  checked: Pick<CheckedVote, "fpPubkey" | "height" | "pubRand" | "blockHash" | "signature">,
  options: Pick<ContractRulesOptions, "babylonChainId" | "contractAddress" | "emptySigningContext">,
): void {
  assertPublicKeyLength(checked.fpPubkey);
  const context = ruleSigningContexts(options).vote;
  verifyEotsLikeContract(
    checked.fpPubkey,
    checked.pubRand,
    voteMessage(context, checked.height, checked.blockHash),
    checked.signature,
  );
}

/**
 * Step 9 against the covering commit: proof height (`start + index·interval`), proof total,
 * Merkle inclusion of `pub_rand` under the commitment, then EOTS ({@link verifyVoteEots}; skipped when
 * `eotsVerified` says the caller already ran it on these same bytes).
 */
export function verifyFinalitySignature(
  checked: CheckedVote,
  commit: CommitRecord,
  options: Pick<ContractRulesOptions, "babylonChainId" | "contractAddress" | "emptySigningContext">,
  { eotsVerified = false }: { eotsVerified?: boolean } = {},
): void {
  assertPublicKeyLength(checked.fpPubkey);
  const { proof, height } = checked;
  const start = configU64(commit.start_height, "start_height");
  const num = configU64(commit.num_pub_rand, "num_pub_rand");
  const interval = configU64(commit.interval, "interval");
  const commitment = Uint8Array.from(commit.commitment);

  // The contract computes this with overflow checks on, so an overflow aborts the whole call.
  const offset = proof.index * interval;
  if (offset > U64_MAX) throw abort("multiply", "proof.index");
  const proofHeight = start + offset;
  if (proofHeight > U64_MAX) throw abort("add", "proof.index");
  if (proofHeight !== height) {
    throw new ContractRuleError(
      "invalid_finality_sig_height",
      `The inclusion proof for height ${proofHeight} does not correspond to the given height (${height})`,
      { field: "proof.index" },
    );
  }
  if (proof.total !== num) {
    throw new ContractRuleError(
      "invalid_finality_sig_amount",
      `The total amount of public randomnesses in the proof (${proof.total}) does not match the amount of public committed randomness (${num})`,
      { field: "proof.total" },
    );
  }
  validateProofBasic(proof);
  verifyProofLikeContract(proof, commitment, checked.pubRand);
  if (!eotsVerified) verifyVoteEots(checked, options);
}

/**
 * Every stateless check of a vote: {@link checkFinalitySignatureFields}, then — when the covering
 * commit is known — {@link verifyFinalitySignature}.
 */
export function checkSubmitFinalitySignature(
  msg: SubmitFinalitySignatureMsg,
  options: ContractRulesOptions,
  commit?: CommitRecord,
): CheckedVote {
  const checked = checkFinalitySignatureFields(msg, options);
  if (commit !== undefined) verifyFinalitySignature(checked, commit, options);
  return checked;
}
