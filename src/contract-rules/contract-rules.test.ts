import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  concatBytes,
  hexToBytes,
  merkleProofs,
  merkleRoot,
  utf8ToBytes,
  voteMessage,
} from "../crypto/index.ts";
import { createFinalityProviderSigner } from "../provider/index.ts";
import { verifyEotsLikeContract } from "./eots.ts";
import {
  type CheckedVote,
  type CommitPublicRandomnessMsg,
  type CommitRecord,
  ContractRuleError,
  type ContractRulesOptions,
  checkCommitFields,
  checkCommitOverlap,
  checkCommitPublicRandomness,
  checkFinalitySignatureFields,
  checkSubmitFinalitySignature,
  findCoveringCommit,
  type SubmitFinalitySignatureMsg,
  verifyFinalitySignature,
} from "./index.ts";
import { verifyProofLikeContract } from "./merkle.ts";
import { rustHexDecode } from "./rust-hex.ts";

const SECRET_KEY = sha256(utf8ToBytes("finality-edge contract-rules test key"));
const OPTIONS: ContractRulesOptions = {
  config: { bsn_activation_height: 10, finality_signature_interval: 5, min_pub_rand: 4 },
  babylonChainId: "bbn-test-5",
  contractAddress: "bbn1finalitycontractaddressfortests",
};
const N = secp256k1.Point.Fn.ORDER;

/** Runs `fn` and returns the ContractRuleError it throws (fails the test otherwise). */
function ruleError(fn: () => unknown): ContractRuleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractRuleError);
    return error as ContractRuleError;
  }
  throw new Error("expected a ContractRuleError, nothing was thrown");
}

function expectRule(fn: () => unknown, code: string, message: string, field?: string): ContractRuleError {
  const error = ruleError(fn);
  expect(error.code).toBe(code);
  expect(error.shortMessage).toBe(message);
  expect(error.message).toBe(message);
  if (field !== undefined) expect(error.field).toBe(field);
  return error;
}

const b64 = (bytes: Uint8Array) => bytesToBase64(bytes);
const flipBit = (text: string, byte: number, bit = 0) => {
  const bytes = base64ToBytes(text);
  bytes[byte] = (bytes[byte] as number) ^ (1 << bit);
  return b64(bytes);
};

let commitMsg: CommitPublicRandomnessMsg;
let commit: CommitRecord;
let voteMsg: SubmitFinalitySignatureMsg; // height 15, index 1 of 8 (heights 10, 15, …, 45)
const BLOCK_HASH = sha256(utf8ToBytes("block 15"));

beforeAll(async () => {
  const signer = createFinalityProviderSigner({
    secretKey: SECRET_KEY,
    bsnId: "rules-bsn",
    babylonChainId: OPTIONS.babylonChainId,
    contractAddress: OPTIONS.contractAddress,
    bsnActivationHeight: 10,
    finalitySignatureInterval: 5,
  });
  const built = await signer.commitPublicRandomness({ startHeight: 10, numPubRand: 8 });
  commitMsg = built.msg.commit_public_randomness;
  commit = built.commit;
  voteMsg = (await signer.submitFinalitySignature({ height: 15, blockHash: BLOCK_HASH }))
    .submit_finality_signature;
});

const commitWith = (patch: Partial<Record<keyof CommitPublicRandomnessMsg, unknown>>) =>
  ({ ...commitMsg, ...patch }) as CommitPublicRandomnessMsg;
const voteWith = (patch: Partial<Record<keyof SubmitFinalitySignatureMsg, unknown>>) =>
  ({ ...voteMsg, ...patch }) as SubmitFinalitySignatureMsg;
const proofWith = (patch: Partial<Record<keyof SubmitFinalitySignatureMsg["proof"], unknown>>) =>
  voteWith({ proof: { ...voteMsg.proof, ...patch } });
const fullVote = (msg: SubmitFinalitySignatureMsg, record: CommitRecord = commit) =>
  checkSubmitFinalitySignature(msg, OPTIONS, record);

