/**
 * @module A minimal Node-side finality-provider voter for the devnet: for some of the genesis FPs, commits
 * public randomness and submits finality votes on L2 blocks to the finality contract through the real CosmJS
 * signing client (one `SigningCosmWasmClient` per FP, fixed fees, so nothing is simulated first).
 *
 * Devnet only: the genesis mnemonics and BTC keys are public test material. The later FP fleet builds on this.
 */
import { QueryClientImpl as CheckpointingQuery } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/query";
import { QueryClientImpl as EpochingQuery } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/epoching/v1/query";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, createProtobufRpcClient, GasPrice, QueryClient, type StdFee } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { createFinalityQueryClient } from "../../src/babylon/index.ts";
import { hexToBytes } from "../../src/crypto/index.ts";
import { createL2Client, getBlockRef, type Hex } from "../../src/l2/index.ts";
import {
  createFinalityProviderSigner,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
  type FinalityProviderSigner,
  type FinalityProviderSignerOptions,
} from "../../src/provider/index.ts";
import type { DevnetGenesis } from "../babylon/genesis.ts";

export type VoterOptions = {
  babylonRpcUrl: string;
  contractAddress: string;
  /** The Babylon chain id (part of the signing contexts). */
  chainId: string;
  genesis: DevnetGenesis;
  /** The L2's EVM JSON-RPC URL (block hashes for votes given by height only). */
  l2RpcUrl: string;
  /** Genesis account names of the FPs to run (`fp-1`, …). */
  fps: string[];
  /** Gas per message (fixed fee); default 2,000,000. */
  gas?: number;
};

export type Hex32 = Hex;

/** The result of one vote or commit tx. */
export type TxOutcome = { fp: string; height: number; transactionHash: string };

export type Voters = {
  /** The FPs' x-only BTC public keys (lower-case hex), by account name. */
  readonly publicKeys: Readonly<Record<string, string>>;
  /** Commits randomness for heights `start … start + (num − 1)·interval` for every FP (one tx each). */
  commit(start: number, num: number): Promise<TxOutcome[]>;
  /**
   * Waits (bounded) until the Babylon epoch of every commit made so far is finalized, so votes against
   * those commits are accepted.
   */
  waitCommitsUsable(timeoutMs?: number): Promise<void>;
  /** Votes on L2 block `height` (hash read from the L2 unless given) with all FPs or `fpsSubset`. */
  voteOn(height: number, hash?: Hex32, fpsSubset?: string[]): Promise<TxOutcome[]>;
  /** Votes on several L2 blocks (hashes read from the L2): one multi-message tx per FP (keep it ≤ ~10 blocks). */
  voteMany(heights: number[], fpsSubset?: string[]): Promise<TxOutcome[]>;
  /**
   * Signs and submits a SECOND vote of `fp` at `height` for `hash` (a conflicting block): deliberate
   * equivocation, which gets the FP slashed. Uses a fresh double-sign guard, so the FP's own guard stays intact.
   */
  equivocate(fp: string, height: number, hash: Hex32): Promise<TxOutcome>;
  /** The L2 block hash at `height`. */
  blockHash(height: number): Promise<Hex32>;
  stop(): void;
};

