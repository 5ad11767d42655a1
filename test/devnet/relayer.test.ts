// The relayer against the in-process Babylon emulator over loopback HTTP: FP messages signed by
// src/provider, sent by the `relayer` account in batches (the contract does not check the sender).
// Covers one tx per batch, a bad message dropped without paying for the doomed tx, concurrent batches
// on one account sequence, a second sender of the same account (CheckTx sequence retry), a failure in a
// block (deliver), an unknown outcome, the gas cap, and the chain going down and coming back.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StargateClient } from "@cosmjs/stargate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import { type BabylonChain, startBabylonChain } from "../../devnet/babylon/index.ts";
import { bytesToHex, hexToBytes } from "../../src/crypto/index.ts";
import {
  createFinalityProviderSigner,
  type FinalityProviderSigner,
  type SubmitFinalitySignatureExecuteMsg,
} from "../../src/provider/index.ts";
import {
  type BatchOutcome,
  createRelayer,
  type Instruction,
  type ItemOutcome,
  type Relayer,
  type RelayerOptions,
  RelayerUnavailableError,
  submitWithBisection,
} from "../../src/relayer/index.ts";
import {
  type BabylonQueries,
  type ContractHandle,
  connectBabylonQueries,
  contractOf,
  FAST_TIMING,
  label32,
  mutateVote,
  waitForEpochFinalized,
  within,
} from "./support/contract-harness.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
if (!consumer) throw new Error("the default genesis has no consumer");
const GAS_PRICE = `${genesis.minGasPriceUbbn}ubbn`;
const FP_NAMES = consumer.finalityProviders.map((fp) => fp.account);

/** A vote or commit on its way: which FP, which height, and the execute message. */
type Item = { fp: string; height: number; msg: object };

let dataDir: string;
let chain: BabylonChain;
let port: number;
let contract: ContractHandle;
let babylon: BabylonQueries;
let bank: StargateClient;
let relayer: Relayer;
const signers = new Map<string, FinalityProviderSigner>();
const publicKeys = new Map<string, string>();
/** JSON-RPC methods the main relayer sent, in order. */
const mainCalls: string[] = [];
/** Txs of the relayer account that went into a block (included or failed there): each took one sequence. */
const relayerTxs = new Set<string>();
const measured: Record<string, unknown> = {};

