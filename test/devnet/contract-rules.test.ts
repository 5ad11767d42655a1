// Every rule of the finality contract's commit_public_randomness (contract.md §9.1) and
// submit_finality_signature (§9.2), triggered over HTTP: each case sends a mutated message through
// SigningCosmWasmClient.execute with a fixed fee and expects the tx to fail in DeliverTx with wasmd's
// log around the contract's exact text (§9.6, §18), the same text from a simulation, the sender's
// sequence advanced by one, and no contract state changed. One chain, three BSNs: the default one,
// a sparse one (activation 10, interval 5) and a rate-limited one (2 messages per window).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevnetGenesis } from "../../devnet/babylon/genesis.ts";
import { defaultGenesis, parseGenesis } from "../../devnet/babylon/genesis-load.ts";
import type { BabylonChain } from "../../devnet/babylon/index.ts";
import { FinalityClient } from "../../src/babylon/index.ts";
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  deriveRandomness,
  hexToBytes,
  leafHash,
} from "../../src/crypto/index.ts";
import type {
  CommitPublicRandomnessExecuteMsg,
  SubmitFinalitySignatureExecuteMsg,
} from "../../src/provider/index.ts";
import {
  type Account,
  type BabylonQueries,
  type ContractHandle,
  connectAccount,
  connectBabylonQueries,
  connectFinalityProvider,
  contractOf,
  executeRefused,
  type FinalityProvider,
  fixedFee,
  label32,
  mutateVote,
  notTimestampedText,
  outsiderKeyHex,
  placeholderVote,
  rootFromAunts,
  rustDebugBytes,
  simulateRefused,
  startTestChain,
  WASMD_FAILURE,
  waitForEpochFinalized,
} from "./support/contract-harness.ts";

const MAIN = "edge-devnet-l2";
const SPARSE = "edge-sparse";
const RATE_LIMITED = "edge-rate-limited";

/** The default genesis with fp-3 moved to a sparse BSN and fp-4 to a rate-limited one. */
function rulesGenesis(): DevnetGenesis {
  const genesis = defaultGenesis();
  const main = genesis.consumers[0];
  if (main?.bsnId !== MAIN) throw new Error(`the default genesis's BSN is not ${MAIN}`);
  const [fp1, fp2, fp3, fp4] = main.finalityProviders;
  if (!fp1 || !fp2 || !fp3 || !fp4) throw new Error("the default genesis has fewer than 4 FPs");
  main.finalityProviders = [fp1, fp2];
  genesis.consumers.push(
    {
      bsnId: SPARSE,
      contract: { ...main.contract, bsn_activation_height: 10, finality_signature_interval: 5 },
      finalityProviders: [fp3],
    },
    {
      bsnId: RATE_LIMITED,
      contract: { ...main.contract, max_msgs_per_interval: 2, rate_limiting_interval: 1_000_000 },
      finalityProviders: [fp4],
    },
  );
  return parseGenesis(JSON.parse(JSON.stringify(genesis)), "contract-rules genesis");
}

const genesis = rulesGenesis();
const fee = fixedFee(genesis);
const NUM_PUB_RAND = 100;
/** The rollup height fp-1's valid vote is for. */
const VOTE_HEIGHT = 20;
const voteHash = label32("rules/block-20");

let chain: BabylonChain;
let babylon: BabylonQueries;
let main: ContractHandle;
let sparse: ContractHandle;
let rateLimited: ContractHandle;
let admin: Account;
let fp1: FinalityProvider;
let fp2: FinalityProvider;
let fp3: FinalityProvider;
let fp4: FinalityProvider;
/** The Babylon epoch that stamped fp-1's commit. */
let fp1Epoch: number;

