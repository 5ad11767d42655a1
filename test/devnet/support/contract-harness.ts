/**
 * @module End-to-end harness for the finality contract on the Babylon emulator: starts a chain on an
 * ephemeral port, connects finality providers through the real CosmJS signing client and the
 * generated contract query client, reads Babylon's own state through the babylon-proto-ts query
 * clients over the CometBFT RPC, and reads a failed tx's height, code and raw log from CosmJS's error.
 * Every wait is bounded. Devnet only: the genesis keys are public test material.
 */

import { QueryClientImpl as BtcStakingQuery } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import { QueryClientImpl as CheckpointingQuery } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/checkpointing/v1/query";
import { QueryClientImpl as FinalityModuleQuery } from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/finality/v1/query";
import type { MsgExecuteContractEncodeObject } from "@cosmjs/cosmwasm-stargate";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { toUtf8 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, createProtobufRpcClient, GasPrice, QueryClient, type StdFee } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { sha256 } from "@noble/hashes/sha2.js";
import { MsgExecuteContract } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import type { DevnetGenesis, GenesisFinalityProvider } from "../../../devnet/babylon/genesis.ts";
import { type BabylonChain, type DevnetAccount, startBabylonChain } from "../../../devnet/babylon/index.ts";
import type { Config, FinalityQueryClient } from "../../../src/babylon/index.ts";
import { createFinalityQueryClient } from "../../../src/babylon/index.ts";
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  hexToBytes,
  innerHash,
  utf8ToBytes,
  xOnlyPublicKey,
} from "../../../src/crypto/index.ts";
import {
  createFinalityProviderSigner,
  type FinalityProviderSigner,
  type FinalityProviderSignerOptions,
  type SubmitFinalitySignatureExecuteMsg,
} from "../../../src/provider/index.ts";

/** 100 ms blocks, 5-block epochs; an epoch finalizes 6 blocks after its last block. */
export const FAST_TIMING = { blockMs: 100, btcBlockMs: 1000, epochBlocks: 5, finalizeDelay: 6 } as const;

/** Gas for a refused tx: a fixed fee, so CosmJS sends it without simulating first. */
export const FIXED_GAS = 2_000_000;

export const WASMD_FAILURE = (text: string): string =>
  `failed to execute message; message index: 0: ${text}: execute wasm contract failed`;

/** Rejects if `promise` does not settle within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startTestChain(genesis: DevnetGenesis): Promise<BabylonChain> {
  return startBabylonChain({ genesis, port: 0, timing: { ...FAST_TIMING }, log: () => {} });
}

/** Waits for block `height`, bounded by the blocks still to come (×10 for a loaded machine) plus 5 s. */
export async function waitForHeight(chain: BabylonChain, height: number): Promise<void> {
  const blocks = Math.max(0, height - chain.height());
  await within(chain.waitForHeight(height), 5_000 + 10 * blocks * chain.timing.blockMs, `height ${height}`);
}

/** Epoch e ≥ 1 spans Babylon blocks (e−1)·E+1 … e·E and is finalized from block e·E + D on. */
export function epochFinalizedAt(chain: BabylonChain, epoch: number): number {
  return epoch * chain.timing.epochBlocks + chain.timing.finalizeDelay;
}

/** The last finalized epoch as a tx included at Babylon `height` sees it (0: none yet). */
export function lastFinalizedEpochAt(chain: BabylonChain, height: number): number {
  const { epochBlocks, finalizeDelay } = chain.timing;
  return Math.max(0, Math.floor((height - finalizeDelay) / epochBlocks));
}

/** `PubRandCommitNotBTCTimestamped` for a vote included at `voteHeight` (contract.md §9.2 step 8). */
export function notTimestampedText(
  chain: BabylonChain,
  fpPubkeyHex: string,
  commitEpoch: number,
  voteHeight: number,
): string {
  const finalized = lastFinalizedEpochAt(chain, voteHeight);
  if (finalized === 0) return "No finalized epoch yet";
  return `The finality provider ${fpPubkeyHex} last committed epoch: ${commitEpoch}, last finalized epoch: ${finalized}`;
}

/** Babylon's gRPC query services over the node's CometBFT RPC (abci_query), via babylon-proto-ts. */
export type BabylonQueries = {
  btcstaking: BtcStakingQuery;
  checkpointing: CheckpointingQuery;
  finality: FinalityModuleQuery;
  disconnect(): void;
};

