import { sha256 } from "@noble/hashes/sha2.js";
import { beforeEach, describe, expect, it } from "vitest";
import { type FakeChain, fakeChain, fakeChainState } from "../../test/support/fake-submission-chain.ts";
import { ContractRuleError } from "../contract-rules/index.ts";
import { base64ToBytes, bytesToBase64, bytesToHex, utf8ToBytes, xOnlyPublicKey } from "../crypto/index.ts";
import {
  createFinalityProviderSigner,
  type FinalityProviderSigner,
  type SubmitFinalitySignatureExecuteMsg,
} from "../provider/index.ts";
import type { ChainCommit } from "./types.ts";
import { verifyVoteSubmission } from "./verify-vote.ts";

const OPTS = { babylonChainId: "bbn-test-5", contractAddress: "bbn1finalitycontractaddressfortests" };
const BSN = "op-rollup-1";
const SECRET_KEY = sha256(utf8ToBytes("verify-vote fp"));
const label32 = (label: string) => sha256(utf8ToBytes(label));
const stranger = bytesToHex(xOnlyPublicKey(label32("stranger")));

/** A signer for the FP; each has its own double-sign guard, so two of them can equivocate. */
const newSigner = () =>
  createFinalityProviderSigner({
    secretKey: SECRET_KEY,
    bsnId: BSN,
    ...OPTS,
    bsnActivationHeight: 12,
    finalitySignatureInterval: 5,
  });

type Body = SubmitFinalitySignatureExecuteMsg["submit_finality_signature"];

const HEIGHT = 22;
const hashA = label32("block-a");
const hashB = label32("block-b");

let signer: FinalityProviderSigner;
let fpHex: string;
let stored: ChainCommit;
let chain: FakeChain;
/** The FP's valid vote for (HEIGHT, hashA). */
let valid: Body;

beforeEach(async () => {
  signer = newSigner();
  fpHex = signer.publicKeyHex;
  // Commits 12, 17, …, 107, made in Babylon epoch 3.
  const { commit } = await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
  stored = {
    startHeight: 12n,
    numPubRand: 20n,
    interval: 5n,
    babylonEpoch: 3n,
    commitment: commit.commitment,
  };
  chain = fakeChain({
    allowlist: new Set([fpHex]),
    fps: new Map([[fpHex, { bsnId: BSN, slashedBabylonHeight: 0n, slashedBtcHeight: 0n }]]),
    commits: new Map([[fpHex, [stored]]]),
    lastFinalizedEpoch: 3n,
  });
  valid = (await signer.submitFinalitySignature({ height: HEIGHT, blockHash: hashA }))
    .submit_finality_signature;
});

const verify = (body: unknown) => verifyVoteSubmission(body, fakeChainState(chain), OPTS);

const edited = (edit: (b: Body) => void): Body => {
  const body = structuredClone(valid);
  edit(body);
  return body;
};

async function refusal(body: unknown): Promise<ContractRuleError> {
  const error = await verify(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractRuleError);
  return error as ContractRuleError;
}

async function expectRefused(body: unknown, code: string, text: string) {
  const error = await refusal(body);
  expect({ code: error.code, message: error.message }).toEqual({ code, message: text });
}

const flipLastByte = (base64: string) => {
  const bytes = base64ToBytes(base64);
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  return bytesToBase64(bytes);
};

describe("verifyVoteSubmission: a valid vote", () => {
  it("is new, after every step in the contract's order", async () => {
    const result = await verify(valid);
    expect(result.outcome).toBe("new");
    expect(result.checked).toMatchObject({ fpPubkeyHex: fpHex, height: BigInt(HEIGHT) });
    expect(result.conflicting).toBeUndefined();
    expect(chain.calls).toEqual([
      "isAllowed",
      "config",
      "finalityProvider",
      "checkBudget",
      "recordedVotes",
      "commitForHeight",
      // The epoch the commit needs, so a cached answer below it is re-read before refusing.
      "lastFinalizedEpoch(3)",
    ]);
  });

  it("passes once the commit's epoch is finalized, and later", async () => {
    chain.lastFinalizedEpoch = 9n;
    expect((await verify(valid)).outcome).toBe("new");
  });
});