function account(name: string) {
  const found = chain.accounts.find((a) => a.name === name);
  if (!found) throw new Error(`genesis has no account ${name}`);
  return found;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const methodOf = (init: RequestInit | undefined): string =>
  typeof init?.body === "string" ? ((JSON.parse(init.body) as { method?: string }).method ?? "?") : "?";

/** A fetch that records each JSON-RPC method and may hold a request until `gate` lets it go. */
function observedFetch(calls: string[], gate?: (method: string) => Promise<void> | void): typeof fetch {
  return async (input, init) => {
    const method = methodOf(init);
    calls.push(method);
    await gate?.(method);
    return fetch(input, init);
  };
}

function relayerOptions(name: string, extra: Partial<RelayerOptions> = {}): RelayerOptions {
  return {
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    mnemonic: account(name).mnemonic,
    gasPrice: GAS_PRICE,
    pollIntervalMs: 50,
    broadcastTimeoutMs: 10_000,
    requestTimeoutMs: 2_000,
    ...extra,
  };
}

/** Counts every outcome of the `relayer` account that consumed a sequence. */
function track(outcome: BatchOutcome): BatchOutcome {
  if (outcome.kind === "included" || (outcome.kind === "rejected" && outcome.stage === "deliver")) {
    relayerTxs.add(outcome.txHash ?? "");
  }
  return outcome;
}

/** The main relayer's submitBatch, counted. */
const submitCalls: BatchOutcome[] = [];
async function submit(instructions: Instruction[]): Promise<BatchOutcome> {
  const outcome = track(await relayer.submitBatch(instructions));
  submitCalls.push(outcome);
  return outcome;
}

/** `item` with `donor`'s EOTS signature: a valid scalar that fails the EOTS equation. */
function withSignatureOf(item: Item, donor: Item): Item {
  const signature = (donor.msg as SubmitFinalitySignatureExecuteMsg).submit_finality_signature.signature;
  return {
    ...item,
    msg: mutateVote(item.msg as SubmitFinalitySignatureExecuteMsg, (body) => {
      body.signature = signature;
    }),
  };
}

const toInstruction = (item: Item): Instruction => ({ contractAddress: contract.address, msg: item.msg });
const blockHash = (height: number) => label32(`relayer-test/block/${height}`);

async function vote(fp: string, height: number): Promise<Item> {
  const signer = signers.get(fp);
  if (!signer) throw new Error(`no signer for ${fp}`);
  return { fp, height, msg: await signer.submitFinalitySignature({ height, blockHash: blockHash(height) }) };
}

async function votes(heights: number[], fps = FP_NAMES): Promise<Item[]> {
  const out: Item[] = [];
  for (const height of heights) for (const fp of fps) out.push(await vote(fp, height));
  return out;
}

async function voterKeys(height: number): Promise<string[]> {
  const voters = await contract.queries.blockVoters({ height, hashHex: bytesToHex(blockHash(height)) });
  return (voters ?? []).map((v) => v.fp_btc_pk_hex).sort();
}

const keysOf = (fps: string[]) => fps.map((fp) => publicKeys.get(fp) ?? "").sort();

async function relayerState() {
  const address = account("relayer").address;
  const [balance, sequence] = await Promise.all([
    bank.getBalance(address, "ubbn"),
    bank.getSequence(address),
  ]);
  return { balance: BigInt(balance.amount), sequence: sequence.sequence };
}

async function startChain(): Promise<BabylonChain> {
  return startBabylonChain({
    genesis,
    port,
    dataDir,
    timing: { ...FAST_TIMING },
    log: () => {},
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "relayer-devnet-"));
  port = 0;
  chain = await startChain();
  port = Number(new URL(chain.rpcUrl).port);
  contract = await contractOf(chain, consumer.bsnId);
  babylon = await connectBabylonQueries(chain.rpcUrl);
  bank = await StargateClient.connect(chain.rpcUrl);
  for (const fp of consumer.finalityProviders) {
    const signer = createFinalityProviderSigner({
      secretKey: hexToBytes(fp.btcSecretKeyHex),
      bsnId: consumer.bsnId,
      babylonChainId: chain.chainId,
      contractAddress: contract.address,
      bsnActivationHeight: contract.config.bsn_activation_height,
      finalitySignatureInterval: contract.config.finality_signature_interval,
    });
    signers.set(fp.account, signer);
    publicKeys.set(fp.account, signer.publicKeyHex);
  }
  relayer = await createRelayer(relayerOptions("relayer", { fetch: observedFetch(mainCalls) }));
});

afterAll(async () => {
  bank?.disconnect();
  babylon?.disconnect();
  await chain?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  console.info(`relayer measurements: ${JSON.stringify(measured)}`);
});

