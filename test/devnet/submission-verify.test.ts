// The edge's submission verification (src/submission) against the real emulator over HTTP: for each rule
// provoked here, `verifyCommitSubmission` / `verifyVoteSubmission` over `createChainSubmissionState` must
// refuse with exactly the text the chain returns for the same message (read from the simulation's log,
// as wasmd words it); valid messages must pass verification and then land. One chain, two BSNs: the
// main one (fp-4 registered but not allowlisted) and a sparse one (activation 10, interval 5). Tests run
// in order; the equivocation (which slashes fp-1) comes last.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevnetGenesis } from "../../devnet/babylon/genesis.ts";
import { defaultGenesis, parseGenesis } from "../../devnet/babylon/genesis-load.ts";
import type { BabylonChain } from "../../devnet/babylon/index.ts";
import {
  type BabylonRpc,
  BabylonUnavailableError,
  createBabylonRpc,
  FinalityClient,
} from "../../src/babylon/index.ts";
import { ContractRuleError } from "../../src/contract-rules/index.ts";
import { base64ToBytes, bytesToBase64, bytesToHex } from "../../src/crypto/index.ts";
import type {
  CommitPublicRandomnessExecuteMsg,
  SubmitFinalitySignatureExecuteMsg,
} from "../../src/provider/index.ts";
import { createChainSubmissionState } from "../../src/submission/chain-state.ts";
import type { RecordedVote, SubmissionChainState } from "../../src/submission/types.ts";
import { verifyCommitSubmission } from "../../src/submission/verify-commit.ts";
import { verifyVoteSubmission } from "../../src/submission/verify-vote.ts";
import {
  type Account,
  type BabylonQueries,
  type ContractHandle,
  connectAccount,
  connectBabylonQueries,
  connectFinalityProvider,
  contractOf,
  type FinalityProvider,
  fixedFee,
  label32,
  mutateVote,
  outsiderKeyHex,
  placeholderVote,
  simulateRefused,
  startTestChain,
  waitForEpochFinalized,
} from "./support/contract-harness.ts";

const MAIN = "edge-devnet-l2";
const SPARSE = "edge-sparse";

/** The default genesis with fp-4 on the main BSN but off its allowlist, and fp-3 moved to a sparse BSN. */
function verifyGenesis(): DevnetGenesis {
  const genesis = defaultGenesis();
  const main = genesis.consumers[0];
  if (main?.bsnId !== MAIN) throw new Error(`the default genesis's BSN is not ${MAIN}`);
  const [fp1, fp2, fp3, fp4] = main.finalityProviders;
  if (!fp1 || !fp2 || !fp3 || !fp4) throw new Error("the default genesis has fewer than 4 FPs");
  main.finalityProviders = [fp1, fp2, fp4];
  main.contract = { ...main.contract, allowlist: ["fp-1", "fp-2"] };
  genesis.consumers.push({
    bsnId: SPARSE,
    contract: {
      ...main.contract,
      allowlist: "all",
      bsn_activation_height: 10,
      finality_signature_interval: 5,
    },
    finalityProviders: [fp3],
  });
  return parseGenesis(JSON.parse(JSON.stringify(genesis)), "submission-verify genesis");
}

const genesis = verifyGenesis();
const fee = fixedFee(genesis);
const NUM_PUB_RAND = 100;
const VOTE_HEIGHT = 20;
const hashA = label32("verify/block-20-a");
const hashB = label32("verify/block-20-b");
/** A key allowlisted on the main BSN by its admin (with fp-3, registered for the sparse BSN) but unknown to Babylon. */
const unregistered = outsiderKeyHex("verify/allowlisted-unregistered");
/** A key in no allowlist and unknown to Babylon. */
const stranger = outsiderKeyHex("verify/stranger");

let chain: BabylonChain;
let babylon: BabylonQueries;
let rpc: BabylonRpc;
let main: ContractHandle;
let sparse: ContractHandle;
let admin: Account;
let fp1: FinalityProvider;
let fp2: FinalityProvider;
let fp3: FinalityProvider;
let fp4: FinalityProvider;
/** fp-1's valid vote for (VOTE_HEIGHT, hashA). */
let validVote: SubmitFinalitySignatureExecuteMsg;
/** The edge's own log of accepted votes (its KV records), by `${fpHex}/${height}`. */
const accepted = new Map<string, RecordedVote[]>();

