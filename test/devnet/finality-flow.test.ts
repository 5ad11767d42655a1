// The whole finality-provider flow on the emulator, through the real clients over HTTP: commits with
// SigningCosmWasmClient.execute ("auto" fee), a vote refused until the commit's epoch is
// BTC-timestamped, then votes by every FP for one block, read back with the generated query client.
import type { ExecuteResult } from "@cosmjs/cosmwasm-stargate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import type { BabylonChain } from "../../devnet/babylon/index.ts";
import { bytesToHex } from "../../src/crypto/index.ts";
import type { SubmitFinalitySignatureExecuteMsg } from "../../src/provider/index.ts";
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
  notTimestampedText,
  startTestChain,
  WASMD_FAILURE,
  waitForEpochFinalized,
} from "./support/contract-harness.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
if (!consumer) throw new Error("the default genesis has no consumer");
const NUM_PUB_RAND = 100;
const VOTE_HEIGHT = 10;

let chain: BabylonChain;
let contract: ContractHandle;
let babylon: BabylonQueries;
let fps: FinalityProvider[];

beforeAll(async () => {
  chain = await startTestChain(genesis);
  contract = await contractOf(chain, consumer.bsnId);
  babylon = await connectBabylonQueries(chain.rpcUrl);
  fps = await Promise.all(
    consumer.finalityProviders.map((fp) => connectFinalityProvider(chain, genesis, fp.account, contract)),
  );
});
afterAll(async () => {
  for (const fp of fps ?? []) fp.client.disconnect();
  babylon?.disconnect();
  await chain?.stop();
});

const attributes = (result: ExecuteResult, type: string) =>
  result.events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));

