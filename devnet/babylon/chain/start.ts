/**
 * @module Starts the chain core in-process: derives the genesis accounts, builds the app with the
 * given modules, resumes from the data dir's snapshot or runs genesis, produces blocks on a timer
 * and serves the CometBFT RPC. `startBabylonChain` (../index.ts) wires the Babylon modules into it.
 */
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { utf8ToBytes } from "../../../src/crypto/index.ts";
import type { DevnetGenesis } from "../genesis.ts";
import { MemoryStore } from "../store/kv-store.ts";
import { ChainApp, type GenesisStep } from "./app.ts";
import { BECH32_PREFIX } from "./auth-bank.ts";
import { sha256, upperHex } from "./encoding.ts";
import type { ChainModule } from "./module.ts";
import { ChainNode } from "./node.ts";
import { type RpcServer, startRpcServer } from "./rpc.ts";

export type DevnetAccount = { name: string; address: string; mnemonic: string };

const derived = new Map<string, string>();

/** The account of a mnemonic: first secp256k1 key at m/44'/118'/0'/0/0, prefix `bbn` (cached per process). */
export async function addressOfMnemonic(mnemonic: string): Promise<string> {
  const cached = derived.get(mnemonic);
  if (cached) return cached;
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: BECH32_PREFIX });
  const [account] = await wallet.getAccounts();
  if (!account) throw new Error("mnemonic yields no account");
  derived.set(mnemonic, account.address);
  return account.address;
}

export async function deriveAccounts(genesis: DevnetGenesis): Promise<DevnetAccount[]> {
  const accounts: DevnetAccount[] = [];
  for (const account of genesis.accounts) {
    accounts.push({
      name: account.name,
      address: await addressOfMnemonic(account.mnemonic),
      mnemonic: account.mnemonic,
    });
  }
  const seen = new Set<string>();
  for (const account of accounts) {
    if (seen.has(account.name)) throw new Error(`genesis account name ${account.name} appears twice`);
    seen.add(account.name);
  }
  return accounts;
}

/** Where the chain serves its RPC, where it keeps its snapshot, and where it logs. */
export type ChainServiceOptions = {
  /** RPC port; 0 picks a free one. Default 26657. */
  port?: number;
  /** RPC host. Default 127.0.0.1. */
  host?: string;
  /** Snapshot directory: the chain resumes from it and saves to it; nothing is written without one. */
  dataDir?: string;
  /** Snapshot every this many blocks (and always on stop). Default: about every 5 s of blocks. */
  snapshotEveryBlocks?: number;
  /** Diagnostics (module errors, snapshot failures). Default: stderr. */
  log?: (line: string) => void;
};

export type ChainCoreOptions = ChainServiceOptions & {
  genesis: DevnetGenesis;
  blockMs: number;
  accounts: readonly DevnetAccount[];
  modules: readonly ChainModule[];
  /** Module genesis steps, in order, after the core's accounts and balances. */
  genesisSteps: readonly GenesisStep[];
};

export type ChainCore = {
  rpcUrl: string;
  chainId: string;
  node: ChainNode;
  app: ChainApp;
  /** Whether the chain resumed from the data dir's snapshot. */
  resumed: boolean;
  height(): number;
  waitForHeight(height: number): Promise<void>;
  stop(): Promise<void>;
};

export async function startChainCore(options: ChainCoreOptions): Promise<ChainCore> {
  const { genesis } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const genesisTimeMs = Date.parse(genesis.genesisTime);
  if (Number.isNaN(genesisTimeMs)) throw new Error(`genesis time ${genesis.genesisTime} is not ISO 8601`);
  if (!(options.blockMs > 0)) throw new Error(`block time ${options.blockMs} ms must be positive`);
  const app = new ChainApp(
    { chainId: genesis.chainId, minGasPriceUbbn: genesis.minGasPriceUbbn, modules: options.modules, log },
    new MemoryStore(),
  );
  const node = new ChainNode({
    app,
    genesisTime: { ms: genesisTimeMs, nanos: 0 },
    blockMs: options.blockMs,
    genesisHash: upperHex(sha256(utf8ToBytes(JSON.stringify(genesis)))),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.snapshotEveryBlocks ? { snapshotEveryBlocks: options.snapshotEveryBlocks } : {}),
    log,
  });
  const resumed = await node.restore();
  if (!resumed) {
    // A genesis time in the past starts the chain now (BTC headers are scheduled from here on).
    app.initGenesis(
      { ms: Math.max(genesisTimeMs, Date.now()), nanos: 0 },
      options.accounts.map((account, i) => ({
        address: account.address,
        balanceUbbn: BigInt(genesis.accounts[i]?.balanceUbbn ?? "0"),
      })),
      options.genesisSteps,
    );
  }
  node.start();
  let rpc: RpcServer;
  try {
    rpc = await startRpcServer(node, { host: options.host ?? "127.0.0.1", port: options.port ?? 26657 });
  } catch (error) {
    await node.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    rpcUrl: rpc.url,
    chainId: genesis.chainId,
    node,
    app,
    resumed,
    height: () => node.height,
    waitForHeight: (height) => node.waitForHeight(height),
    stop: () => {
      stopping ??= (async () => {
        await rpc.close();
        await node.stop();
      })();
      return stopping;
    },
  };
}
