// Equivocation end to end (contract.md §8, §9.2 steps 10–12): an FP votes for two block hashes at
// one height through the real signing client; the second vote succeeds, the contract hands the
// evidence to Babylon in the same tx, Babylon slashes the FP (read back with the babylon-proto-ts
// btcstaking and finality query clients), both votes stay in the contract, and the FP's later votes
// and commits are refused with the exact slashed text.
import type { ExecuteResult } from "@cosmjs/cosmwasm-stargate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import type { BabylonChain } from "../../devnet/babylon/index.ts";
import { bytesToBase64, bytesToHex } from "../../src/crypto/index.ts";
import { DoubleSignError } from "../../src/provider/index.ts";
import {
  type BabylonQueries,
  binaryToInts,
  type ContractHandle,
  connectBabylonQueries,
  connectFinalityProvider,
  contractOf,
  executeRefused,
  type FinalityProvider,
  fixedFee,
  label32,
  simulateRefused,
  startTestChain,
  WASMD_FAILURE,
  waitForEpochFinalized,
} from "./support/contract-harness.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
if (!consumer) throw new Error("the default genesis has no consumer");
const fee = fixedFee(genesis);
const START = 1;
const NUM_PUB_RAND = 50;
const HEIGHT = 5;
const hashA = label32("equivocation/block-a");
const hashB = label32("equivocation/block-b");

let chain: BabylonChain;
let contract: ContractHandle;
let babylon: BabylonQueries;
let cheater: FinalityProvider;
let honest: FinalityProvider;

beforeAll(async () => {
  chain = await startTestChain(genesis);
  contract = await contractOf(chain, consumer.bsnId);
  babylon = await connectBabylonQueries(chain.rpcUrl);
  [cheater, honest] = (await Promise.all(
    ["fp-1", "fp-2"].map((account) => connectFinalityProvider(chain, genesis, account, contract)),
  )) as [FinalityProvider, FinalityProvider];
  const epochs = await Promise.all(
    [cheater, honest].map(async (fp) => {
      const { msg } = await fp.signer.commitPublicRandomness({
        startHeight: START,
        numPubRand: NUM_PUB_RAND,
      });
      await fp.client.execute(fp.address, contract.address, msg, "auto");
      return (await contract.queries.lastPubRandCommit({ btcPkHex: fp.publicKeyHex }))?.babylon_epoch ?? 0;
    }),
  );
  await waitForEpochFinalized(chain, babylon, Math.max(...epochs));
});

afterAll(async () => {
  for (const fp of [cheater, honest]) fp?.client.disconnect();
  babylon?.disconnect();
  await chain?.stop();
});

const voterOf = (
  fp: FinalityProvider,
  msg: { submit_finality_signature: { pub_rand: string; signature: string } },
  hash: Uint8Array,
) => ({
  fp_btc_pk_hex: fp.publicKeyHex,
  pub_rand: binaryToInts(msg.submit_finality_signature.pub_rand),
  finality_signature: {
    finality_sig: binaryToInts(msg.submit_finality_signature.signature),
    block_hash: Array.from(hash),
  },
});

const byKey = <T extends { fp_btc_pk_hex: string }>(list: readonly T[] | null) =>
  [...(list ?? [])].sort((a, b) => a.fp_btc_pk_hex.localeCompare(b.fp_btc_pk_hex));