/** fp-1 commits, at this height, an x-coordinate ≥ p: a Merkle leaf that EOTS cannot parse. */
const UNPARSABLE_PUB_RAND_HEIGHT = 99;
const FIELD_PRIME = hexToBytes("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
const fp1SecretKey = hexToBytes(genesis.consumers[0]?.finalityProviders[0]?.btcSecretKeyHex ?? "00");
function fp1Randomness(height: bigint) {
  const derived = deriveRandomness(fp1SecretKey, MAIN, height);
  return height === BigInt(UNPARSABLE_PUB_RAND_HEIGHT) ? { ...derived, pubRand: FIELD_PRIME } : derived;
}
/** A key allowlisted on the main BSN by its admin but registered nowhere on Babylon. */
const unregistered = outsiderKeyHex("allowlisted-unregistered");
/** A key in no allowlist. */
const stranger = outsiderKeyHex("stranger");

beforeAll(async () => {
  chain = await startTestChain(genesis);
  [main, sparse, rateLimited] = await Promise.all([
    contractOf(chain, MAIN),
    contractOf(chain, SPARSE),
    contractOf(chain, RATE_LIMITED),
  ]);
  babylon = await connectBabylonQueries(chain.rpcUrl);
  [fp1, fp2, fp3, fp4, admin] = await Promise.all([
    connectFinalityProvider(chain, genesis, "fp-1", main, fp1Randomness),
    connectFinalityProvider(chain, genesis, "fp-2", main),
    connectFinalityProvider(chain, genesis, "fp-3", sparse),
    connectFinalityProvider(chain, genesis, "fp-4", rateLimited),
    connectAccount(chain, genesis, "admin"),
  ]);

  // fp-1's commit on the main BSN (the overlap and every vote rule need it).
  const { msg } = await fp1.signer.commitPublicRandomness({ startHeight: 1, numPubRand: NUM_PUB_RAND });
  await fp1.client.execute(fp1.address, main.address, msg, "auto");
  fp1Epoch = (await main.queries.lastPubRandCommit({ btcPkHex: fp1.publicKeyHex }))?.babylon_epoch ?? -1;
  // fp-4 uses up its two messages of the window on the rate-limited BSN.
  for (const startHeight of [1, 11]) {
    const commit = await fp4.signer.commitPublicRandomness({ startHeight, numPubRand: 10 });
    await fp4.client.execute(fp4.address, rateLimited.address, commit.msg, "auto");
  }
  // The admin allowlists, on the main BSN, fp-3 (registered for another BSN) and an unregistered key,
  // through the generated signing client.
  await new FinalityClient(admin.client, admin.address, main.address).addToAllowlist(
    { fpPubkeyHexList: [fp3.publicKeyHex, unregistered] },
    "auto",
  );
});

afterAll(async () => {
  for (const account of [fp1, fp2, fp3, fp4, admin]) account?.client.disconnect();
  babylon?.disconnect();
  await chain?.stop();
});

/** Everything a refused message could have changed, read through the generated query clients. */
async function contractState(): Promise<unknown> {
  const pk = (fp: FinalityProvider) => ({ btcPkHex: fp.publicKeyHex });
  return Promise.all([
    main.queries.listPubRandCommit({ ...pk(fp1), limit: 30 }),
    main.queries.lastPubRandCommit(pk(fp2)),
    main.queries.highestVotedHeight(pk(fp1)),
    main.queries.highestVotedHeight(pk(fp2)),
    main.queries.blockVoters({ height: VOTE_HEIGHT, hashHex: bytesToHex(voteHash) }),
    main.queries.allowedFinalityProviders().then((list) => [...list].sort()),
    main.queries.lastPubRandCommit({ btcPkHex: unregistered }),
    main.queries.highestVotedHeight(pk(fp3)),
    sparse.queries.highestVotedHeight(pk(fp3)),
    rateLimited.queries.listPubRandCommit(pk(fp4)),
    rateLimited.queries.highestVotedHeight(pk(fp4)),
  ]);
}

type RuleCase = {
  rule: string;
  from: () => FinalityProvider;
  contract: () => ContractHandle;
  msg: () => Promise<object>;
  /** The contract's error text (§9.6). */
  text: () => string;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Simulation and delivery both fail with `text`; the sequence moves by one, the fee is paid; no state changes. */
async function expectRefused(c: RuleCase): Promise<void> {
  const account = c.from();
  const contract = c.contract().address;
  const msg = await c.msg();
  const failure = WASMD_FAILURE(c.text());
  // Simulation (what an "auto" fee runs first) reports the same text through the query path.
  expect(await simulateRefused(account, contract, msg)).toMatch(
    new RegExp(
      `^Query failed with \\(6\\): rpc error: code = Unknown desc = ${escapeRegExp(failure)} With gas wanted: `,
    ),
  );
  const before = await contractState();
  const sequence = await account.sequence();
  const balance = BigInt((await account.client.getBalance(account.address, "ubbn")).amount);
  const refusal = await executeRefused(account, contract, msg, fee);
  expect(refusal.rawLog).toBe(failure);
  expect(refusal.code).toBe(5);
  // The ante handler's effects stay: the sequence moves by one and the whole fee is paid.
  expect(await account.sequence()).toBe(sequence + 1);
  expect(BigInt((await account.client.getBalance(account.address, "ubbn")).amount)).toBe(
    balance - BigInt(fee.amount[0]?.amount ?? "0"),
  );
  expect(await contractState()).toEqual(before);
}

// ---------------------------------------------------------------------------------------------
// §9.1 commit_public_randomness

/** A valid commit by fp-1 after its stored one, from a scratch signer (so fp-1's proofs stay intact). */
async function nextCommit(startHeight = 101, numPubRand = 10): Promise<CommitPublicRandomnessExecuteMsg> {
  return (await fp1.newSigner().commitPublicRandomness({ startHeight, numPubRand })).msg;
}

function mutateCommit(
  edit: (body: CommitPublicRandomnessExecuteMsg["commit_public_randomness"]) => void,
  base: () => Promise<CommitPublicRandomnessExecuteMsg> = () => nextCommit(),
): () => Promise<object> {
  return async () => {
    const msg = structuredClone(await base());
    edit(msg.commit_public_randomness);
    return msg;
  };
}

const resize = (base64: string, length: number) => bytesToBase64(base64ToBytes(base64).slice(0, length));

const commitCases: RuleCase[] = [
  {
    rule: "1 empty fp_pubkey_hex",
    text: () => "Empty finality provider BTC public key",
    msg: mutateCommit((b) => {
      b.fp_pubkey_hex = "";
    }),
  },
  {
    rule: "2 empty signature",
    text: () => "Empty signature from the delegator",
    msg: mutateCommit((b) => {
      b.signature = "";
    }),
  },
  {
    rule: "3 signature of 63 bytes",
    text: () => "Invalid signature length: expected 64 bytes, got 63",
    msg: mutateCommit((b) => {
      b.signature = resize(b.signature, 63);
    }),
  },
  {
    rule: "5 commitment of 31 bytes",
    text: () => "Invalid commitment length: expected 32 bytes, got 31",
    msg: mutateCommit((b) => {
      b.commitment = resize(b.commitment, 31);
    }),
  },
  {
    rule: "6 num_pub_rand 0 reports an overflow",
    text: () => "Block height overflow detected for start height 101",
    msg: mutateCommit((b) => {
      b.num_pub_rand = 0;
    }),
  },
  {
    rule: "7 fewer values than min_pub_rand",
    text: () => "Too few public randomness values: given 9, required minimum 10",
    msg: mutateCommit(
      () => {},
      () => nextCommit(101, 9),
    ),
  },
  {
    rule: "8 key with a non-hex character",
    text: () => "Invalid character 'z' at position 0",
    msg: mutateCommit((b) => {
      b.fp_pubkey_hex = `z${b.fp_pubkey_hex.slice(1)}`;
    }),
  },
  {
    rule: "8 key of odd length",
    text: () => "Odd number of digits",
    msg: mutateCommit((b) => {
      b.fp_pubkey_hex = b.fp_pubkey_hex.slice(1);
    }),
  },
  {
    rule: "9 key not in the allowlist",
    text: () => `Finality provider ${stranger} is not in the allowlist`,
    msg: mutateCommit((b) => {
      b.fp_pubkey_hex = stranger;
    }),
  },
  {
    rule: "10 allowlisted key Babylon does not know (the querier error, redacted by wasmd)",
    text: () => "Generic error: Querier contract error: codespace: btcstaking, code: 1100",
    msg: mutateCommit((b) => {
      b.fp_pubkey_hex = unregistered;
    }),
  },
  {
    rule: "12 signature over another message",
    text: () => "signature error",
    msg: mutateCommit((b) => {
      b.start_height = 102;
    }),
  },
  {
    rule: "12 signature by another key",
    text: () => "signature error",
    msg: async () => {
      const msg = (await fp2.newSigner().commitPublicRandomness({ startHeight: 101, numPubRand: 10 })).msg;
      msg.commit_public_randomness.fp_pubkey_hex = fp1.publicKeyHex;
      return msg;
    },
  },
  {
    rule: "14 overlap with the last commit",
    text: () =>
      `The start height (50) has overlap with the height of the highest public randomness committed (${NUM_PUB_RAND + 1})`,
    msg: () => nextCommit(50, 10),
  },
  {
    rule: "14 start right at the last commit's end",
    text: () =>
      `The start height (${NUM_PUB_RAND}) has overlap with the height of the highest public randomness committed (${NUM_PUB_RAND + 1})`,
    msg: () => nextCommit(NUM_PUB_RAND, 10),
  },
].map((c) => ({ ...c, from: () => fp1, contract: () => main }));

commitCases.push({
  rule: "11 rate limit exceeded (2 messages per window, both used)",
  from: () => fp4,
  contract: () => rateLimited,
  text: () => `Rate limit exceeded for finality provider ${fp4.publicKeyHex} with limit 2`,
  msg: async () => (await fp4.newSigner().commitPublicRandomness({ startHeight: 21, numPubRand: 10 })).msg,
});

describe("commit_public_randomness rules (§9.1) over HTTP", () => {
  it("stored fp-1's valid commit, stamped with its epoch", async () => {
    expect(await main.queries.lastPubRandCommit({ btcPkHex: fp1.publicKeyHex })).toMatchObject({
      start_height: 1,
      num_pub_rand: NUM_PUB_RAND,
      interval: 1,
      babylon_epoch: fp1Epoch,
    });
    expect(fp1Epoch).toBeGreaterThanOrEqual(1);
  });

  it.each(commitCases.map((c) => [c.rule, c] as const))("%s", async (_rule, c) => {
    await expectRefused(c);
  });

  it("accepts the next commit once the mutations are undone", async () => {
    const result = await fp1.client.execute(fp1.address, main.address, await nextCommit(), fee);
    expect(result.events.some((e) => e.type === "wasm-public_randomness_commit")).toBe(true);
    expect(await main.queries.lastPubRandCommit({ btcPkHex: fp1.publicKeyHex })).toMatchObject({
      start_height: 101,
      num_pub_rand: 10,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// §9.2 submit_finality_signature

/** fp-1's valid vote for (VOTE_HEIGHT, voteHash): built once, sent only at the end. */
let valid: SubmitFinalitySignatureExecuteMsg;
/** fp-1's stored commitment (base64), for the expected root in the Merkle error. */
let fp1Commitment: string;
const validBody = () => valid.submit_finality_signature;
const mutate =
  (edit: (body: SubmitFinalitySignatureExecuteMsg["submit_finality_signature"]) => void) => async () =>
    mutateVote(valid, edit);

const voteCases: RuleCase[] = [
  {
    rule: "1 key with a non-hex character",
    from: () => fp1,
    contract: () => main,
    text: () => "Invalid character 'z' at position 0",
    msg: async () => placeholderVote(`z${fp1.publicKeyHex.slice(1)}`, VOTE_HEIGHT),
  },
  {
    rule: "1 key of odd length",
    from: () => fp1,
    contract: () => main,
    text: () => "Odd number of digits",
    msg: async () => placeholderVote(fp1.publicKeyHex.slice(1), VOTE_HEIGHT),
  },
  {
    rule: "2 key not in the allowlist",
    from: () => fp1,
    contract: () => main,
    text: () => `Finality provider ${stranger} is not in the allowlist`,
    msg: async () => placeholderVote(stranger, VOTE_HEIGHT),
  },
  {
    rule: "3 height below the activation height (1)",
    from: () => fp1,
    contract: () => main,
    text: () => "BSN not activated yet. Current height: 0, activation height: 1",
    msg: mutate((b) => {
      b.height = 0;
    }),
  },
  {
    rule: "3 height below the activation height (10, sparse BSN)",
    from: () => fp3,
    contract: () => sparse,
    text: () => "BSN not activated yet. Current height: 5, activation height: 10",
    msg: async () => placeholderVote(fp3.publicKeyHex, 5),
  },
  {
    rule: "4 height off the schedule (interval 5)",
    from: () => fp3,
    contract: () => sparse,
    text: () => "Finality signature not at scheduled height. Height 27 not allowed with interval 5",
    msg: async () => placeholderVote(fp3.publicKeyHex, 27),
  },
  {
    rule: "5 FP registered for another BSN",
    from: () => fp3,
    contract: () => main,
    text: () => `Finality provider not found for BSN ${MAIN} with pubkey ${fp3.publicKeyHex}`,
    msg: async () => placeholderVote(fp3.publicKeyHex, VOTE_HEIGHT),
  },
  {
    rule: "5 FP of another BSN, key in upper case (the text keeps the key as given)",
    from: () => fp3,
    contract: () => main,
    text: () => `Finality provider not found for BSN ${MAIN} with pubkey ${fp3.publicKeyHex.toUpperCase()}`,
    msg: async () => placeholderVote(fp3.publicKeyHex.toUpperCase(), VOTE_HEIGHT),
  },
  {
    rule: "5 allowlisted key Babylon does not know",
    from: () => fp1,
    contract: () => main,
    text: () => `Finality provider not found for BSN ${MAIN} with pubkey ${unregistered}`,
    msg: async () => placeholderVote(unregistered, VOTE_HEIGHT),
  },
  {
    rule: "6 rate limit exceeded",
    from: () => fp4,
    contract: () => rateLimited,
    text: () => `Rate limit exceeded for finality provider ${fp4.publicKeyHex} with limit 2`,
    msg: async () => placeholderVote(fp4.publicKeyHex, 5),
  },
  {
    rule: "8 no commit covers the height",
    from: () => fp1,
    contract: () => main,
    text: () => `Public randomness not found for finality provider ${fp1.publicKeyHex} at height 500`,
    msg: mutate((b) => {
      b.height = 500;
    }),
  },
  {
    rule: "9 proof for another height",
    from: () => fp1,
    contract: () => main,
    text: () =>
      `The inclusion proof for height ${VOTE_HEIGHT + 1} does not correspond to the given height (${VOTE_HEIGHT})`,
    msg: mutate((b) => {
      b.proof.index += 1;
    }),
  },
  {
    rule: "9 proof total differs from the commit's num_pub_rand",
    from: () => fp1,
    contract: () => main,
    text: () =>
      `The total amount of public randomnesses in the proof (${NUM_PUB_RAND - 1}) does not match the amount of public committed randomness (${NUM_PUB_RAND})`,
    msg: mutate((b) => {
      b.proof.total -= 1;
    }),
  },
  {
    rule: "9 Merkle: randomness that is not the proven leaf",
    from: () => fp1,
    contract: () => main,
    text: () =>
      `Merkle error: Invalid leaf hash: wanted Binary(${bytesToHex(base64ToBytes(validBody().proof.leaf_hash))}) got ${rustDebugBytes(leafHash(label32("rules/foreign-pub-rand")))}`,
    msg: mutate((b) => {
      b.pub_rand = bytesToBase64(label32("rules/foreign-pub-rand"));
    }),
  },
  {
    rule: "9 Merkle: an aunt changed, so the root differs",
    from: () => fp1,
    contract: () => main,
    text: () => {
      const { proof } = validBody();
      const aunts = [label32("rules/foreign-aunt"), ...proof.aunts.slice(1).map((a) => base64ToBytes(a))];
      const got = rootFromAunts(base64ToBytes(proof.leaf_hash), proof.index, proof.total, aunts);
      const commitment = base64ToBytes(fp1Commitment);
      return `Merkle error: Invalid root hash: wanted ${rustDebugBytes(commitment)} got ${rustDebugBytes(got)}`;
    },
    msg: mutate((b) => {
      b.proof.aunts[0] = bytesToBase64(label32("rules/foreign-aunt"));
    }),
  },
  {
    rule: "9 EOTS: s ≥ n does not parse",
    from: () => fp1,
    contract: () => main,
    text: () => "EOTS error: Failed to parse signature",
    msg: mutate((b) => {
      b.signature = bytesToBase64(new Uint8Array(32).fill(0xff));
    }),
  },
  {
    rule: "9 EOTS: committed randomness that is no curve point",
    from: () => fp1,
    contract: () => main,
    text: () => "EOTS error: Failed to parse public randomness",
    msg: () =>
      fp1.signer.submitFinalitySignature({
        height: UNPARSABLE_PUB_RAND_HEIGHT,
        blockHash: label32("rules/block-99"),
      }),
  },
  {
    rule: "9 EOTS: a 31-byte signature",
    from: () => fp1,
    contract: () => main,
    text: () => "EOTS error: Invalid input length: expected 32 bytes, got 31",
    msg: mutate((b) => {
      b.signature = resize(b.signature, 31);
    }),
  },
  {
    rule: "9 EOTS: a signature that does not verify",
    from: () => fp1,
    contract: () => main,
    text: () => "Failed to verify signature: EOTS",
    msg: mutate((b) => {
      const s = base64ToBytes(b.signature);
      s[31] = (s[31] ?? 0) ^ 1;
      b.signature = bytesToBase64(s);
    }),
  },
  {
    rule: "9 EOTS: the vote signed for another block hash",
    from: () => fp1,
    contract: () => main,
    text: () => "Failed to verify signature: EOTS",
    msg: mutate((b) => {
      b.block_hash = bytesToBase64(label32("rules/other-block"));
    }),
  },
];

describe("submit_finality_signature rules (§9.2) over HTTP", () => {
  beforeAll(async () => {
    const stored = await main.queries.listPubRandCommit({ btcPkHex: fp1.publicKeyHex, limit: 1 });
    fp1Commitment = bytesToBase64(Uint8Array.from(stored[0]?.commitment ?? []));
    valid = await fp1.signer.submitFinalitySignature({ height: VOTE_HEIGHT, blockHash: voteHash });
    // Every vote rule below the timestamp check needs fp-1's commit BTC-timestamped.
    await waitForEpochFinalized(chain, babylon, fp1Epoch);
  });

  it("8 commit not BTC-timestamped yet: the commit's epoch is above the last finalized one", async () => {
    // With epoch 1 finalized, the refusal names both epochs.
    await waitForEpochFinalized(chain, babylon, 1);
    const { msg } = await fp2.signer.commitPublicRandomness({ startHeight: 1, numPubRand: NUM_PUB_RAND });
    const committed = await fp2.client.execute(fp2.address, main.address, msg, fee);
    const epoch = Math.ceil(committed.height / chain.timing.epochBlocks);
    const vote = await fp2.signer.submitFinalitySignature({ height: VOTE_HEIGHT, blockHash: voteHash });
    const before = await contractState();
    const sequence = await fp2.sequence();
    const refusal = await executeRefused(fp2, main.address, vote, fee);
    const text = notTimestampedText(chain, fp2.publicKeyHex, epoch, refusal.height);
    expect(text).toMatch(
      /^The finality provider [0-9a-f]{64} last committed epoch: \d+, last finalized epoch: \d+$/,
    );
    expect(refusal.rawLog).toBe(WASMD_FAILURE(text));
    expect(await fp2.sequence()).toBe(sequence + 1);
    expect(await contractState()).toEqual(before);
  });

  it.each(voteCases.map((c) => [c.rule, c] as const))("%s", async (_rule, c) => {
    await expectRefused(c);
  });

  it("accepts the valid vote, then refuses it again as a duplicate (7)", async () => {
    const result = await fp1.client.execute(fp1.address, main.address, valid, fee);
    expect(result.events.some((e) => e.type === "wasm-submit_finality_signature")).toBe(true);
    const voters = await main.queries.blockVoters({ height: VOTE_HEIGHT, hashHex: bytesToHex(voteHash) });
    expect(voters?.map((v) => v.fp_btc_pk_hex)).toEqual([fp1.publicKeyHex]);
    expect(await main.queries.highestVotedHeight({ btcPkHex: fp1.publicKeyHex })).toBe(VOTE_HEIGHT);

    await expectRefused({
      rule: "7 duplicated finality signature",
      from: () => fp1,
      contract: () => main,
      text: () =>
        `Duplicated finality signature for finality provider ${fp1.publicKeyHex} at height ${VOTE_HEIGHT}`,
      msg: async () => valid,
    });
  });
});