export async function connectBabylonQueries(rpcUrl: string): Promise<BabylonQueries> {
  const comet = await Comet38Client.connect(rpcUrl);
  const rpc = createProtobufRpcClient(new QueryClient(comet));
  return {
    btcstaking: new BtcStakingQuery(rpc),
    checkpointing: new CheckpointingQuery(rpc),
    finality: new FinalityModuleQuery(rpc),
    disconnect: () => comet.disconnect(),
  };
}

/** Waits (bounded) until `epoch` is finalized, then checks that the chain's checkpoint says so too. */
export async function waitForEpochFinalized(
  chain: BabylonChain,
  babylon: BabylonQueries,
  epoch: number,
): Promise<void> {
  await waitForHeight(chain, epochFinalizedAt(chain, epoch));
  const { status } = await babylon.checkpointing.EpochStatus({ epochNum: epoch });
  // CKPT_STATUS_FINALIZED = 4.
  if (status !== 4) throw new Error(`epoch ${epoch} is not finalized at its finalization height`);
}

/** One Babylon account behind the real signing client. */
export type Account = {
  name: string;
  address: string;
  client: SigningCosmWasmClient;
  sequence(): Promise<number>;
};

export async function connectAccount(
  chain: BabylonChain,
  genesis: DevnetGenesis,
  name: string,
): Promise<Account> {
  const account: DevnetAccount | undefined = chain.accounts.find((a) => a.name === name);
  if (!account) throw new Error(`genesis has no account ${name}`);
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(account.mnemonic, { prefix: "bbn" });
  const client = await SigningCosmWasmClient.connectWithSigner(chain.rpcUrl, wallet, {
    gasPrice: GasPrice.fromString(`${genesis.minGasPriceUbbn}ubbn`),
    broadcastPollIntervalMs: 50,
    broadcastTimeoutMs: 20_000,
  });
  return {
    name,
    address: account.address,
    client,
    sequence: async () => (await client.getSequence(account.address)).sequence,
  };
}

export function fixedFee(genesis: DevnetGenesis): StdFee {
  return calculateFee(FIXED_GAS, GasPrice.fromString(`${genesis.minGasPriceUbbn}ubbn`));
}

/** A finality provider of the genesis, its account, and signers for one contract. */
export type FinalityProvider = Account & {
  fp: GenesisFinalityProvider;
  secretKey: Uint8Array;
  publicKeyHex: string;
  /** The signer the FP uses on `contract` (one proof store, one double-sign guard). */
  signer: FinalityProviderSigner;
  /** A fresh signer for the same key and contract, with its own proof store and guard. */
  newSigner(): FinalityProviderSigner;
};

export async function connectFinalityProvider(
  chain: BabylonChain,
  genesis: DevnetGenesis,
  accountName: string,
  contract: { address: string; bsnId: string; config: Config },
  /** Per-height randomness for every signer of this FP (default: eotsd's derivation). */
  randomness?: FinalityProviderSignerOptions["randomness"],
): Promise<FinalityProvider> {
  const fp = genesis.consumers
    .flatMap((consumer) => consumer.finalityProviders)
    .find((candidate) => candidate.account === accountName);
  if (!fp) throw new Error(`no finality provider owned by ${accountName}`);
  const secretKey = hexToBytes(fp.btcSecretKeyHex);
  const newSigner = () =>
    createFinalityProviderSigner({
      secretKey,
      bsnId: contract.bsnId,
      babylonChainId: chain.chainId,
      contractAddress: contract.address,
      bsnActivationHeight: contract.config.bsn_activation_height,
      finalitySignatureInterval: contract.config.finality_signature_interval,
      ...(randomness === undefined ? {} : { randomness }),
    });
  const account = await connectAccount(chain, genesis, accountName);
  return {
    ...account,
    fp,
    secretKey,
    publicKeyHex: bytesToHex(xOnlyPublicKey(secretKey)),
    signer: newSigner(),
    newSigner,
  };
}

/** The contract of a BSN, its generated query client and its config. */
export type ContractHandle = {
  bsnId: string;
  address: string;
  queries: FinalityQueryClient;
  config: Config;
};

export async function contractOf(chain: BabylonChain, bsnId: string): Promise<ContractHandle> {
  const contract = chain.contracts.find((c) => c.bsnId === bsnId);
  if (!contract) throw new Error(`no finality contract for BSN ${bsnId}`);
  const queries = createFinalityQueryClient(chain.rpcUrl, contract.address, { timeoutMs: 10_000 });
  return { bsnId, address: contract.address, queries, config: await queries.config() };
}

/** What a refused tx left behind: its block, its ABCI code and its raw log. */
export type Refusal = { height: number; code: number; rawLog: string };