describe("equivocation over HTTP", () => {
  it("a second vote at the same height succeeds, Babylon slashes the FP, and its later messages are refused", async () => {
    const fpBefore = await babylon.btcstaking.FinalityProvider({ fpBtcPkHex: cheater.publicKeyHex });
    expect(fpBefore.finalityProvider).toMatchObject({
      bsnId: consumer.bsnId,
      slashedBabylonHeight: 0,
      slashedBtcHeight: 0,
    });

    // Both FPs vote for block A.
    const voteA = await cheater.signer.submitFinalitySignature({ height: HEIGHT, blockHash: hashA });
    const honestA = await honest.signer.submitFinalitySignature({ height: HEIGHT, blockHash: hashA });
    await cheater.client.execute(cheater.address, contract.address, voteA, "auto");
    await honest.client.execute(honest.address, contract.address, honestA, "auto");

    // The FP's own signer refuses to sign block B at the same height…
    await expect(
      cheater.signer.submitFinalitySignature({ height: HEIGHT, blockHash: hashB }),
    ).rejects.toThrow(DoubleSignError);
    // …so a second signer instance with the same key, its own guard and the same (deterministic)
    // randomness does: rebuilding the commit reproduces the stored commitment and its proofs.
    const second = cheater.newSigner();
    const rebuilt = await second.commitPublicRandomness({ startHeight: START, numPubRand: NUM_PUB_RAND });
    const stored = await contract.queries.lastPubRandCommit({ btcPkHex: cheater.publicKeyHex });
    expect(stored?.commitment).toEqual(Array.from(rebuilt.commit.commitment));
    const voteB = await second.submitFinalitySignature({ height: HEIGHT, blockHash: hashB });
    expect(voteB.submit_finality_signature.pub_rand).toBe(voteA.submit_finality_signature.pub_rand);

    // The conflicting vote is accepted: stored, and the evidence slashes the FP in the same tx.
    const result: ExecuteResult = await cheater.client.execute(
      cheater.address,
      contract.address,
      voteB,
      "auto",
    );
    const voted = result.events.find((e) => e.type === "wasm-submit_finality_signature");
    expect(Object.fromEntries(voted?.attributes.map((a) => [a.key, a.value]) ?? [])).toMatchObject({
      _contract_address: contract.address,
      fp_pubkey_hex: cheater.publicKeyHex,
      block_height: String(HEIGHT),
      block_hash: bytesToHex(hashB),
    });
    const slashedEvent = result.events.find(
      (e) => e.type === "babylon.finality.v1.EventSlashedFinalityProvider",
    );
    const evidenceJson = slashedEvent?.attributes.find((a) => a.key === "evidence")?.value ?? "{}";
    expect(JSON.parse(evidenceJson)).toMatchObject({
      fp_btc_pk: cheater.publicKeyHex,
      block_height: String(HEIGHT),
      pub_rand: voteA.submit_finality_signature.pub_rand,
      canonical_app_hash: bytesToBase64(hashA),
      fork_app_hash: bytesToBase64(hashB),
      canonical_finality_sig: voteA.submit_finality_signature.signature,
      fork_finality_sig: voteB.submit_finality_signature.signature,
    });

    // Babylon's btcstaking FinalityProvider query (decoded with the babylon-proto-ts codec).
    const { finalityProvider } = await babylon.btcstaking.FinalityProvider({
      fpBtcPkHex: cheater.publicKeyHex,
    });
    const slashedBabylonHeight = finalityProvider?.slashedBabylonHeight ?? 0;
    const slashedBtcHeight = finalityProvider?.slashedBtcHeight ?? 0;
    expect(slashedBabylonHeight).toBe(result.height);
    expect(slashedBtcHeight).toBeGreaterThanOrEqual(genesis.btc.baseHeight);
    // x/finality stored the evidence; the honest FP is untouched.
    const { evidence } = await babylon.finality.Evidence({ fpBtcPkHex: cheater.publicKeyHex });
    expect(evidence).toMatchObject({
      fpBtcPkHex: cheater.publicKeyHex,
      blockHeight: HEIGHT,
      canonicalAppHash: hashA,
      forkAppHash: hashB,
    });
    const honestRecord = await babylon.btcstaking.FinalityProvider({ fpBtcPkHex: honest.publicKeyHex });
    expect(honestRecord.finalityProvider).toMatchObject({ slashedBabylonHeight: 0, slashedBtcHeight: 0 });

    // Both votes stay: the FP is listed under both block hashes.
    expect(byKey(await contract.queries.blockVoters({ height: HEIGHT, hashHex: bytesToHex(hashA) }))).toEqual(
      byKey([voterOf(cheater, voteA, hashA), voterOf(honest, honestA, hashA)]),
    );
    expect(await contract.queries.blockVoters({ height: HEIGHT, hashHex: bytesToHex(hashB) })).toEqual([
      voterOf(cheater, voteB, hashB),
    ]);
    expect(await contract.queries.highestVotedHeight({ btcPkHex: cheater.publicKeyHex })).toBe(HEIGHT);

    // From now on the FP is refused, with the heights Babylon recorded.
    const slashedText = `Finality provider ${cheater.publicKeyHex} has been slashed at Babylon height ${slashedBabylonHeight} and BTC height ${slashedBtcHeight}`;
    const next = await cheater.signer.submitFinalitySignature({
      height: HEIGHT + 1,
      blockHash: label32("equivocation/6"),
    });
    const commit = await cheater.newSigner().commitPublicRandomness({
      startHeight: START + NUM_PUB_RAND,
      numPubRand: 10,
    });
    for (const msg of [next, commit.msg]) {
      expect(await simulateRefused(cheater, contract.address, msg)).toContain(WASMD_FAILURE(slashedText));
      const sequence = await cheater.sequence();
      const refusal = await executeRefused(cheater, contract.address, msg, fee);
      expect(refusal.rawLog).toBe(WASMD_FAILURE(slashedText));
      expect(refusal.code).toBe(5);
      expect(await cheater.sequence()).toBe(sequence + 1);
    }
    expect(await contract.queries.highestVotedHeight({ btcPkHex: cheater.publicKeyHex })).toBe(HEIGHT);
    expect(await contract.queries.lastPubRandCommit({ btcPkHex: cheater.publicKeyHex })).toEqual(stored);
    expect(
      await contract.queries.blockVoters({
        height: HEIGHT + 1,
        hashHex: bytesToHex(label32("equivocation/6")),
      }),
    ).toBeNull();

    // The honest FP keeps voting.
    const honestNext = await honest.signer.submitFinalitySignature({
      height: HEIGHT + 1,
      blockHash: label32("equivocation/6"),
    });
    await honest.client.execute(honest.address, contract.address, honestNext, "auto");
    expect(await contract.queries.highestVotedHeight({ btcPkHex: honest.publicKeyHex })).toBe(HEIGHT + 1);
  });
});