describe("verifyVoteSubmission: every refusal, with the contract's code and text", () => {
  it("0 a body that does not deserialize", async () => {
    await expectRefused(
      edited((b) => {
        delete (b as Partial<Body>).signature;
      }),
      "parse_error",
      "missing field `signature`",
    );
  });

  it("1 key hex", async () => {
    await expectRefused(
      edited((b) => {
        b.fp_pubkey_hex = `z${fpHex.slice(1)}`;
      }),
      "hex_error",
      "Invalid character 'z' at position 0",
    );
    await expectRefused(
      edited((b) => {
        b.fp_pubkey_hex = fpHex.slice(1);
      }),
      "hex_error",
      "Odd number of digits",
    );
  });

  it("2 not in the allowlist", async () => {
    await expectRefused(
      edited((b) => {
        b.fp_pubkey_hex = stranger;
      }),
      "finality_provider_not_allowed",
      `Finality provider ${stranger} is not in the allowlist`,
    );
  });

  it("3 below the activation height", async () => {
    await expectRefused(
      edited((b) => {
        b.height = 7;
      }),
      "before_bsn_activation",
      "BSN not activated yet. Current height: 7, activation height: 12",
    );
  });

  it("4 off the schedule", async () => {
    await expectRefused(
      edited((b) => {
        b.height = 23;
      }),
      "finality_signature_not_at_scheduled_height",
      "Finality signature not at scheduled height. Height 23 not allowed with interval 5",
    );
  });

  it("5 unknown to Babylon, or registered for another BSN: not found, with the key as given", async () => {
    const upper = edited((b) => {
      b.fp_pubkey_hex = fpHex.toUpperCase();
    });
    chain.fps.clear();
    await expectRefused(
      upper,
      "not_found_finality_provider",
      `Finality provider not found for BSN ${BSN} with pubkey ${fpHex.toUpperCase()}`,
    );
    chain.fps.set(fpHex, { bsnId: "another-bsn", slashedBabylonHeight: 0n, slashedBtcHeight: 0n });
    await expectRefused(
      valid,
      "not_found_finality_provider",
      `Finality provider not found for BSN ${BSN} with pubkey ${fpHex}`,
    );
  });

  it("5 slashed on Babylon, or only on BTC (votes check both)", async () => {
    chain.fps.set(fpHex, { bsnId: BSN, slashedBabylonHeight: 170n, slashedBtcHeight: 0n });
    await expectRefused(
      valid,
      "slashed_finality_provider",
      `Finality provider ${fpHex} has been slashed at Babylon height 170 and BTC height 0`,
    );
    chain.fps.set(fpHex, { bsnId: BSN, slashedBabylonHeight: 0n, slashedBtcHeight: 812n });
    await expectRefused(
      valid,
      "slashed_finality_provider",
      `Finality provider ${fpHex} has been slashed at Babylon height 0 and BTC height 812`,
    );
  });

  it("6 no message left in the budget", async () => {
    chain.budget.set(fpHex, 0);
    await expectRefused(
      valid,
      "rate_limit_exceeded",
      `Rate limit exceeded for finality provider ${fpHex} with limit 4`,
    );
  });

  it("8 no commit covers the height", async () => {
    await expectRefused(
      edited((b) => {
        b.height = 512;
      }),
      "missing_pub_rand_commit",
      `Public randomness not found for finality provider ${fpHex} at height 512`,
    );
  });

  it("8 the commit is not BTC-timestamped: no epoch finalized yet", async () => {
    chain.lastFinalizedEpoch = 0n;
    await expectRefused(valid, "pub_rand_commit_not_btc_timestamped", "No finalized epoch yet");
  });

  it("8 the commit is not BTC-timestamped: its epoch is above the last finalized one", async () => {
    chain.lastFinalizedEpoch = 2n;
    await expectRefused(
      valid,
      "pub_rand_commit_not_btc_timestamped",
      `The finality provider ${fpHex} last committed epoch: 3, last finalized epoch: 2`,
    );
  });

  it("9 a proof for another height", async () => {
    await expectRefused(
      edited((b) => {
        b.proof.index += 1;
      }),
      "invalid_finality_sig_height",
      `The inclusion proof for height ${HEIGHT + 5} does not correspond to the given height (${HEIGHT})`,
    );
  });

  it("9 a proof total that is not the commit's num_pub_rand", async () => {
    await expectRefused(
      edited((b) => {
        b.proof.total -= 1;
      }),
      "invalid_finality_sig_amount",
      "The total amount of public randomnesses in the proof (19) does not match the amount of public committed randomness (20)",
    );
  });

  it("9 randomness that is not the proven leaf", async () => {
    const error = await refusal(
      edited((b) => {
        b.pub_rand = bytesToBase64(label32("foreign"));
      }),
    );
    expect(error.code).toBe("merkle_error");
    expect(error.message).toMatch(/^Merkle error: Invalid leaf hash: wanted Binary\([0-9a-f]{64}\) got \[/);
  });

  it("9 EOTS: an unparsable signature (s ≥ n), a short one, one that does not verify", async () => {
    await expectRefused(
      edited((b) => {
        b.signature = bytesToBase64(new Uint8Array(32).fill(0xff));
      }),
      "eots_error",
      "EOTS error: Failed to parse signature",
    );
    await expectRefused(
      edited((b) => {
        b.signature = bytesToBase64(base64ToBytes(b.signature).slice(0, 31));
      }),
      "eots_error",
      "EOTS error: Invalid input length: expected 32 bytes, got 31",
    );
    await expectRefused(
      edited((b) => {
        b.signature = flipLastByte(b.signature);
      }),
      "failed_signature_verification",
      "Failed to verify signature: EOTS",
    );
  });

  it("9 EOTS: the signature is for another block hash", async () => {
    await expectRefused(
      edited((b) => {
        b.block_hash = bytesToBase64(hashB);
      }),
      "failed_signature_verification",
      "Failed to verify signature: EOTS",
    );
  });
});

describe("verifyVoteSubmission: duplicates (7)", () => {
  it("the same (signature, block hash) recorded: duplicate, with the contract's text, not a refusal", async () => {
    chain.votes.set(`${fpHex}/${HEIGHT}`, [{ blockHash: hashA, signature: base64ToBytes(valid.signature) }]);
    const upper = { ...valid, fp_pubkey_hex: fpHex.toUpperCase() };
    const result = await verify(upper);
    expect(result.outcome).toBe("duplicate");
    if (result.outcome !== "duplicate") return;
    expect(result.duplicateError).toBeInstanceOf(ContractRuleError);
    expect({ code: result.duplicateError.code, message: result.duplicateError.message }).toEqual({
      code: "duplicated_finality_sig",
      message: `Duplicated finality signature for finality provider ${fpHex.toUpperCase()} at height ${HEIGHT}`,
    });
    // Decided at step 7: the covering commit and the signature are not looked at.
    expect(chain.calls).not.toContain("commitForHeight");
  });

  it("is decided before the covering commit: a duplicate whose commit is gone is still a duplicate", async () => {
    chain.votes.set(`${fpHex}/${HEIGHT}`, [{ blockHash: hashA, signature: base64ToBytes(valid.signature) }]);
    chain.commits.clear();
    expect((await verify(valid)).outcome).toBe("duplicate");
  });

  it("but comes after the budget: a duplicate from an FP without budget is refused by the rate limit", async () => {
    chain.votes.set(`${fpHex}/${HEIGHT}`, [{ blockHash: hashA, signature: base64ToBytes(valid.signature) }]);
    chain.budget.set(fpHex, 0);
    expect((await refusal(valid)).code).toBe("rate_limit_exceeded");
  });
});

describe("verifyVoteSubmission: equivocation", () => {
  /** The FP's vote for hashB at the same height, from a second signer (its own guard, same randomness). */
  async function forkVote(): Promise<Body> {
    const second = newSigner();
    await second.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
    return (await second.submitFinalitySignature({ height: HEIGHT, blockHash: hashB }))
      .submit_finality_signature;
  }

  it("a valid vote for another block at a recorded height: the recorded vote and the extraction proof", async () => {
    const recordedA = { blockHash: hashA, signature: base64ToBytes(valid.signature) };
    chain.votes.set(`${fpHex}/${HEIGHT}`, [recordedA]);
    const fork = await forkVote();
    expect(fork.pub_rand).toBe(valid.pub_rand);

    const result = await verify(fork);
    expect(result.outcome).toBe("equivocation");
    expect(result.conflicting).toEqual(recordedA);
    expect(result.evidence).toEqual({
      canonicalBlockHash: bytesToHex(hashA),
      forkBlockHash: bytesToHex(hashB),
      canonicalSignature: bytesToHex(base64ToBytes(valid.signature)),
      forkSignature: bytesToHex(base64ToBytes(fork.signature)),
      pubRand: bytesToHex(base64ToBytes(valid.pub_rand)),
      extractedSecretKeyMatches: true,
    });
  });

  it("a recorded signature that is not the FP's: still an equivocation, but extraction does not give its key", async () => {
    chain.votes.set(`${fpHex}/${HEIGHT}`, [{ blockHash: hashA, signature: label32("not a signature") }]);
    const result = await verify(await forkVote());
    expect(result.outcome).toBe("equivocation");
    expect(result.evidence?.extractedSecretKeyMatches).toBe(false);
  });

  it("a conflicting vote that fails EOTS is refused, not taken as evidence", async () => {
    chain.votes.set(`${fpHex}/${HEIGHT}`, [{ blockHash: hashA, signature: base64ToBytes(valid.signature) }]);
    const fork = await forkVote();
    fork.signature = flipLastByte(fork.signature);
    expect((await refusal(fork)).code).toBe("failed_signature_verification");
  });
});

describe("verifyVoteSubmission: a message failing two rules reports the earlier one", () => {
  it("deserialization (0) before the key hex (1)", async () => {
    const body = edited((b) => {
      b.fp_pubkey_hex = "zz";
      b.height = -1;
    });
    expect((await refusal(body)).code).toBe("parse_error");
  });

  it("the allowlist (2) before the activation height (3)", async () => {
    const body = edited((b) => {
      b.fp_pubkey_hex = stranger;
      b.height = 7;
    });
    expect((await refusal(body)).code).toBe("finality_provider_not_allowed");
  });

  it("the schedule (4) before the FP lookup (5)", async () => {
    chain.fps.clear();
    const body = edited((b) => {
      b.height = 23;
    });
    expect((await refusal(body)).code).toBe("finality_signature_not_at_scheduled_height");
    expect(chain.calls).not.toContain("finalityProvider");
  });

  it("slashed (5) before the budget (6): the budget is not even asked", async () => {
    chain.fps.set(fpHex, { bsnId: BSN, slashedBabylonHeight: 5n, slashedBtcHeight: 0n });
    chain.budget.set(fpHex, 0);
    expect((await refusal(valid)).code).toBe("slashed_finality_provider");
    expect(chain.calls).not.toContain("checkBudget");
  });

  it("the budget (6) before a missing commit (8)", async () => {
    chain.budget.set(fpHex, 0);
    chain.commits.clear();
    expect((await refusal(valid)).code).toBe("rate_limit_exceeded");
  });

  it("a missing commit (8) before a bad signature (9)", async () => {
    chain.commits.clear();
    const body = edited((b) => {
      b.signature = flipLastByte(b.signature);
    });
    expect((await refusal(body)).code).toBe("missing_pub_rand_commit");
  });

  it("the BTC timestamp (8) before the proof (9)", async () => {
    chain.lastFinalizedEpoch = 2n;
    const body = edited((b) => {
      b.proof.total -= 1;
    });
    expect((await refusal(body)).code).toBe("pub_rand_commit_not_btc_timestamped");
  });
});
