import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  bip340Sign,
  bytesToBase64,
  bytesToHex,
  commitDigest,
  hexToBytes,
  leafHash,
  merkleProofs,
  merkleRoot,
  signingContext,
} from "../../../../src/crypto/index.ts";
import { heightKey } from "../../store/kv-store.ts";
import { ContractStorage } from "./storage.ts";
import {
  ADMIN,
  CHAIN_ID,
  CONTRACT,
  contractError,
  type Deployed,
  deployContract,
  expectContractError,
  hashOf,
  SK_1,
  signerFor,
} from "./test-support.ts";

type VoteBody = Record<string, unknown> & { proof: Record<string, unknown> };

async function deployWithCommit(options: Parameters<typeof deployContract>[0] = {}, epoch = 1) {
  const d = deployContract(options);
  d.host.epoch = epoch;
  const built = await d.fp1.commitPublicRandomness({ startHeight: 10, numPubRand: 8 }); // 10, 15, …, 45
  d.exec(2, built.msg);
  return d;
}

async function voteBody(d: Deployed, height = 15, label = "block", signer = d.fp1): Promise<VoteBody> {
  const msg = await signer.submitFinalitySignature({ height, blockHash: hashOf(`${label} ${height}`) });
  return msg.submit_finality_signature as unknown as VoteBody;
}
const vote = (body: VoteBody) => ({ submit_finality_signature: body });
const voters = (d: Deployed, height: number, label = "block") =>
  d.query({ block_voters: { height, hash_hex: bytesToHex(hashOf(`${label} ${height}`)) } });
const withProof = (body: VoteBody, patch: Record<string, unknown>): VoteBody => ({
  ...body,
  proof: { ...body.proof, ...patch },
});
const flipByte = (base64: string, index: number): string => {
  const bytes = base64ToBytes(base64);
  bytes[index] = (bytes[index] as number) ^ 1;
  return bytesToBase64(bytes);
};