type Fp = {
  name: string;
  address: string;
  client: SigningCosmWasmClient;
  signer: FinalityProviderSigner;
  signerOptions: FinalityProviderSignerOptions;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startVoters(options: VoterOptions): Promise<Voters> {
  const { babylonRpcUrl, contractAddress, chainId, genesis, l2RpcUrl } = options;
  const queries = createFinalityQueryClient(babylonRpcUrl, contractAddress, { timeoutMs: 10_000 });
  const config = await queries.config();
  const gasPrice = GasPrice.fromString(`${genesis.minGasPriceUbbn}ubbn`);
  const gasPerMsg = options.gas ?? 2_000_000;
  const fee: StdFee = calculateFee(gasPerMsg, gasPrice);

  const comet = await Comet38Client.connect(babylonRpcUrl);
  const rpc = createProtobufRpcClient(new QueryClient(comet));
  const epoching = new EpochingQuery(rpc);
  const checkpointing = new CheckpointingQuery(rpc);

  const fps = new Map<string, Fp>();
  for (const name of options.fps) {
    const account = genesis.accounts.find((a) => a.name === name);
    const fp = genesis.consumers
      .flatMap((c) => c.finalityProviders)
      .find((candidate) => candidate.account === name);
    if (!account || !fp) throw new Error(`genesis has no finality provider account ${name}`);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(account.mnemonic, { prefix: "bbn" });
    const [first] = await wallet.getAccounts();
    if (!first) throw new Error(`no key for ${name}`);
    const client = await SigningCosmWasmClient.connectWithSigner(babylonRpcUrl, wallet, {
      gasPrice,
      broadcastPollIntervalMs: 50,
      broadcastTimeoutMs: 20_000,
    });
    const signerOptions: FinalityProviderSignerOptions = {
      secretKey: hexToBytes(fp.btcSecretKeyHex),
      bsnId: config.bsn_id,
      babylonChainId: chainId,
      contractAddress,
      bsnActivationHeight: config.bsn_activation_height,
      finalitySignatureInterval: config.finality_signature_interval,
      // Shared with `equivocate`'s second signer, which needs the committed proofs.
      proofStore: createMemoryProofStore(),
    };
    const signer = createFinalityProviderSigner(signerOptions);
    fps.set(name, { name, address: first.address, client, signer, signerOptions });
  }
  const pick = (names?: string[]): Fp[] =>
    (names ?? [...fps.keys()]).map((name) => {
      const fp = fps.get(name);
      if (!fp) throw new Error(`voter ${name} is not running`);
      return fp;
    });

  // One tx at a time per FP (account sequence); FPs run concurrently.
  const queues = new Map<string, Promise<unknown>>();
  const serial = <T>(fp: Fp, run: () => Promise<T>): Promise<T> => {
    const next = (queues.get(fp.name) ?? Promise.resolve()).then(run, run);
    queues.set(
      fp.name,
      next.catch(() => {}),
    );
    return next;
  };
  const send = (fp: Fp, msg: object): Promise<TxOutcome> =>
    serial(fp, async () => {
      const result = await fp.client.execute(fp.address, contractAddress, msg, fee);
      return { fp: fp.name, height: result.height, transactionHash: result.transactionHash };
    });

  let commitEpoch = 0;

  const l2 = createL2Client(l2RpcUrl);
  const blockHash = async (height: number): Promise<Hex32> => (await getBlockRef(l2, BigInt(height))).hash;

  return {
    publicKeys: Object.fromEntries([...fps.values()].map((fp) => [fp.name, fp.signer.publicKeyHex])),
    async commit(start, num) {
      const outcomes = await Promise.all(
        pick().map(async (fp) => {
          const { msg } = await fp.signer.commitPublicRandomness({ startHeight: start, numPubRand: num });
          return send(fp, msg);
        }),
      );
      // The epoch now current is at least the epoch of every commit just included.
      const { currentEpoch } = await epoching.CurrentEpoch({});
      commitEpoch = Math.max(commitEpoch, Number(currentEpoch));
      return outcomes;
    },
    async waitCommitsUsable(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          const { status } = await checkpointing.EpochStatus({ epochNum: commitEpoch });
          if (status === 4) return; // CKPT_STATUS_FINALIZED
        } catch {
          // No checkpoint for the epoch yet.
        }
        if (Date.now() > deadline)
          throw new Error(`epoch ${commitEpoch} not finalized after ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async voteOn(height, hash, fpsSubset) {
      const blockHashHex = hash ?? (await blockHash(height));
      return Promise.all(
        pick(fpsSubset).map(async (fp) => {
          const msg = await fp.signer.submitFinalitySignature({ height, blockHash: blockHashHex });
          return send(fp, msg);
        }),
      );
    },
    async voteMany(heights, fpsSubset) {
      const hashes = await Promise.all(heights.map(blockHash));
      return Promise.all(
        pick(fpsSubset).map(async (fp) => {
          const msgs: { contractAddress: string; msg: object }[] = [];
          for (const [i, height] of heights.entries()) {
            const msg = await fp.signer.submitFinalitySignature({ height, blockHash: hashes[i] as Hex32 });
            msgs.push({ contractAddress, msg });
          }
          return serial(fp, async () => {
            // The first message pays the fixed gas, each further one 500k; the emulator caps a tx at 10M.
            const batchGas = Math.min(10_000_000, gasPerMsg + 500_000 * (msgs.length - 1));
            const batchFee = calculateFee(batchGas, gasPrice);
            const result = await fp.client.executeMultiple(fp.address, msgs, batchFee);
            return { fp: fp.name, height: result.height, transactionHash: result.transactionHash };
          });
        }),
      );
    },
    async equivocate(name, height, hash) {
      const [fp] = pick([name]);
      if (!fp) throw new Error(`voter ${name} is not running`);
      const rogue = createFinalityProviderSigner({
        ...fp.signerOptions,
        doubleSignGuard: createMemoryDoubleSignGuard(),
      });
      return send(fp, await rogue.submitFinalitySignature({ height, blockHash: hash }));
    },
    blockHash,
    stop() {
      for (const fp of fps.values()) fp.client.disconnect();
      comet.disconnect();
    },
  };
}