describe("finality flow over HTTP", () => {
  it("commit → refused until BTC-timestamped → votes by every FP → blockVoters and highestVotedHeight", async () => {
    expect(fps.length).toBeGreaterThanOrEqual(3);
    const start = contract.config.bsn_activation_height;

    // 1. Every FP commits randomness for [start, start + 100) with an "auto" fee (simulate, then broadcast).
    // The last FP writes its key in upper case: the contract decodes it, and its commit event is lowercase.
    const upper = (i: number) => i === fps.length - 1;
    const commits = await Promise.all(
      fps.map(async (fp, i) => {
        const { msg } = await fp.signer.commitPublicRandomness({
          startHeight: start,
          numPubRand: NUM_PUB_RAND,
        });
        if (upper(i)) msg.commit_public_randomness.fp_pubkey_hex = fp.publicKeyHex.toUpperCase();
        const result = await fp.client.execute(fp.address, contract.address, msg, "auto");
        expect(attributes(result, "wasm-public_randomness_commit")).toEqual([
          {
            _contract_address: contract.address,
            fp_pubkey_hex: fp.publicKeyHex,
            "pr_commit.start_height": String(start),
            "pr_commit.num_pub_rand": String(NUM_PUB_RAND),
            msg_index: "0",
          },
        ]);
        const stored = await contract.queries.lastPubRandCommit({ btcPkHex: fp.publicKeyHex });
        expect(stored).toMatchObject({ start_height: start, num_pub_rand: NUM_PUB_RAND, interval: 1 });
        if (!stored) throw new Error("commit not stored");
        // The commit is stamped with the epoch of the block that included it.
        expect(stored.babylon_epoch).toBe(Math.ceil(result.height / chain.timing.epochBlocks));
        return { fp, epoch: stored.babylon_epoch };
      }),
    );

    // 2. A vote right away: the commit's epoch is not finalized yet, so the contract refuses it.
    const first = fps[0] as FinalityProvider;
    const firstEpoch = commits[0]?.epoch ?? 0;
    const hashA = label32("flow/block-a");
    const early = await first.signer.submitFinalitySignature({ height: VOTE_HEIGHT, blockHash: hashA });
    const sequence = await first.sequence();
    const refusal = await executeRefused(first, contract.address, early, fixedFee(genesis));
    const text = notTimestampedText(chain, first.publicKeyHex, firstEpoch, refusal.height);
    expect(refusal.rawLog).toBe(WASMD_FAILURE(text));
    expect(refusal.code).toBe(5);
    expect(await first.sequence()).toBe(sequence + 1);
    expect(
      await contract.queries.blockVoters({ height: VOTE_HEIGHT, hashHex: bytesToHex(hashA) }),
    ).toBeNull();
    expect(await contract.queries.highestVotedHeight({ btcPkHex: first.publicKeyHex })).toBeNull();

    // 3. Wait (bounded) until every commit's epoch is checkpoint-finalized.
    await waitForEpochFinalized(chain, babylon, Math.max(...commits.map((c) => c.epoch)));

    // 4. Every FP votes for the same (height, hash); the first resends the message refused before.
    const sent = new Map<string, SubmitFinalitySignatureExecuteMsg>();
    await Promise.all(
      fps.map(async (fp, i) => {
        const msg =
          i === 0
            ? early
            : await fp.signer.submitFinalitySignature({
                height: VOTE_HEIGHT,
                blockHash: hashA,
                l1BlockNumber: 77 + i,
                l1BlockHashHex: `0x${bytesToHex(label32(`flow/l1/${i}`))}`,
              });
        sent.set(fp.publicKeyHex, msg);
        // The vote event keeps the key as given (upper case here); blockVoters lists it lowercase.
        if (upper(i)) msg.submit_finality_signature.fp_pubkey_hex = fp.publicKeyHex.toUpperCase();
        const result = await fp.client.execute(fp.address, contract.address, msg, "auto");
        const body = msg.submit_finality_signature;
        expect(attributes(result, "wasm-submit_finality_signature")).toEqual([
          {
            _contract_address: contract.address,
            fp_pubkey_hex: body.fp_pubkey_hex,
            block_height: String(VOTE_HEIGHT),
            block_hash: bytesToHex(hashA),
            ...(body.l1_block_number === undefined ? {} : { l1_block_number: String(body.l1_block_number) }),
            ...(body.l1_block_hash_hex === undefined ? {} : { l1_block_hash_hex: body.l1_block_hash_hex }),
            msg_index: "0",
          },
        ]);
        expect(result.events.some((e) => e.type === "babylon.finality.v1.EventSlashedFinalityProvider")).toBe(
          false,
        );
      }),
    );

    // 5. blockVoters lists exactly these FPs, with the randomness and signature each one sent.
    const voters = await contract.queries.blockVoters({ height: VOTE_HEIGHT, hashHex: bytesToHex(hashA) });
    const expected = [...sent.entries()]
      .map(([pk, msg]) => ({
        fp_btc_pk_hex: pk,
        pub_rand: binaryToInts(msg.submit_finality_signature.pub_rand),
        finality_signature: {
          finality_sig: binaryToInts(msg.submit_finality_signature.signature),
          block_hash: Array.from(hashA),
        },
      }))
      .sort((a, b) => a.fp_btc_pk_hex.localeCompare(b.fp_btc_pk_hex));
    expect([...(voters ?? [])].sort((a, b) => a.fp_btc_pk_hex.localeCompare(b.fp_btc_pk_hex))).toEqual(
      expected,
    );
    // Another hash at the same height has no voters; the hex is accepted in upper case.
    expect(
      await contract.queries.blockVoters({ height: VOTE_HEIGHT, hashHex: bytesToHex(label32("flow/other")) }),
    ).toBeNull();
    expect(
      (await contract.queries.blockVoters({ height: VOTE_HEIGHT, hashHex: bytesToHex(hashA).toUpperCase() }))
        ?.length,
    ).toBe(fps.length);

    // 6. highestVotedHeight follows the highest vote and ignores a later vote at a lower height.
    for (const fp of fps) {
      expect(await contract.queries.highestVotedHeight({ btcPkHex: fp.publicKeyHex })).toBe(VOTE_HEIGHT);
    }
    for (const height of [VOTE_HEIGHT + 2, VOTE_HEIGHT + 1]) {
      const msg = await first.signer.submitFinalitySignature({
        height,
        blockHash: label32(`flow/block/${height}`),
      });
      await first.client.execute(first.address, contract.address, msg, "auto");
    }
    expect(await contract.queries.highestVotedHeight({ btcPkHex: first.publicKeyHex })).toBe(VOTE_HEIGHT + 2);
    expect(await contract.queries.highestVotedHeight({ btcPkHex: fps[1]?.publicKeyHex ?? "" })).toBe(
      VOTE_HEIGHT,
    );
  });
});