beforeAll(async () => {
  chain = await startTestChain(genesis);
  [main, sparse] = await Promise.all([contractOf(chain, MAIN), contractOf(chain, SPARSE)]);
  babylon = await connectBabylonQueries(chain.rpcUrl);
  rpc = createBabylonRpc(chain.rpcUrl, { timeoutMs: 10_000 });
  [fp1, fp2, fp3, fp4, admin] = await Promise.all([
    connectFinalityProvider(chain, genesis, "fp-1", main),
    connectFinalityProvider(chain, genesis, "fp-2", main),
    connectFinalityProvider(chain, genesis, "fp-3", sparse),
    connectFinalityProvider(chain, genesis, "fp-4", main),
    connectAccount(chain, genesis, "admin"),
  ]);
  // fp-1's commit on the main BSN, stored and BTC-timestamped before the vote rules run.
  const { msg } = await fp1.signer.commitPublicRandomness({ startHeight: 1, numPubRand: NUM_PUB_RAND });
  await fp1.client.execute(fp1.address, main.address, msg, "auto");
  const epoch = (await main.queries.lastPubRandCommit({ btcPkHex: fp1.publicKeyHex }))?.babylon_epoch ?? 0;
  await new FinalityClient(admin.client, admin.address, main.address).addToAllowlist(
    { fpPubkeyHexList: [unregistered, fp3.publicKeyHex] },
    "auto",
  );
  validVote = await fp1.signer.submitFinalitySignature({ height: VOTE_HEIGHT, blockHash: hashA });
  await waitForEpochFinalized(chain, babylon, epoch);
});

afterAll(async () => {
  for (const account of [fp1, fp2, fp3, fp4, admin]) account?.client.disconnect();
  babylon?.disconnect();
  rpc?.comet.disconnect();
  await chain?.stop();
});

/** The edge's view of `contract`, uncached so each check reads the chain as it is now. */
const stateOf = (contract: ContractHandle, withLog = true): SubmissionChainState =>
  createChainSubmissionState({
    rpc,
    contractAddress: contract.address,
    ttlMs: 0,
    ...(withLog
      ? { votes: async (fpHex: string, height: bigint) => accepted.get(`${fpHex}/${height}`) ?? [] }
      : {}),
  });

const optsOf = (contract: ContractHandle) => ({
  babylonChainId: chain.chainId,
  contractAddress: contract.address,
});

type Msg = CommitPublicRandomnessExecuteMsg | SubmitFinalitySignatureExecuteMsg;

/** Runs the edge's verification of `msg` (commit or vote) for `contract`. */
function edgeVerify(msg: Msg, contract: ContractHandle, state = stateOf(contract)) {
  return "commit_public_randomness" in msg
    ? verifyCommitSubmission(msg.commit_public_randomness, state, optsOf(contract))
    : verifyVoteSubmission(msg.submit_finality_signature, state, optsOf(contract));
}

async function edgeRefusal(msg: Msg, contract: ContractHandle): Promise<ContractRuleError> {
  const error = await edgeVerify(msg, contract).then(
    (passed) =>
      new Error(
        `the edge accepted it: ${JSON.stringify(passed, (_k, v) => (typeof v === "bigint" ? `${v}` : v))}`,
      ),
    (e: unknown) => e,
  );
  if (!(error instanceof ContractRuleError)) throw error;
  return error;
}

const CHAIN_REFUSAL =
  /^Query failed with \(6\): rpc error: code = Unknown desc = failed to execute message; message index: 0: ([\s\S]*): execute wasm contract failed With gas wanted: /;

/** The contract's own text for `msg`, from a simulation (what an "auto" fee runs first). */
async function chainText(msg: Msg, contract: ContractHandle, from: Account = fp1): Promise<string> {
  const failure = await simulateRefused(from, contract.address, msg);
  const match = CHAIN_REFUSAL.exec(failure);
  if (!match) throw new Error(`unexpected simulation failure: ${failure}`);
  return match[1] as string;
}

