import { sha256 } from "@noble/hashes/sha2.js";
import { beforeEach, describe, expect, it } from "vitest";
import { type FakeChain, fakeChain, fakeChainState } from "../../test/support/fake-submission-chain.ts";
import { ContractRuleError } from "../contract-rules/index.ts";
import { base64ToBytes, bytesToBase64, bytesToHex, utf8ToBytes, xOnlyPublicKey } from "../crypto/index.ts";
import {
  type CommitPublicRandomnessExecuteMsg,
  createFinalityProviderSigner,
  type FinalityProviderSigner,
} from "../provider/index.ts";
import { verifyCommitSubmission } from "./verify-commit.ts";

const OPTS = { babylonChainId: "bbn-test-5", contractAddress: "bbn1finalitycontractaddressfortests" };
const key = (label: string) => sha256(utf8ToBytes(label));
const keyHex = (label: string) => bytesToHex(xOnlyPublicKey(key(label)));

const newSigner = (label = "fp") =>
  createFinalityProviderSigner({
    secretKey: key(label),
    bsnId: "op-rollup-1",
    ...OPTS,
    bsnActivationHeight: 12,
    finalitySignatureInterval: 5,
  });

type Body = CommitPublicRandomnessExecuteMsg["commit_public_randomness"];

let signer: FinalityProviderSigner;
let fpHex: string;
let chain: FakeChain;

beforeEach(() => {
  signer = newSigner();
  fpHex = signer.publicKeyHex;
  chain = fakeChain({
    allowlist: new Set([fpHex]),
    fps: new Map([[fpHex, { bsnId: "op-rollup-1", slashedBabylonHeight: 0n, slashedBtcHeight: 0n }]]),
    lastFinalizedEpoch: 5n,
  });
});

async function commitBody(startHeight = 12, numPubRand = 20, edit: (b: Body) => void = () => {}) {
  const { msg } = await signer.commitPublicRandomness({ startHeight, numPubRand });
  const body = structuredClone(msg.commit_public_randomness);
  edit(body);
  return body;
}