describe("relayer against the emulator", () => {
  it("commits, then votes, from every FP land in one tx each; block_voters shows them", async () => {
    expect(relayer.address).toBe(account("relayer").address);
    const start = contract.config.bsn_activation_height;
    const commits: Item[] = [];
    for (const fp of FP_NAMES) {
      const signer = signers.get(fp) as FinalityProviderSigner;
      const { msg } = await signer.commitPublicRandomness({ startHeight: start, numPubRand: 400 });
      commits.push({ fp, height: start, msg });
    }
    const t0 = performance.now();
    const committed = await submit(commits.map(toInstruction));
    measured.commitBatchMs = Math.round(performance.now() - t0);
    expect(committed).toMatchObject({ kind: "included", messages: FP_NAMES.length });
    if (committed.kind !== "included") throw new Error("commit batch not included");
    measured.gasPerCommit = Math.round(committed.gasUsed / FP_NAMES.length);
    // Simulated gas × 1.3 is the limit; the fee is ceil(limit × price).
    expect(committed.gasWanted).toBeGreaterThan(committed.gasUsed);
    expect(committed.fee).toEqual({
      denom: "ubbn",
      amount: String(Math.ceil(committed.gasWanted * genesis.minGasPriceUbbn)),
    });
    for (const fp of FP_NAMES) {
      const stored = await contract.queries.lastPubRandCommit({ btcPkHex: publicKeys.get(fp) ?? "" });
      expect(stored?.num_pub_rand).toBe(400);
    }
    const epoch = Math.ceil(committed.height / chain.timing.epochBlocks);
    await waitForEpochFinalized(chain, babylon, epoch);

    const ballot = await votes([10]);
    const t1 = performance.now();
    const voted = await submit(ballot.map(toInstruction));
    measured.voteBatchMs = Math.round(performance.now() - t1);
    expect(voted).toMatchObject({ kind: "included", messages: FP_NAMES.length });
    if (voted.kind !== "included") throw new Error("vote batch not included");
    measured.gasPerVote = Math.round(voted.gasUsed / FP_NAMES.length);
    expect(await voterKeys(10)).toEqual(keysOf(FP_NAMES));
  });

  it("one bad EOTS signature: the rest land in the second submit, the doomed tx was never sent or paid", async () => {
    const items = await votes([11, 12, 13]);
    // fp-2's vote at 12 carries fp-1's signature at 12: a valid scalar, a failed EOTS equation.
    const badIndex = items.findIndex((item) => item.fp === FP_NAMES[1] && item.height === 12);
    const donor = items.find((item) => item.fp === FP_NAMES[0] && item.height === 12) as Item;
    items[badIndex] = withSignatureOf(items[badIndex] as Item, donor);
    const before = await relayerState();
    const broadcastsBefore = mainCalls.filter((m) => m === "broadcast_tx_sync").length;
    const callsBefore = submitCalls.length;

    const outcomes = await submitWithBisection(items, toInstruction, submit);

    const calls = submitCalls.slice(callsBefore);
    expect(calls.map((c) => c.kind)).toEqual(["rejected", "included"]);
    expect(calls[0]).toMatchObject({ stage: "simulate", failedIndex: badIndex });
    expect(outcomes[badIndex]).toEqual({
      status: "failed",
      stage: "simulate",
      error: { code: "failed_signature_verification", message: "Failed to verify signature: EOTS" },
    });
    const landed = calls[1] as Extract<BatchOutcome, { kind: "included" }>;
    for (const [i, outcome] of outcomes.entries()) {
      if (i !== badIndex)
        expect(outcome).toEqual({ status: "submitted", txHash: landed.txHash, height: landed.height });
    }
    // Simulation refused the first batch: one broadcast, one sequence, one fee.
    expect(mainCalls.filter((m) => m === "broadcast_tx_sync").length - broadcastsBefore).toBe(1);
    const after = await relayerState();
    expect(after.sequence).toBe(before.sequence + 1);
    expect(before.balance - after.balance).toBe(BigInt(landed.fee.amount));
    expect(await voterKeys(12)).toEqual(keysOf(FP_NAMES.filter((fp) => fp !== FP_NAMES[1])));
    expect(await voterKeys(13)).toEqual(keysOf(FP_NAMES));
  });

  it("a duplicate and a bad signature in one batch: both reported with the contract's code and text", async () => {
    const [a, b, c, d] = (await votes([14])) as [Item, Item, Item, Item];
    const duplicate = await vote(FP_NAMES[0] as string, 10); // same (height, hash): the signer re-signs identically
    const items = [a, duplicate, b, withSignatureOf(c, a), d];
    const callsBefore = submitCalls.length;
    const outcomes = await submitWithBisection(items, toInstruction, submit);
    expect(submitCalls.length - callsBefore).toBe(3);
    expect(outcomes[1]).toEqual({
      status: "failed",
      stage: "simulate",
      error: {
        code: "duplicated_finality_sig",
        message: `Duplicated finality signature for finality provider ${publicKeys.get(FP_NAMES[0] as string)} at height 10`,
      },
    });
    expect(outcomes[3]).toMatchObject({ status: "failed", error: { code: "failed_signature_verification" } });
    expect([outcomes[0], outcomes[2], outcomes[4]].map((o) => o?.status)).toEqual([
      "submitted",
      "submitted",
      "submitted",
    ]);
    expect(await voterKeys(14)).toEqual(keysOf([0, 1, 3].map((i) => FP_NAMES[i] as string)));
  });

  it("5 concurrent submitBatch calls all land; the account sequence counts exactly the included txs", async () => {
    const batches = await Promise.all([20, 21, 22, 23, 24].map((height) => votes([height])));
    const before = await relayerState();
    const t0 = performance.now();
    const outcomes = await within(
      Promise.all(batches.map((batch) => submit(batch.map(toInstruction)))),
      30_000,
      "5 concurrent batches",
    );
    measured.fiveConcurrentBatchesMs = Math.round(performance.now() - t0);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(5).fill("included"));
    expect(new Set(outcomes.map((o) => (o.kind === "included" ? o.txHash : ""))).size).toBe(5);
    const after = await relayerState();
    expect(after.sequence - before.sequence).toBe(5);
    expect(after.sequence).toBe(relayerTxs.size);
    for (const height of [20, 21, 22, 23, 24]) expect(await voterKeys(height)).toEqual(keysOf(FP_NAMES));
  });

  it("another sender of the same account takes the sequence: CheckTx refuses, the relayer resyncs and retries once", async () => {
    const calls: string[] = [];
    let held = true;
    const atBroadcast = deferred();
    const released = deferred();
    const second = await createRelayer(
      relayerOptions("relayer", {
        fetch: observedFetch(calls, async (method) => {
          if (method !== "broadcast_tx_sync" || !held) return;
          held = false;
          atBroadcast.resolve();
          await released.promise;
        }),
      }),
    );
    const pending = second.submitBatch((await votes([30])).map(toInstruction));
    await within(atBroadcast.promise, 10_000, "the second relayer's broadcast");
    // The main relayer uses the same sequence meanwhile, and lands first.
    expect(await submit((await votes([31])).map(toInstruction))).toMatchObject({ kind: "included" });
    released.resolve();
    const outcome = track(await pending);
    expect(outcome).toMatchObject({ kind: "included" });
    expect(calls.filter((m) => m === "broadcast_tx_sync")).toHaveLength(2);
    expect((await relayerState()).sequence).toBe(relayerTxs.size);
    expect(await voterKeys(30)).toEqual(keysOf(FP_NAMES));
  });

  it("a message that fails in the block: rejected at deliver with its index, the fee paid, nothing of that tx kept", async () => {
    // The admin's batch repeats a vote of the relayer's batch. Both simulate before either broadcasts, and the
    // relayer's tx enters the mempool first, so the admin's tx fails in the block, at its message 1.
    const [x, y] = (await votes([32], [FP_NAMES[0] as string, FP_NAMES[1] as string])) as [Item, Item];
    const adminAtBroadcast = deferred();
    const relayerBroadcastDone = deferred();
    const first = await createRelayer(
      relayerOptions("relayer", {
        fetch: async (input, init) => {
          if (methodOf(init) !== "broadcast_tx_sync") return fetch(input, init);
          await adminAtBroadcast.promise;
          const response = await fetch(input, init);
          relayerBroadcastDone.resolve();
          return response;
        },
      }),
    );
    const admin = await createRelayer(
      relayerOptions("admin", {
        fetch: async (input, init) => {
          if (methodOf(init) === "broadcast_tx_sync") {
            adminAtBroadcast.resolve();
            await relayerBroadcastDone.promise;
          }
          return fetch(input, init);
        },
      }),
    );
    const adminAddress = account("admin").address;
    const adminSequence = (await bank.getSequence(adminAddress)).sequence;
    const adminBalance = BigInt((await bank.getBalance(adminAddress, "ubbn")).amount);

    const [a, b] = await within(
      Promise.all([
        first.submitBatch([toInstruction(x)]),
        admin.submitBatch([toInstruction(y), toInstruction(x)]),
      ]),
      20_000,
      "racing batches",
    );
    track(a);
    expect(a).toMatchObject({ kind: "included" });
    expect(b).toMatchObject({
      kind: "rejected",
      stage: "deliver",
      failedIndex: 1,
      error: {
        code: "duplicated_finality_sig",
        codespace: "wasm",
        abciCode: 5,
        message: `Duplicated finality signature for finality provider ${publicKeys.get(FP_NAMES[0] as string)} at height 32`,
      },
    });
    if (b.kind !== "rejected") throw new Error("unreachable");
    expect(b.txHash).toMatch(/^[0-9A-F]{64}$/);
    // The failed tx paid its fee and took a sequence; fp-2's vote in it was dropped with it.
    expect((await bank.getSequence(adminAddress)).sequence).toBe(adminSequence + 1);
    expect(BigInt((await bank.getBalance(adminAddress, "ubbn")).amount)).toBeLessThan(adminBalance);
    expect(await voterKeys(32)).toEqual(keysOf([FP_NAMES[0] as string]));
  });

  it("not seen before the timeout: unknown with the hash; the tx lands later and resending reports the duplicates", async () => {
    const impatient = await createRelayer(relayerOptions("relayer", { broadcastTimeoutMs: 0 }));
    const items = await votes([33]);
    const outcome = await impatient.submitBatch(items.map(toInstruction));
    expect(outcome).toMatchObject({ kind: "unknown", txHash: expect.stringMatching(/^[0-9A-F]{64}$/) });
    if (outcome.kind !== "unknown") throw new Error("unreachable");
    // What the caller must do: look the hash up before resending.
    let landed: Awaited<ReturnType<StargateClient["getTx"]>> = null;
    const deadline = Date.now() + 5_000;
    while (!landed && Date.now() < deadline) {
      landed = await bank.getTx(outcome.txHash);
      if (!landed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(landed?.code).toBe(0);
    relayerTxs.add(outcome.txHash);
    // Resending anyway doubles nothing: the contract refuses each vote as a duplicate.
    const again = await submitWithBisection(items, toInstruction, submit);
    expect(again.map((o) => (o.status === "failed" ? o.error.code : o.status))).toEqual(
      Array(items.length).fill("duplicated_finality_sig"),
    );
    expect(await voterKeys(33)).toEqual(keysOf(FP_NAMES));
    expect((await relayerState()).sequence).toBe(relayerTxs.size);
  });

  it("the gas cap: a batch above maxGasPerTx is too_large and bisection lands it in parts under the cap", async () => {
    const heights = Array.from({ length: 20 }, (_, i) => 40 + i);
    const items = await votes(heights);
    const callsBefore = submitCalls.length;
    const t0 = performance.now();
    const outcomes = await submitWithBisection(items, toInstruction, submit);
    measured.eightyVotesMs = Math.round(performance.now() - t0);
    const calls = submitCalls.slice(callsBefore);
    expect(outcomes.every((o) => o.status === "submitted")).toBe(true);
    const included = calls.filter((c) => c.kind === "included");
    measured.eightyVotes = calls.map((c) =>
      c.kind === "included" ? `${c.messages} msgs/${c.gasWanted} gas` : `${c.kind}`,
    );
    expect(included.length).toBeGreaterThan(1);
    for (const c of included) expect(c.gasWanted).toBeLessThanOrEqual(10_000_000);
    expect(included.reduce((sum, c) => sum + c.messages, 0)).toBe(items.length);
    const perVote = Math.max(...included.map((c) => c.gasUsed / c.messages));
    measured.votesPerTxUnderCap = Math.floor(10_000_000 / (perVote * 1.3));
    for (const height of heights) expect(await voterKeys(height)).toEqual(keysOf(FP_NAMES));

    // A relayer with a small cap says so instead of sending.
    const small = await createRelayer(relayerOptions("relayer", { maxGasPerTx: 300_000 }));
    const tooLarge = await small.submitBatch((await votes([60])).map(toInstruction));
    expect(tooLarge).toMatchObject({ kind: "too_large", maxGasPerTx: 300_000, messages: FP_NAMES.length });
  });

  it("chain down: RelayerUnavailableError fast; after a restart from the data dir the same items land, none doubled", async () => {
    const landedBefore = await votes([70]);
    expect(await submit(landedBefore.map(toInstruction))).toMatchObject({ kind: "included" });
    const pending = await votes([71]);
    const all = [...landedBefore, ...pending];

    await chain.stop();
    const t0 = performance.now();
    const error = await relayer.submitBatch(all.map(toInstruction)).catch((caught: unknown) => caught);
    measured.unavailableAfterMs = Math.round(performance.now() - t0);
    expect(error).toBeInstanceOf(RelayerUnavailableError);
    expect(error).toMatchObject({ code: "upstream_unavailable", upstream: "babylon" });
    expect(performance.now() - t0).toBeLessThan(3_000);
    // Bisection does not throw: every item is to be retried.
    const down = await submitWithBisection(all, toInstruction, submit);
    expect(down.every((o: ItemOutcome) => o.status === "retry")).toBe(true);

    chain = await startChain();
    expect(chain.resumed).toBe(true);
    const outcomes = await submitWithBisection(all, toInstruction, submit);
    // The votes that had landed are refused as duplicates (success for the caller); the others land together.
    for (const [i, outcome] of outcomes.entries()) {
      if (i < landedBefore.length) {
        expect(outcome).toMatchObject({ status: "failed", error: { code: "duplicated_finality_sig" } });
      } else {
        expect(outcome).toMatchObject({ status: "submitted" });
      }
    }
    expect(new Set(outcomes.flatMap((o) => (o.status === "submitted" ? [o.txHash] : []))).size).toBe(1);
    expect(await voterKeys(70)).toEqual(keysOf(FP_NAMES));
    expect(await voterKeys(71)).toEqual(keysOf(FP_NAMES));
    expect((await relayerState()).sequence).toBe(relayerTxs.size);
  });
});