/** The edge refuses `msg` with `code` and the chain's exact text; returns the text. */
async function expectSameRefusal(msg: Msg, contract: ContractHandle, code: string): Promise<string> {
  const edge = await edgeRefusal(msg, contract);
  const text = await chainText(msg, contract);
  expect({ code: edge.code, message: edge.message }).toEqual({ code, message: text });
  return text;
}

const mutateCommit = (
  msg: CommitPublicRandomnessExecuteMsg,
  edit: (body: CommitPublicRandomnessExecuteMsg["commit_public_randomness"]) => void,
): CommitPublicRandomnessExecuteMsg => {
  const copy = structuredClone(msg);
  edit(copy.commit_public_randomness);
  return copy;
};

/** A valid commit by fp-1 after its stored one, from a scratch signer (so fp-1's proofs stay intact). */
const nextCommit = async (startHeight = 101, numPubRand = 10) =>
  (await fp1.newSigner().commitPublicRandomness({ startHeight, numPubRand })).msg;

describe("commit_public_randomness: the edge refuses with the chain's text", () => {
  it("9 a registered FP that is not on the allowlist", async () => {
    const { msg } = await fp4.signer.commitPublicRandomness({ startHeight: 1, numPubRand: 10 });
    expect(await expectSameRefusal(msg, main, "finality_provider_not_allowed")).toBe(
      `Finality provider ${fp4.publicKeyHex} is not in the allowlist`,
    );
  });

  it("9 a key nobody knows", async () => {
    const msg = mutateCommit(await nextCommit(), (b) => {
      b.fp_pubkey_hex = stranger;
    });
    await expectSameRefusal(msg, main, "finality_provider_not_allowed");
  });

  it("10 an allowlisted key Babylon does not know (the redacted querier error)", async () => {
    const msg = mutateCommit(await nextCommit(), (b) => {
      b.fp_pubkey_hex = unregistered;
    });
    expect(await expectSameRefusal(msg, main, "finality_provider_query_error")).toBe(
      "Generic error: Querier contract error: codespace: btcstaking, code: 1100",
    );
  });

  it("7 too few values", async () => {
    await expectSameRefusal(await nextCommit(101, 9), main, "too_few_pub_rand");
  });

  it("12 a signature over another message", async () => {
    const msg = mutateCommit(await nextCommit(), (b) => {
      b.start_height = 102;
    });
    expect(await expectSameRefusal(msg, main, "secp256k1_error")).toBe("signature error");
  });

  it("14 overlap with the last commit", async () => {
    await expectSameRefusal(await nextCommit(50), main, "invalid_pub_rand_height");
  });

  it("a valid commit passes verification, then lands", async () => {
    const msg = await nextCommit();
    const checked = await edgeVerify(msg, main);
    expect(checked).toMatchObject({ startHeight: 101n, numPubRand: 10n });
    const result = await fp1.client.execute(fp1.address, main.address, msg, fee);
    expect(result.events.some((e) => e.type === "wasm-public_randomness_commit")).toBe(true);
    // Once stored, the same message overlaps it, on the edge as on the chain.
    await expectSameRefusal(msg, main, "invalid_pub_rand_height");
  });
});