/** The refusal `verifyCommitSubmission` throws for `body` (fails the test if it passes). */
async function refusal(body: unknown): Promise<ContractRuleError> {
  const error = await verifyCommitSubmission(body, fakeChainState(chain), OPTS).then(
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

const resize = (base64: string, length: number) => bytesToBase64(base64ToBytes(base64).slice(0, length));

describe("verifyCommitSubmission: a valid commit", () => {
  it("passes, decoded, after every step in the contract's order", async () => {
    const checked = await verifyCommitSubmission(await commitBody(), fakeChainState(chain), OPTS);
    expect(checked).toMatchObject({ fpPubkeyHex: fpHex, startHeight: 12n, numPubRand: 20n, endHeight: 107n });
    expect(chain.calls).toEqual(["config", "isAllowed", "finalityProvider", "checkBudget", "lastCommit"]);
  });

  it("passes right after the last commit's end, and with a gap", async () => {
    const last = { startHeight: 12n, numPubRand: 20n, interval: 5n, babylonEpoch: 2n, commitment: key("c") };
    chain.commits.set(fpHex, [last]);
    await expect(
      verifyCommitSubmission(await commitBody(112), fakeChainState(chain), OPTS),
    ).resolves.toBeDefined();
    await expect(
      verifyCommitSubmission(await commitBody(502), fakeChainState(chain), OPTS),
    ).resolves.toBeDefined();
  });

  it("ignores the BSN and the BTC slashing height (the contract checks neither on this path)", async () => {
    chain.fps.set(fpHex, { bsnId: "another-bsn", slashedBabylonHeight: 0n, slashedBtcHeight: 77n });
    await expect(
      verifyCommitSubmission(await commitBody(), fakeChainState(chain), OPTS),
    ).resolves.toBeDefined();
  });
});

describe("verifyCommitSubmission: every refusal, with the contract's code and text", () => {
  const stranger = keyHex("stranger");

  it.each([
    [
      "1 empty key",
      (b: Body): void => {
        b.fp_pubkey_hex = "";
      },
      "empty_fp_btc_pub_key",
      "Empty finality provider BTC public key",
    ],
    [
      "2 empty signature",
      (b: Body): void => {
        b.signature = "";
      },
      "empty_signature",
      "Empty signature from the delegator",
    ],
    [
      "3 signature of 63 bytes",
      (b: Body): void => {
        b.signature = resize(b.signature, 63);
      },
      "invalid_signature_length",
      "Invalid signature length: expected 64 bytes, got 63",
    ],
    [
      "5 commitment of 31 bytes",
      (b: Body): void => {
        b.commitment = resize(b.commitment, 31);
      },
      "invalid_commitment_length",
      "Invalid commitment length: expected 32 bytes, got 31",
    ],
    [
      "6 num_pub_rand 0 is an overflow",
      (b: Body): void => {
        b.num_pub_rand = 0;
      },
      "overflow_in_block_height",
      "Block height overflow detected for start height 12",
    ],
    [
      "7 fewer values than min_pub_rand",
      (b: Body): void => {
        b.num_pub_rand = 9;
      },
      "too_few_pub_rand",
      "Too few public randomness values: given 9, required minimum 10",
    ],
    [
      "8 key hex",
      (b: Body): void => {
        b.fp_pubkey_hex = `z${b.fp_pubkey_hex.slice(1)}`;
      },
      "hex_error",
      "Invalid character 'z' at position 0",
    ],
    [
      "9 not in the allowlist",
      (b: Body): void => {
        b.fp_pubkey_hex = stranger;
      },
      "finality_provider_not_allowed",
      `Finality provider ${stranger} is not in the allowlist`,
    ],
    [
      "12 signature over another message",
      (b: Body): void => {
        b.start_height = 17;
      },
      "secp256k1_error",
      "signature error",
    ],
  ] as const)("%s", async (_rule, edit, code, text) => {
    await expectRefused(await commitBody(12, 20, edit), code, text);
  });

  it("9 the allowlist compares decoded keys: an upper-case key of an allowlisted FP passes it", async () => {
    chain.fps.set(fpHex, { bsnId: "op-rollup-1", slashedBabylonHeight: 9n, slashedBtcHeight: 0n });
    const body = await commitBody(12, 20, (b) => {
      b.fp_pubkey_hex = b.fp_pubkey_hex.toUpperCase();
    });
    // Refused one step later, by the slashing rule, which echoes the key as given.
    await expectRefused(
      body,
      "slashed_finality_provider",
      `Finality provider ${fpHex.toUpperCase()} has been slashed at Babylon height 9 and BTC height 0`,
    );
  });

  it("10 an allowlisted key Babylon does not know: the redacted querier error", async () => {
    chain.fps.clear();
    await expectRefused(
      await commitBody(),
      "finality_provider_query_error",
      "Generic error: Querier contract error: codespace: btcstaking, code: 1100",
    );
  });

  it("10 an allowlisted key Babylon cannot parse (not on the curve, or not 32 bytes): undefined/1", async () => {
    const notOnCurve = "ff".repeat(32);
    const short = "ab".repeat(31);
    chain.allowlist = new Set([notOnCurve, short]);
    for (const bad of [notOnCurve, short]) {
      const body = await commitBody(12, 20, (b) => {
        b.fp_pubkey_hex = bad;
      });
      await expectRefused(
        body,
        "finality_provider_query_error",
        "Generic error: Querier contract error: codespace: undefined, code: 1",
      );
    }
  });

  it("10 slashed on Babylon", async () => {
    chain.fps.set(fpHex, { bsnId: "op-rollup-1", slashedBabylonHeight: 170n, slashedBtcHeight: 0n });
    await expectRefused(
      await commitBody(),
      "slashed_finality_provider",
      `Finality provider ${fpHex} has been slashed at Babylon height 170 and BTC height 0`,
    );
  });

  it("11 no message left in the budget", async () => {
    chain.budget.set(fpHex, 0);
    await expectRefused(
      await commitBody(),
      "rate_limit_exceeded",
      `Rate limit exceeded for finality provider ${fpHex} with limit 4`,
    );
  });

  it("12 signature by another key", async () => {
    const other = newSigner("other");
    const { msg } = await other.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
    await expectRefused(
      { ...msg.commit_public_randomness, fp_pubkey_hex: fpHex },
      "secp256k1_error",
      "signature error",
    );
  });

  it("14 overlap with the last commit (start before last_end + interval)", async () => {
    const last = { startHeight: 12n, numPubRand: 20n, interval: 5n, babylonEpoch: 2n, commitment: key("c") };
    chain.commits.set(fpHex, [last]);
    for (const start of [12, 107]) {
      await expectRefused(
        await commitBody(start),
        "invalid_pub_rand_height",
        `The start height (${start}) has overlap with the height of the highest public randomness committed (112)`,
      );
    }
  });
});

describe("verifyCommitSubmission: a message failing two rules reports the earlier one", () => {
  it("too few values (7) before the allowlist (9)", async () => {
    const body = await commitBody(12, 9, (b) => {
      b.fp_pubkey_hex = keyHex("stranger");
    });
    expect((await refusal(body)).code).toBe("too_few_pub_rand");
    expect(chain.calls).toEqual(["config"]);
  });

  it("the allowlist (9) before the signature (12)", async () => {
    chain.allowlist.clear();
    const body = await commitBody(12, 20, (b) => {
      b.start_height = 17;
    });
    expect((await refusal(body)).code).toBe("finality_provider_not_allowed");
  });

  it("slashed (10) before the budget (11): the budget is not even asked", async () => {
    chain.fps.set(fpHex, { bsnId: "op-rollup-1", slashedBabylonHeight: 3n, slashedBtcHeight: 0n });
    chain.budget.set(fpHex, 0);
    expect((await refusal(await commitBody())).code).toBe("slashed_finality_provider");
    expect(chain.calls).not.toContain("checkBudget");
  });

  it("an unknown FP (10) before the budget (11)", async () => {
    chain.fps.clear();
    chain.budget.set(fpHex, 0);
    expect((await refusal(await commitBody())).code).toBe("finality_provider_query_error");
    expect(chain.calls).not.toContain("checkBudget");
  });

  it("the budget (11) before the signature (12)", async () => {
    chain.budget.set(fpHex, 0);
    const body = await commitBody(12, 20, (b) => {
      b.start_height = 17;
    });
    expect((await refusal(body)).code).toBe("rate_limit_exceeded");
  });

  it("the signature (12) before the overlap (14): the last commit is not even read", async () => {
    chain.commits.set(fpHex, [
      { startHeight: 12n, numPubRand: 20n, interval: 5n, babylonEpoch: 2n, commitment: key("c") },
    ]);
    const body = await commitBody(12, 20, (b) => {
      b.signature = bytesToBase64(new Uint8Array(64).fill(1));
    });
    expect((await refusal(body)).code).toBe("secp256k1_error");
    expect(chain.calls).not.toContain("lastCommit");
  });
});