describe("commit_public_randomness", () => {
  it("accepts the signer's commit", () => {
    const checked = checkCommitPublicRandomness(commitMsg, OPTIONS);
    expect(checked.startHeight).toBe(10n);
    expect(checked.endHeight).toBe(45n);
    expect(checked.interval).toBe(5n);
  });

  it("empty key", () => {
    expectRule(
      () => checkCommitPublicRandomness(commitWith({ fp_pubkey_hex: "" }), OPTIONS),
      "empty_fp_btc_pub_key",
      "Empty finality provider BTC public key",
      "fp_pubkey_hex",
    );
  });

  it("empty signature", () => {
    expectRule(
      () => checkCommitPublicRandomness(commitWith({ signature: "" }), OPTIONS),
      "empty_signature",
      "Empty signature from the delegator",
      "signature",
    );
  });

  it("63-byte signature", () => {
    const short = b64(base64ToBytes(commitMsg.signature).subarray(0, 63));
    expectRule(
      () => checkCommitPublicRandomness(commitWith({ signature: short }), OPTIONS),
      "invalid_signature_length",
      "Invalid signature length: expected 64 bytes, got 63",
      "signature",
    );
  });

  it("31-byte commitment", () => {
    const short = b64(base64ToBytes(commitMsg.commitment).subarray(0, 31));
    expectRule(
      () => checkCommitPublicRandomness(commitWith({ commitment: short }), OPTIONS),
      "invalid_commitment_length",
      "Invalid commitment length: expected 32 bytes, got 31",
      "commitment",
    );
  });

  it("num_pub_rand 0 reports overflow, as the contract does", () => {
    expectRule(
      () => checkCommitPublicRandomness(commitWith({ num_pub_rand: 0 }), OPTIONS),
      "overflow_in_block_height",
      "Block height overflow detected for start height 10",
      "num_pub_rand",
    );
  });

  it("end height past u64", () => {
    const start = (1n << 64n) - 10n;
    expectRule(
      () => checkCommitPublicRandomness(commitWith({ start_height: start, num_pub_rand: 4 }), OPTIONS),
      "overflow_in_block_height",
      `Block height overflow detected for start height ${start}`,
    );
  });

  it("min_pub_rand above num_pub_rand", () => {
    expectRule(
      () =>
        checkCommitPublicRandomness(commitMsg, {
          ...OPTIONS,
          config: { ...OPTIONS.config, min_pub_rand: 9 },
        }),
      "too_few_pub_rand",
      "Too few public randomness values: given 8, required minimum 9",
      "num_pub_rand",
    );
  });

  it("hex errors use the Rust hex crate's texts", () => {
    expectRule(
      () =>
        checkCommitPublicRandomness(
          commitWith({ fp_pubkey_hex: `z${commitMsg.fp_pubkey_hex.slice(1)}` }),
          OPTIONS,
        ),
      "hex_error",
      "Invalid character 'z' at position 0",
      "fp_pubkey_hex",
    );
    expectRule(
      () =>
        checkCommitPublicRandomness(commitWith({ fp_pubkey_hex: commitMsg.fp_pubkey_hex.slice(1) }), OPTIONS),
      "hex_error",
      "Odd number of digits",
    );
  });

  it("a commitment that was not signed fails as k256's 'signature error'", () => {
    expectRule(
      () =>
        checkCommitPublicRandomness(commitWith({ commitment: flipBit(commitMsg.commitment, 0) }), OPTIONS),
      "secp256k1_error",
      "signature error",
      "signature",
    );
    expectRule(
      () => checkCommitPublicRandomness(commitMsg, { ...OPTIONS, contractAddress: "bbn1othercontract" }),
      "secp256k1_error",
      "signature error",
    );
    expectRule(
      () => checkCommitPublicRandomness(commitMsg, { ...OPTIONS, emptySigningContext: true }),
      "secp256k1_error",
      "signature error",
    );
  });

  it("a key that is not 32 bytes is refused before verification", () => {
    expectRule(
      () =>
        checkCommitPublicRandomness(commitWith({ fp_pubkey_hex: `02${commitMsg.fp_pubkey_hex}` }), OPTIONS),
      "invalid_public_key",
      "Invalid finality provider BTC public key: expected 32 bytes, got 33",
      "fp_pubkey_hex",
    );
  });

  it("checks run in the contract's order", () => {
    // Empty key and a bad signature length: the key is checked first.
    expectRule(
      () => checkCommitFields(commitWith({ fp_pubkey_hex: "", signature: "AAAA" }), OPTIONS),
      "empty_fp_btc_pub_key",
      "Empty finality provider BTC public key",
    );
    // Bad commitment length and num 0: the commitment is checked first.
    expectRule(
      () => checkCommitFields(commitWith({ commitment: "AAAA", num_pub_rand: 0 }), OPTIONS),
      "invalid_commitment_length",
      "Invalid commitment length: expected 32 bytes, got 3",
    );
    // Too few values and bad hex: too few first.
    expectRule(
      () => checkCommitFields(commitWith({ num_pub_rand: 2, fp_pubkey_hex: "zz" }), OPTIONS),
      "too_few_pub_rand",
      "Too few public randomness values: given 2, required minimum 4",
    );
  });

  it("overlap with the last commit", () => {
    expectRule(
      () => checkCommitOverlap(30, commit),
      "invalid_pub_rand_height",
      "The start height (30) has overlap with the height of the highest public randomness committed (50)",
      "start_height",
    );
    expect(() => checkCommitOverlap(50, commit)).not.toThrow();
    expect(() => checkCommitOverlap(10, null)).not.toThrow();
  });

  it("malformed JSON values are parse errors naming the field", () => {
    expectRule(
      () => checkCommitFields(commitWith({ start_height: 1.5 }), OPTIONS),
      "parse_error",
      "invalid type: floating point `1.5`, expected u64",
      "start_height",
    );
    expectRule(
      () => checkCommitFields(commitWith({ start_height: -1 }), OPTIONS),
      "parse_error",
      "invalid value: integer `-1`, expected u64",
      "start_height",
    );
    expect(ruleError(() => checkCommitFields(commitWith({ num_pub_rand: 2 ** 53 }), OPTIONS)).field).toBe(
      "num_pub_rand",
    );
    expectRule(
      () => checkCommitFields(commitWith({ start_height: "10" }), OPTIONS),
      "parse_error",
      'invalid type: string "10", expected u64',
      "start_height",
    );
    expectRule(
      () => checkCommitFields(commitWith({ commitment: undefined }), OPTIONS),
      "parse_error",
      "missing field `commitment`",
      "commitment",
    );
    expect(ruleError(() => checkCommitFields(commitWith({ signature: "a*==" }), OPTIONS)).field).toBe(
      "signature",
    );
  });

  it("base64 without padding is accepted, like cosmwasm's Binary", () => {
    const unpadded = commitMsg.signature.replace(/=+$/, "");
    expect(unpadded).not.toBe(commitMsg.signature);
    expect(() => checkCommitPublicRandomness(commitWith({ signature: unpadded }), OPTIONS)).not.toThrow();
  });
});