describe("submit_finality_signature: the edge refuses with the chain's text", () => {
  it("2 not on the allowlist (registered FP, and unknown key)", async () => {
    await expectSameRefusal(
      placeholderVote(fp4.publicKeyHex, VOTE_HEIGHT),
      main,
      "finality_provider_not_allowed",
    );
    await expectSameRefusal(placeholderVote(stranger, VOTE_HEIGHT), main, "finality_provider_not_allowed");
  });

  it("3 before the BSN's activation (sparse BSN)", async () => {
    expect(
      await expectSameRefusal(placeholderVote(fp3.publicKeyHex, 5), sparse, "before_bsn_activation"),
    ).toBe("BSN not activated yet. Current height: 5, activation height: 10");
  });

  it("4 off the schedule (sparse BSN)", async () => {
    await expectSameRefusal(
      placeholderVote(fp3.publicKeyHex, 27),
      sparse,
      "finality_signature_not_at_scheduled_height",
    );
  });

  it("5 an FP of another BSN, key in upper case (the text keeps the key as given)", async () => {
    const text = await expectSameRefusal(
      placeholderVote(fp3.publicKeyHex.toUpperCase(), VOTE_HEIGHT),
      main,
      "not_found_finality_provider",
    );
    expect(text).toContain(fp3.publicKeyHex.toUpperCase());
  });

  it("5 an allowlisted key Babylon does not know", async () => {
    await expectSameRefusal(placeholderVote(unregistered, VOTE_HEIGHT), main, "not_found_finality_provider");
  });

  it("8 no commit covers the height", async () => {
    const msg = mutateVote(validVote, (b) => {
      b.height = 500;
    });
    await expectSameRefusal(msg, main, "missing_pub_rand_commit");
  });

  it("8 a commit that is not BTC-timestamped yet", async () => {
    // The text names the last finalized epoch, which moves every epoch: the edge's read and the chain's
    // simulation must fall in the same epoch, and the fresh commit must still be unfinalized. Retry otherwise.
    const attempts: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const start = 1 + attempt * NUM_PUB_RAND;
      const { msg } = await fp2.signer.commitPublicRandomness({
        startHeight: start,
        numPubRand: NUM_PUB_RAND,
      });
      await fp2.client.execute(fp2.address, main.address, msg, fee);
      const vote = await fp2.signer.submitFinalitySignature({
        height: start,
        blockHash: label32(`verify/${start}`),
      });
      const edge = await edgeVerify(vote, main).then(
        () => undefined,
        (e: unknown) => e,
      );
      const chainSays = await chainText(vote, main, fp2).catch((e: Error) => `simulation: ${e.message}`);
      if (edge instanceof ContractRuleError && edge.message === chainSays) {
        expect(edge.code).toBe("pub_rand_commit_not_btc_timestamped");
        expect(edge.message).toMatch(
          new RegExp(
            `^The finality provider ${fp2.publicKeyHex} last committed epoch: \\d+, last finalized epoch: \\d+$`,
          ),
        );
        return;
      }
      attempts.push(`edge: ${edge instanceof Error ? edge.message : "accepted"} / chain: ${chainSays}`);
    }
    throw new Error(`the edge and the chain never agreed:\n${attempts.join("\n")}`);
  });

  it("9 a proof for another height, or with another total", async () => {
    await expectSameRefusal(
      mutateVote(validVote, (b) => {
        b.proof.index += 1;
      }),
      main,
      "invalid_finality_sig_height",
    );
    await expectSameRefusal(
      mutateVote(validVote, (b) => {
        b.proof.total -= 1;
      }),
      main,
      "invalid_finality_sig_amount",
    );
  });

  it("9 Merkle: randomness that is not the proven leaf, or an aunt changed", async () => {
    await expectSameRefusal(
      mutateVote(validVote, (b) => {
        b.pub_rand = bytesToBase64(label32("verify/foreign-pub-rand"));
      }),
      main,
      "merkle_error",
    );
    await expectSameRefusal(
      mutateVote(validVote, (b) => {
        b.proof.aunts[0] = bytesToBase64(label32("verify/foreign-aunt"));
      }),
      main,
      "merkle_error",
    );
  });

  it("9 EOTS: unparsable, or not verifying", async () => {
    await expectSameRefusal(
      mutateVote(validVote, (b) => {
        b.signature = bytesToBase64(new Uint8Array(32).fill(0xff));
      }),
      main,
      "eots_error",
    );
    await expectSameRefusal(
      mutateVote(validVote, (b) => {
        const s = base64ToBytes(b.signature);
        s[31] = (s[31] ?? 0) ^ 1;
        b.signature = bytesToBase64(s);
      }),
      main,
      "failed_signature_verification",
    );
  });

  it("a valid vote passes verification, lands, and is then a duplicate with the chain's text", async () => {
    const verified = await edgeVerify(validVote, main);
    expect(verified).toMatchObject({ outcome: "new" });
    const result = await fp1.client.execute(fp1.address, main.address, validVote, fee);
    expect(result.events.some((e) => e.type === "wasm-submit_finality_signature")).toBe(true);
    accepted.set(`${fp1.publicKeyHex}/${VOTE_HEIGHT}`, [
      { blockHash: hashA, signature: base64ToBytes(validVote.submit_finality_signature.signature) },
    ]);

    // Seen through the chain's block voters alone (no edge log), the same vote is a duplicate.
    const again = await verifyVoteSubmission(
      validVote.submit_finality_signature,
      stateOf(main, false),
      optsOf(main),
    );
    expect(again.outcome).toBe("duplicate");
    if (again.outcome !== "duplicate") return;
    expect(again.duplicateError.code).toBe("duplicated_finality_sig");
    expect(again.duplicateError.message).toBe(await chainText(validVote, main));
  });
});