const BROADCAST_FAILURE =
  /^Error when broadcasting tx [0-9A-F]+ at height (\d+)\. Code: (\d+); Raw log: ([\s\S]*)$/;

/** Sends `msg` with `SigningCosmWasmClient.execute` and a fixed fee; the tx must fail in DeliverTx. */
export async function executeRefused(
  account: Account,
  contract: string,
  msg: object,
  fee: StdFee,
): Promise<Refusal> {
  let error: unknown;
  try {
    const result = await account.client.execute(account.address, contract, msg, fee);
    throw new Error(`expected the tx to fail, but it succeeded at height ${result.height}`);
  } catch (caught) {
    error = caught;
  }
  const message = error instanceof Error ? error.message : String(error);
  const match = BROADCAST_FAILURE.exec(message);
  if (!match) throw error;
  return { height: Number(match[1]), code: Number(match[2]), rawLog: match[3] ?? "" };
}

/** Simulates `msg` (what `"auto"` fees do first); returns the query failure's message. */
export async function simulateRefused(account: Account, contract: string, msg: object): Promise<string> {
  const execute: MsgExecuteContractEncodeObject = {
    typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
    value: MsgExecuteContract.fromPartial({
      sender: account.address,
      contract,
      msg: toUtf8(JSON.stringify(msg)),
      funds: [],
    }),
  };
  try {
    const gas = await account.client.simulate(account.address, [execute], "");
    throw new Error(`expected the simulation to fail, but it used ${gas} gas`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith("expected the simulation to fail")) throw error;
    return message;
  }
}

/** A deterministic 32-byte value (block hashes, unknown keys). */
export const label32 = (label: string): Uint8Array => sha256(utf8ToBytes(label));

/** A valid x-only key that no genesis FP owns. */
export const outsiderKeyHex = (label: string): string =>
  bytesToHex(xOnlyPublicKey(label32(`outsider/${label}`)));

/**
 * A well-formed vote whose randomness, proof and signature are placeholders: for the rules the
 * contract checks before it looks at them (key, allowlist, schedule, FP lookup, rate limit, commit).
 */
export function placeholderVote(fpPubkeyHex: string, height: number): SubmitFinalitySignatureExecuteMsg {
  return {
    submit_finality_signature: {
      fp_pubkey_hex: fpPubkeyHex,
      height,
      pub_rand: bytesToBase64(label32("placeholder/pub-rand")),
      proof: { total: 1, index: 0, leaf_hash: bytesToBase64(label32("placeholder/leaf")), aunts: [] },
      block_hash: bytesToBase64(label32(`placeholder/block/${height}`)),
      signature: bytesToBase64(label32("placeholder/signature")),
    },
  };
}

/** A deep copy of a vote with its body changed by `edit`. */
export function mutateVote(
  msg: SubmitFinalitySignatureExecuteMsg,
  edit: (body: SubmitFinalitySignatureExecuteMsg["submit_finality_signature"]) => void,
): SubmitFinalitySignatureExecuteMsg {
  const copy = structuredClone(msg);
  edit(copy.submit_finality_signature);
  return copy;
}

/** Integer array of a base64 `Binary`, as the contract's `Vec<u8>` responses carry it. */
export const binaryToInts = (base64: string): number[] => Array.from(base64ToBytes(base64));

/** Rust's `{:?}` of a `Vec<u8>` inside the contract's Merkle errors: `[5A, F9, 3, …]` (upper hex, unpadded). */
export const rustDebugBytes = (bytes: Uint8Array): string =>
  `[${Array.from(bytes, (b) => b.toString(16).toUpperCase()).join(", ")}]`;

/** The largest power of two strictly below `n` (n ≥ 2): the CometBFT tree's split point. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root a proof computes from a leaf hash (contract.md §7), written out independently of src/crypto's verifier. */
export function rootFromAunts(
  leafHashBytes: Uint8Array,
  index: number,
  total: number,
  aunts: Uint8Array[],
): Uint8Array {
  if (total === 1) {
    if (aunts.length !== 0) throw new Error("a single-leaf proof has no aunts");
    return leafHashBytes;
  }
  const last = aunts[aunts.length - 1];
  if (last === undefined) throw new Error("proof too short");
  const rest = aunts.slice(0, -1);
  const k = splitPoint(total);
  return index < k
    ? innerHash(rootFromAunts(leafHashBytes, index, k, rest), last)
    : innerHash(last, rootFromAunts(leafHashBytes, index - k, total - k, rest));
}