describe("submit_finality_signature", () => {
  it("accepts the signer's vote", () => {
    const checked = fullVote(voteMsg);
    expect(checked.height).toBe(15n);
    expect(checked.proof.index).toBe(1n);
    // The split form the submission path uses around its stateful steps.
    expect(() =>
      verifyFinalitySignature(checkFinalitySignatureFields(voteMsg, OPTIONS), commit, OPTIONS),
    ).not.toThrow();
  });

  it("hex errors on the key", () => {
    expectRule(
      () => fullVote(voteWith({ fp_pubkey_hex: `z${voteMsg.fp_pubkey_hex.slice(1)}` })),
      "hex_error",
      "Invalid character 'z' at position 0",
      "fp_pubkey_hex",
    );
    expectRule(
      () => fullVote(voteWith({ fp_pubkey_hex: `${voteMsg.fp_pubkey_hex}0` })),
      "hex_error",
      "Odd number of digits",
    );
  });

  it("before activation", () => {
    expectRule(
      () => checkFinalitySignatureFields(voteWith({ height: 5 }), OPTIONS),
      "before_bsn_activation",
      "BSN not activated yet. Current height: 5, activation height: 10",
      "height",
    );
  });

  it("activation is inclusive: activation − 1 is refused, activation itself is not", () => {
    const everyHeight = { ...OPTIONS, config: { ...OPTIONS.config, finality_signature_interval: 1 } };
    expectRule(
      () => checkFinalitySignatureFields(voteWith({ height: 9 }), everyHeight),
      "before_bsn_activation",
      "BSN not activated yet. Current height: 9, activation height: 10",
    );
    expect(checkFinalitySignatureFields(voteWith({ height: 10 }), everyHeight).height).toBe(10n);
  });

  it("off the schedule", () => {
    expectRule(
      () => checkFinalitySignatureFields(voteWith({ height: 27 }), OPTIONS),
      "finality_signature_not_at_scheduled_height",
      "Finality signature not at scheduled height. Height 27 not allowed with interval 5",
      "height",
    );
  });

  it("proof index for another height", () => {
    expectRule(
      () => fullVote(proofWith({ index: 2 })),
      "invalid_finality_sig_height",
      "The inclusion proof for height 20 does not correspond to the given height (15)",
      "proof.index",
    );
  });

  it("proof total differs from the commit", () => {
    expectRule(
      () => fullVote(proofWith({ total: 7 })),
      "invalid_finality_sig_amount",
      "The total amount of public randomnesses in the proof (7) does not match the amount of public committed randomness (8)",
      "proof.total",
    );
  });

  it("a flipped aunt bit breaks the root", () => {
    const aunts = [...voteMsg.proof.aunts];
    aunts[1] = flipBit(aunts[1] as string, 5, 3);
    const error = ruleError(() => fullVote(proofWith({ aunts })));
    expect(error.code).toBe("merkle_error");
    expect(error.field).toBe("proof.aunts");
    // Rust `{:X?}` dumps: uppercase, unpadded bytes in brackets.
    expect(error.shortMessage).toMatch(
      /^Merkle error: Invalid root hash: wanted \[([0-9A-F]{1,2}, ){31}[0-9A-F]{1,2}\] got \[/,
    );
    const wanted = Array.from(Uint8Array.from(commit.commitment), (b) => b.toString(16).toUpperCase()).join(
      ", ",
    );
    expect(error.shortMessage).toContain(`wanted [${wanted}]`);
  });

  it("a wrong leaf hash", () => {
    const leafHash = flipBit(voteMsg.proof.leaf_hash, 31);
    const error = ruleError(() => fullVote(proofWith({ leaf_hash: leafHash })));
    expect(error.code).toBe("merkle_error");
    expect(error.field).toBe("proof.leaf_hash");
    expect(error.shortMessage).toMatch(
      new RegExp(
        `^Merkle error: Invalid leaf hash: wanted Binary\\(${bytesToHex(base64ToBytes(leafHash))}\\) got \\[`,
      ),
    );
  });

  it("a pub_rand that is not the committed leaf", () => {
    const other = b64(sha256(utf8ToBytes("not a committed value")));
    expect(ruleError(() => fullVote(voteWith({ pub_rand: other }))).shortMessage).toMatch(
      /^Merkle error: Invalid leaf hash: wanted Binary\([0-9a-f]{64}\) got \[/,
    );
  });

  it("an aunt of 31 bytes fails basic validation", () => {
    const aunts = [...voteMsg.proof.aunts];
    aunts[2] = b64(base64ToBytes(aunts[2] as string).subarray(0, 31));
    expectRule(
      () => fullVote(proofWith({ aunts })),
      "merkle_error",
      "Merkle error: Expected aunt #2 size to be 32, got 31",
      "proof.aunts[2]",
    );
  });

  it("s ≥ n cannot be parsed", () => {
    const sig = b64(hexToBytes(N.toString(16).padStart(64, "0")));
    expectRule(
      () => fullVote(voteWith({ signature: sig })),
      "eots_error",
      "EOTS error: Failed to parse signature",
      "signature",
    );
  });

  it("a 31-byte signature", () => {
    const sig = b64(base64ToBytes(voteMsg.signature).subarray(0, 31));
    expectRule(
      () => fullVote(voteWith({ signature: sig })),
      "eots_error",
      "EOTS error: Invalid input length: expected 32 bytes, got 31",
      "signature",
    );
  });

  it("a signature over another block hash", () => {
    expectRule(
      () => fullVote(voteWith({ block_hash: b64(sha256(utf8ToBytes("another block"))) })),
      "failed_signature_verification",
      "Failed to verify signature: EOTS",
      "signature",
    );
  });

  it("a vote checked with the wrong signing context fails the equation", () => {
    expectRule(
      () => checkSubmitFinalitySignature(voteMsg, { ...OPTIONS, babylonChainId: "bbn-other" }, commit),
      "failed_signature_verification",
      "Failed to verify signature: EOTS",
    );
  });

  it("the covering commit, or MissingPubRandCommit", () => {
    const pk = hexToBytes(voteMsg.fp_pubkey_hex);
    const later = { start_height: 50, num_pub_rand: 4, interval: 5, commitment: new Uint8Array(32) };
    expect(findCoveringCommit([later, commit], 15, pk)).toBe(commit);
    expect(findCoveringCommit([commit, later], 55, pk)).toBe(later);
    for (const height of [5, 12, 46, 70]) {
      expectRule(
        () => findCoveringCommit([commit, later], height, pk),
        "missing_pub_rand_commit",
        `Public randomness not found for finality provider ${voteMsg.fp_pubkey_hex} at height ${height}`,
        "height",
      );
    }
  });

  it("parse errors in the proof name the nested field", () => {
    const { index: _dropped, ...withoutIndex } = voteMsg.proof;
    expectRule(
      () => checkFinalitySignatureFields(voteWith({ proof: withoutIndex }), OPTIONS),
      "parse_error",
      "missing field `index`",
      "proof.index",
    );
    expect(
      ruleError(() =>
        checkFinalitySignatureFields(voteWith({ proof: { ...voteMsg.proof, aunts: ["@@"] } }), OPTIONS),
      ).field,
    ).toBe("proof.aunts[0]");
    expect(ruleError(() => checkFinalitySignatureFields(voteWith({ height: 2 ** 53 }), OPTIONS)).code).toBe(
      "parse_error",
    );
  });

  it("optional L1 fields are decoded but not validated", () => {
    const checked = fullVote(voteWith({ l1_block_number: 77, l1_block_hash_hex: "not even hex" }));
    expect(checked.l1BlockNumber).toBe(77n);
    expect(checked.l1BlockHashHex).toBe("not even hex");
    expect(
      fullVote(voteWith({ l1_block_number: null, l1_block_hash_hex: null })).l1BlockNumber,
    ).toBeUndefined();
  });
});

describe("EOTS parse paths (leaves the official provider never commits)", () => {
  /** A commit over `leaves` with the vote at index 1 (height 15), checked against the rules. */
  function voteOverLeaves(
    leaves: Uint8Array[],
    pubRand: Uint8Array,
    signature: Uint8Array,
  ): () => CheckedVote {
    const proof = merkleProofs(leaves)[1];
    if (!proof) throw new Error("no proof");
    const record = {
      start_height: 10,
      num_pub_rand: leaves.length,
      interval: 5,
      commitment: merkleRoot(leaves),
    };
    const msg = voteWith({
      pub_rand: b64(pubRand),
      signature: b64(signature),
      proof: {
        total: proof.total,
        index: proof.index,
        leaf_hash: b64(proof.leafHash),
        aunts: proof.aunts.map(b64),
      },
    });
    return () => fullVote(msg, record);
  }
  const filler = (i: number) => sha256(utf8ToBytes(`leaf ${i}`));

  it("a 31-byte pub_rand inside the tree reaches the EOTS length check", () => {
    const pubRand = filler(1).subarray(0, 31);
    expectRule(
      voteOverLeaves([filler(0), pubRand, filler(2)], pubRand, new Uint8Array(32)),
      "eots_error",
      "EOTS error: Invalid input length: expected 32 bytes, got 31",
      "pub_rand",
    );
  });

  it("a pub_rand that is not an x-coordinate", () => {
    const pubRand = new Uint8Array(32).fill(0xff); // ≥ p
    expectRule(
      voteOverLeaves([filler(0), pubRand], pubRand, new Uint8Array(32)),
      "eots_error",
      "EOTS error: Failed to parse public randomness",
      "pub_rand",
    );
  });

  it("a 33-byte odd-y pub_rand is verified as the crate does (full point), not as BIP-340", () => {
    const { Point } = secp256k1;
    const d0 = BigInt(`0x${bytesToHex(SECRET_KEY)}`);
    const P = Point.BASE.multiply(d0);
    const d = (P.toAffine().y & 1n) === 1n ? N - d0 : d0;
    let k = 7n;
    while ((Point.BASE.multiply(k).toAffine().y & 1n) === 0n) k++;
    const R = Point.BASE.multiply(k); // odd y
    const rx = R.toBytes(true).subarray(1);
    const px = P.toBytes(true).subarray(1);
    const message = voteMessage("", 15n, BLOCK_HASH);
    const tag = sha256(utf8ToBytes("BIP0340/challenge"));
    const e = BigInt(`0x${bytesToHex(sha256(concatBytes(tag, tag, rx, px, sha256(message))))}`) % N;
    const s = hexToBytes(((k + e * d) % N).toString(16).padStart(64, "0"));
    const compressed = R.toBytes(true);
    expect(compressed[0]).toBe(3);
    expect(() =>
      verifyEotsLikeContract(hexToBytes(voteMsg.fp_pubkey_hex), compressed, message, s),
    ).not.toThrow();
    // The same x as a 32-byte (even-y) value is a different point: the equation fails.
    expectRule(
      () => verifyEotsLikeContract(hexToBytes(voteMsg.fp_pubkey_hex), rx, message, s),
      "failed_signature_verification",
      "Failed to verify signature: EOTS",
    );
  });
});

describe("Merkle proof check (contract texts)", () => {
  const leaves = Array.from({ length: 33 }, (_, i) => sha256(utf8ToBytes(`pr ${i}`)));
  const decoded = (total: number, index: number, leafHash: Uint8Array, aunts: Uint8Array[]) => ({
    total: BigInt(total),
    index: BigInt(index),
    leafHash,
    aunts,
  });

  it("accepts every proof the crypto core builds, for trees of 1..33 leaves", () => {
    for (let n = 1; n <= leaves.length; n++) {
      const slice = leaves.slice(0, n);
      const root = merkleRoot(slice);
      merkleProofs(slice).forEach((p, i) => {
        verifyProofLikeContract(decoded(p.total, p.index, p.leafHash, p.aunts), root, slice[i] as Uint8Array);
      });
    }
  });

  it("wrong aunt counts and indexes", () => {
    const [p0] = merkleProofs(leaves.slice(0, 1));
    const [q0] = merkleProofs(leaves.slice(0, 2));
    if (!p0 || !q0) throw new Error("no proof");
    const leaf = leaves[0] as Uint8Array;
    expectRule(
      () => verifyProofLikeContract(decoded(1, 0, p0.leafHash, [leaf]), p0.leafHash, leaf),
      "merkle_error",
      "Merkle error: Unexpected inner hashes",
    );
    expectRule(
      () => verifyProofLikeContract(decoded(2, 0, q0.leafHash, []), p0.leafHash, leaf),
      "merkle_error",
      "Merkle error: Expected at least one inner hash",
    );
    expectRule(
      () => verifyProofLikeContract(decoded(4, 5, q0.leafHash, []), p0.leafHash, leaf),
      "merkle_error",
      "Merkle error: Invalid index (5) and/or total (4)",
    );
  });

  it("totals past 2^31 abort in the wasm32 build", () => {
    const [p0] = merkleProofs(leaves.slice(0, 1));
    if (!p0) throw new Error("no proof");
    const error = ruleError(() =>
      verifyProofLikeContract(
        decoded(2 ** 31 + 1, 0, p0.leafHash, [p0.leafHash]),
        p0.leafHash,
        leaves[0] as Uint8Array,
      ),
    );
    expect(error.code).toBe("contract_abort");
  });
});

describe("Rust hex decoding", () => {
  it("decodes both cases", () => {
    expect(bytesToHex(rustHexDecode("0aFf", "x"))).toBe("0aff");
    expect(rustHexDecode("", "x")).toHaveLength(0);
  });

  it("renders offending bytes with Rust's char Debug", () => {
    expect(ruleError(() => rustHexDecode("0x12", "x")).shortMessage).toBe(
      "Invalid character 'x' at position 1",
    );
    expect(ruleError(() => rustHexDecode("a\n", "x")).shortMessage).toBe(
      "Invalid character '\\n' at position 1",
    );
    expect(ruleError(() => rustHexDecode("'0", "x")).shortMessage).toBe(
      "Invalid character '\\'' at position 0",
    );
    expect(ruleError(() => rustHexDecode("\u007f0", "x")).shortMessage).toBe(
      "Invalid character '\\u{7f}' at position 0",
    );
    // Non-ASCII: lengths and positions are UTF-8 bytes, and the byte is shown as a Latin-1 char.
    expect(ruleError(() => rustHexDecode("é", "x")).shortMessage).toBe("Invalid character 'Ã' at position 0");
    expect(ruleError(() => rustHexDecode("aé", "x")).shortMessage).toBe("Odd number of digits");
  });
});