describe("equivocation, then slashing", () => {
  it("a conflicting valid vote is evidence whose extracted key is the FP's; once it lands, the FP is refused as slashed", async () => {
    // A second signer with fp-1's key and its own guard signs block B at the same height.
    const second = fp1.newSigner();
    await second.commitPublicRandomness({ startHeight: 1, numPubRand: NUM_PUB_RAND });
    const fork = await second.submitFinalitySignature({ height: VOTE_HEIGHT, blockHash: hashB });

    const verified = await verifyVoteSubmission(fork.submit_finality_signature, stateOf(main), optsOf(main));
    expect(verified.outcome).toBe("equivocation");
    expect(verified.conflicting).toEqual({
      blockHash: hashA,
      signature: base64ToBytes(validVote.submit_finality_signature.signature),
    });
    expect(verified.evidence).toMatchObject({
      canonicalBlockHash: bytesToHex(hashA),
      forkBlockHash: bytesToHex(hashB),
      pubRand: bytesToHex(base64ToBytes(fork.submit_finality_signature.pub_rand)),
      extractedSecretKeyMatches: true,
    });

    // The chain accepts it too, and Babylon slashes fp-1 in the same tx.
    const result = await fp1.client.execute(fp1.address, main.address, fork, fee);
    expect(result.events.some((e) => e.type === "babylon.finality.v1.EventSlashedFinalityProvider")).toBe(
      true,
    );

    const nextVote = await fp1.signer.submitFinalitySignature({
      height: VOTE_HEIGHT + 1,
      blockHash: label32("verify/21"),
    });
    const slashedVote = await expectSameRefusal(nextVote, main, "slashed_finality_provider");
    expect(slashedVote).toMatch(
      new RegExp(
        `^Finality provider ${fp1.publicKeyHex} has been slashed at Babylon height ${result.height} and BTC height [1-9]\\d*$`,
      ),
    );
    expect(await expectSameRefusal(await nextCommit(201), main, "slashed_finality_provider")).toBe(
      slashedVote,
    );
  });
});

describe("chain state: upstream failures and caching", () => {
  it("an unreachable Babylon is BabylonUnavailableError, never a rule refusal", async () => {
    const down = createBabylonRpc("http://127.0.0.1:9", { timeoutMs: 2_000 });
    const state = createChainSubmissionState({ rpc: down, contractAddress: main.address });
    const error = await verifyVoteSubmission(validVote.submit_finality_signature, state, optsOf(main)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BabylonUnavailableError);
  });

  it("a cached 'not allowlisted' is read again before it refuses", async () => {
    const state = createChainSubmissionState({
      rpc,
      contractAddress: sparse.address,
      ttlMs: 60_000,
      // The allowlist tx may land within a second; the one-second trust window is tested in value-cache.
      recheckAfterMs: 0,
    });
    const vote = placeholderVote(stranger, 15);
    const before = await verifyVoteSubmission(vote.submit_finality_signature, state, optsOf(sparse)).catch(
      (e: unknown) => e,
    );
    expect((before as ContractRuleError).code).toBe("finality_provider_not_allowed");
    await new FinalityClient(admin.client, admin.address, sparse.address).addToAllowlist(
      { fpPubkeyHexList: [stranger] },
      "auto",
    );
    // Within the TTL, yet the refusal is re-checked: the key now passes the allowlist (Babylon does not know it).
    const after = await verifyVoteSubmission(vote.submit_finality_signature, state, optsOf(sparse)).catch(
      (e: unknown) => e,
    );
    expect((after as ContractRuleError).code).toBe("not_found_finality_provider");
    expect((after as ContractRuleError).message).toBe(await chainText(vote, sparse));
  });
});