describe("submit_finality_signature (§9.2)", () => {
  it("stores the vote, its randomness and the highest voted height; emits the event", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    const response = d.exec(3, vote({ ...body, l1_block_number: 77, l1_block_hash_hex: "0xabc" }));
    expect(response).toEqual({
      attributes: [],
      events: [
        {
          type: "submit_finality_signature",
          attributes: [
            { key: "fp_pubkey_hex", value: d.fp1.publicKeyHex },
            { key: "block_height", value: "15" },
            { key: "block_hash", value: bytesToHex(hashOf("block 15")) },
            { key: "l1_block_number", value: "77" },
            { key: "l1_block_hash_hex", value: "0xabc" },
          ],
        },
      ],
      messages: [],
    });
    expect(voters(d, 15)).toEqual([
      {
        fp_btc_pk_hex: d.fp1.publicKeyHex,
        pub_rand: Array.from(base64ToBytes(body.pub_rand as string)),
        finality_signature: {
          finality_sig: Array.from(base64ToBytes(body.signature as string)),
          block_hash: Array.from(hashOf("block 15")),
        },
      },
    ]);
    expect(d.query({ highest_voted_height: { btc_pk_hex: d.fp1.publicKeyHex } })).toBe(15);
    d.exec(3, vote(await voteBody(d, 25)));
    d.exec(3, vote(await voteBody(d, 20)));
    expect(d.query({ highest_voted_height: { btc_pk_hex: d.fp1.publicKeyHex } })).toBe(25);
    expect(d.query({ highest_voted_height: { btc_pk_hex: d.fp2.publicKeyHex } })).toBeNull();
  });

  it("the event echoes the key as given; the stored voter is lowercase", async () => {
    const d = await deployWithCommit();
    const upper = d.fp1.publicKeyHex.toUpperCase();
    const response = d.exec(3, vote({ ...(await voteBody(d)), fp_pubkey_hex: upper }));
    expect(response.events[0]?.attributes[0]).toEqual({ key: "fp_pubkey_hex", value: upper });
    expect((voters(d, 15) as Array<{ fp_btc_pk_hex: string }>)[0]?.fp_btc_pk_hex).toBe(d.fp1.publicKeyHex);
  });

  it("1. key hex", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    expectContractError(
      () => d.exec(3, vote({ ...body, fp_pubkey_hex: "0x12" })),
      "Invalid character 'x' at position 1",
    );
    expectContractError(() => d.exec(3, vote({ ...body, fp_pubkey_hex: "123" })), "Odd number of digits");
  });

  it("2. not in the current allowlist, checked before the heights", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    d.exec(4, { remove_from_allowlist: { fp_pubkey_hex_list: [d.fp1.publicKeyHex] } }, ADMIN);
    expectContractError(
      () => d.exec(5, vote({ ...body, height: 5, fp_pubkey_hex: d.fp1.publicKeyHex.toUpperCase() })),
      `Finality provider ${d.fp1.publicKeyHex} is not in the allowlist`,
    );
  });

  it("3. before BSN activation (checked before the Babylon lookup)", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    d.host.fps.clear();
    expectContractError(
      () => d.exec(3, vote({ ...body, height: 5 })),
      "BSN not activated yet. Current height: 5, activation height: 10",
    );
  });

  it("4. not at a scheduled height", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    d.host.fps.clear();
    expectContractError(
      () => d.exec(3, vote({ ...body, height: 27 })),
      "Finality signature not at scheduled height. Height 27 not allowed with interval 5",
    );
  });

  it("5. unknown on Babylon, or registered for another BSN → not found (key as given)", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    const upper = d.fp1.publicKeyHex.toUpperCase();
    d.host.register(d.fp1.publicKeyHex, { bsnId: "other-bsn" });
    expectContractError(
      () => d.exec(3, vote({ ...body, fp_pubkey_hex: upper })),
      `Finality provider not found for BSN test-bsn with pubkey ${upper}`,
    );
    d.host.fps.delete(d.fp1.publicKeyHex);
    expectContractError(
      () => d.exec(3, vote(body)),
      `Finality provider not found for BSN test-bsn with pubkey ${d.fp1.publicKeyHex}`,
    );
  });

  it("5. slashed on Babylon or on BTC", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    d.host.register(d.fp1.publicKeyHex, { slashedBabylonHeight: 170 });
    expectContractError(
      () => d.exec(3, vote(body)),
      `Finality provider ${d.fp1.publicKeyHex} has been slashed at Babylon height 170 and BTC height 0`,
    );
    d.host.register(d.fp1.publicKeyHex, { slashedBtcHeight: 9 });
    expectContractError(
      () => d.exec(3, vote(body)),
      `Finality provider ${d.fp1.publicKeyHex} has been slashed at Babylon height 0 and BTC height 9`,
    );
  });

  it("6. rate limit shared with commits; a failed vote does not consume the budget", async () => {
    const d = await deployWithCommit({ config: { max_msgs_per_interval: 3, rate_limiting_interval: 10 } });
    const first = await voteBody(d, 15);
    const second = await voteBody(d, 20);
    const third = await voteBody(d, 25);
    d.exec(3, vote(first)); // the commit at height 2 was message 1 of window 0
    expectContractError(
      () => d.exec(4, vote({ ...second, signature: flipByte(second.signature as string, 31) })),
      "Failed to verify signature: EOTS",
    );
    d.exec(5, vote(second));
    expectContractError(
      () => d.exec(9, vote(third)),
      `Rate limit exceeded for finality provider ${d.fp1.publicKeyHex} with limit 3`,
    );
    d.exec(10, vote(third));
  });

  it("7. the same vote again is an error (key as given)", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    d.exec(3, vote(body));
    const upper = d.fp1.publicKeyHex.toUpperCase();
    expectContractError(
      () => d.exec(4, vote({ ...body, fp_pubkey_hex: upper })),
      `Duplicated finality signature for finality provider ${upper} at height 15`,
    );
  });

  it("8. no commit covers the height", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    expectContractError(
      () => d.exec(3, vote({ ...body, height: 50, fp_pubkey_hex: d.fp1.publicKeyHex.toUpperCase() })),
      `Public randomness not found for finality provider ${d.fp1.publicKeyHex} at height 50`,
    );
  });

  it("8. the covering commit must be BTC-timestamped", async () => {
    const d = await deployWithCommit({}, 3);
    const body = await voteBody(d);
    d.host.finalized = 0;
    expectContractError(() => d.exec(3, vote(body)), "No finalized epoch yet");
    d.host.finalized = 2;
    expectContractError(
      () => d.exec(3, vote(body)),
      `The finality provider ${d.fp1.publicKeyHex} last committed epoch: 3, last finalized epoch: 2`,
    );
    d.host.finalized = 3;
    d.exec(3, vote(body));
  });

  it("9. proof height and total", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    expectContractError(
      () => d.exec(3, vote(withProof(body, { index: 2 }))),
      "The inclusion proof for height 20 does not correspond to the given height (15)",
    );
    expectContractError(
      () => d.exec(3, vote(withProof(body, { total: 9 }))),
      "The total amount of public randomnesses in the proof (9) does not match the amount of public committed randomness (8)",
    );
  });

  it("9. Merkle inclusion: root and leaf hash (Rust debug renderings)", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    const commitment = Uint8Array.from(
      (d.query({ last_pub_rand_commit: { btc_pk_hex: d.fp1.publicKeyHex } }) as { commitment: number[] })
        .commitment,
    );
    const aunts = body.proof.aunts as string[];
    const badAunts = [flipByte(aunts[0] as string, 0), ...aunts.slice(1)];
    const rootError = contractError(() => d.exec(3, vote(withProof(body, { aunts: badAunts }))));
    expect(rootError.message).toMatch(
      new RegExp(`^Merkle error: Invalid root hash: wanted \\${debugHex(commitment)} got \\[[0-9A-F, ]+\\]$`),
    );

    const badLeaf = flipByte(body.proof.leaf_hash as string, 0);
    expectContractError(
      () => d.exec(3, vote(withProof(body, { leaf_hash: badLeaf }))),
      `Merkle error: Invalid leaf hash: wanted Binary(${bytesToHex(base64ToBytes(badLeaf))}) got ${debugHex(
        leafHash(base64ToBytes(body.pub_rand as string)),
      )}`,
    );
  });

  it("9. EOTS: signature length, s ≥ n, failed equation", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    const short = bytesToBase64(base64ToBytes(body.signature as string).slice(0, 31));
    expectContractError(
      () => d.exec(3, vote({ ...body, signature: short })),
      "EOTS error: Invalid input length: expected 32 bytes, got 31",
    );
    const n = secp256k1.Point.Fn.ORDER.toString(16).padStart(64, "0");
    expectContractError(
      () => d.exec(3, vote({ ...body, signature: bytesToBase64(hexToBytes(n)) })),
      "EOTS error: Failed to parse signature",
    );
    expectContractError(
      () => d.exec(3, vote({ ...body, signature: flipByte(body.signature as string, 31) })),
      "Failed to verify signature: EOTS",
    );
    // A signature for another block hash does not verify for this one.
    expectContractError(
      () => d.exec(3, vote({ ...body, block_hash: bytesToBase64(hashOf("other 15")) })),
      "Failed to verify signature: EOTS",
    );
  });

  it("9. EOTS: committed randomness that is not a curve x-coordinate", async () => {
    const d = deployContract();
    // A hand-built commit whose first leaf is 0xff…ff (≥ p): the proof holds, the EOTS parse fails.
    const leaves = [new Uint8Array(32).fill(0xff), hashOf("r1"), hashOf("r2"), hashOf("r3")];
    const root = merkleRoot(leaves);
    const context = signingContext("fp_rand_commit", CHAIN_ID, CONTRACT);
    const signature = bip340Sign(SK_1, commitDigest(context, 10n, 4n, root));
    d.exec(2, {
      commit_public_randomness: {
        fp_pubkey_hex: d.fp1.publicKeyHex,
        start_height: 10,
        num_pub_rand: 4,
        commitment: bytesToBase64(root),
        signature: bytesToBase64(signature),
      },
    });
    const proof = merkleProofs(leaves)[0];
    if (proof === undefined) throw new Error("no proof");
    expectContractError(
      () =>
        d.exec(3, {
          submit_finality_signature: {
            fp_pubkey_hex: d.fp1.publicKeyHex,
            height: 10,
            pub_rand: bytesToBase64(leaves[0] as Uint8Array),
            proof: {
              total: proof.total,
              index: proof.index,
              leaf_hash: bytesToBase64(proof.leafHash),
              aunts: proof.aunts.map(bytesToBase64),
            },
            block_hash: bytesToBase64(hashOf("block 10")),
            signature: bytesToBase64(hashOf("s")),
          },
        }),
      "EOTS error: Failed to parse public randomness",
    );
  });

  it("12. equivocation: both votes stored, evidence sent to Babylon, randomness stored once", async () => {
    const d = await deployWithCommit();
    const first = await voteBody(d, 15, "block");
    const fork = await voteBody(d, 15, "fork", d.fp1Fork);
    d.exec(3, vote(first));
    const response = d.exec(4, vote(fork));
    expect(response.events[0]?.type).toBe("submit_finality_signature");
    expect(response.messages).toEqual([
      {
        msg_equivocation_evidence: {
          signer: CONTRACT,
          fp_btc_pk_hex: d.fp1.publicKeyHex,
          block_height: 15,
          pub_rand_hex: bytesToHex(base64ToBytes(fork.pub_rand as string)),
          canonical_app_hash_hex: bytesToHex(hashOf("block 15")),
          fork_app_hash_hex: bytesToHex(hashOf("fork 15")),
          canonical_finality_sig_hex: bytesToHex(base64ToBytes(first.signature as string)),
          fork_finality_sig_hex: bytesToHex(base64ToBytes(fork.signature as string)),
          signing_context: signingContext("fp_fin_vote", CHAIN_ID, CONTRACT),
        },
      },
    ]);
    // The evidence lets Babylon extract the key.
    const evidence = response.messages[0]?.msg_equivocation_evidence;
    expect(evidence?.pub_rand_hex).toBe(bytesToHex(base64ToBytes(first.pub_rand as string)));
    const byHash = (label: string) => voters(d, 15, label) as Array<{ fp_btc_pk_hex: string }>;
    expect(byHash("block").map((v) => v.fp_btc_pk_hex)).toEqual([d.fp1.publicKeyHex]);
    expect(byHash("fork").map((v) => v.fp_btc_pk_hex)).toEqual([d.fp1.publicKeyHex]);
    const storage = new ContractStorage(d.store, CONTRACT);
    expect([...storage.range("pub_rand_values/")]).toHaveLength(1);
    // A third conflicting vote still names the first stored vote as canonical.
    const third = await voteBody(d, 15, "third", signerWithFreshGuard(d));
    const again = d.exec(5, vote(third));
    expect(again.messages[0]?.msg_equivocation_evidence.canonical_app_hash_hex).toBe(
      bytesToHex(hashOf("block 15")),
    );
  });

  it("after pruning, a conflicting vote is a first vote again; a different stored randomness is refused", async () => {
    const d = await deployWithCommit();
    d.exec(3, vote(await voteBody(d, 15, "block")));
    d.exec(4, { prune_data: { rollup_height: 15, max_pub_rand_values_to_prune: 0 } }, ADMIN);
    expect(voters(d, 15)).toBeNull();
    const fork = await voteBody(d, 15, "fork", d.fp1Fork);
    // Equivocation detection is lost for pruned heights: no evidence.
    expect(d.exec(5, vote(fork)).messages).toEqual([]);

    // Unreachable with honest storage; simulate a different value left behind at (15, fp).
    d.exec(6, { prune_data: { rollup_height: 15, max_pub_rand_values_to_prune: 0 } }, ADMIN);
    new ContractStorage(d.store, CONTRACT).set(
      `pub_rand_values/${heightKey(15)}/${d.fp1.publicKeyHex}`,
      [1, 2],
    );
    expectContractError(
      () => d.exec(7, vote(fork)),
      `Public randomness already exists for finality provider ${d.fp1.publicKeyHex} at height 15`,
    );
  });

  it("a failed vote leaves the committed store untouched", async () => {
    const d = await deployWithCommit();
    const body = await voteBody(d);
    const before = JSON.stringify(d.store.dump());
    expectContractError(
      () => d.exec(3, vote({ ...body, signature: flipByte(body.signature as string, 31) })),
      "Failed to verify signature: EOTS",
    );
    expect(JSON.stringify(d.store.dump())).toBe(before);
  });
});

/** Rust `{:X?}` of bytes. */
const debugHex = (bytes: Uint8Array): string =>
  `[${Array.from(bytes, (b) => b.toString(16).toUpperCase()).join(", ")}]`;

/** fp1's key with its own double-sign guard (so it signs one more conflicting vote). */
const signerWithFreshGuard = (d: Deployed) => signerFor(SK_1, d.config, d.proofStore);
