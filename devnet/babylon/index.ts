/**
 * @module The Babylon devnet emulator, in-process: a CometBFT 0.38 RPC in front of an SDK-like chain
 * (auth, bank, the Babylon modules and wasm with one finality contract per genesis consumer).
 * Used by the tests and by `main.ts` (`npm run devnet:babylon`). Devnet only.
 */
import {
  type ChainCore,
  type ChainServiceOptions,
  type DevnetAccount,
  deriveAccounts,
  startChainCore,
} from "./chain/start.ts";
import type { ChainTiming, DevnetGenesis } from "./genesis.ts";
import { DEFAULT_CHAIN_TIMING, loadGenesis } from "./genesis-load.ts";
import { createBabylonModules } from "./modules/babylon/index.ts";
import { createWasmModule } from "./modules/wasm/index.ts";

export type { DevnetAccount } from "./chain/start.ts";

export type StartBabylonChainOptions = ChainServiceOptions & {
  /** Default: `loadGenesis()` (the bundled genesis, or `BABYLON_GENESIS`). */
  genesis?: DevnetGenesis;
  /** Overrides of the default timing (1 s blocks, 10 s BTC blocks, 10-block epochs, finality 5 blocks later). */
  timing?: Partial<ChainTiming>;
};

export type BabylonChain = {
  /** `http://host:port` of the CometBFT RPC. */
  rpcUrl: string;
  chainId: string;
  /** The finality contract of each consumer, in genesis order. */
  contracts: Array<{ bsnId: string; address: string }>;
  /** The genesis accounts with their addresses (devnet mnemonics: never use them elsewhere). */
  accounts: DevnetAccount[];
  timing: ChainTiming;
  /** Whether the chain resumed from `dataDir`. */
  resumed: boolean;
  height(): number;
  /** Resolves once the block at `height` is committed. */
  waitForHeight(height: number): Promise<void>;
  /** Stops the RPC and block production, and writes the snapshot (with a data dir). */
  stop(): Promise<void>;
  /** The chain core, for tests that need to look inside. */
  core: ChainCore;
};

export async function startBabylonChain(options: StartBabylonChainOptions = {}): Promise<BabylonChain> {
  const { genesis: givenGenesis, timing: timingOverrides, ...service } = options;
  const genesis = givenGenesis ?? loadGenesis();
  const timing: ChainTiming = { ...DEFAULT_CHAIN_TIMING, ...timingOverrides };
  const accounts = await deriveAccounts(genesis);
  const byName = new Map(accounts.map((account) => [account.name, account.address]));
  const addressOf = (name: string): string => {
    const address = byName.get(name);
    if (address === undefined) throw new Error(`genesis has no account named ${name}`);
    return address;
  };
  const babylon = createBabylonModules({ genesis, timing, addressOf });
  const wasm = createWasmModule({ genesis, host: babylon.host, addressOf });
  const core = await startChainCore({
    ...service,
    genesis,
    blockMs: timing.blockMs,
    accounts,
    modules: [...babylon.modules, wasm.module],
    genesisSteps: [(ctx) => babylon.initGenesis(ctx), (ctx) => wasm.initGenesis(ctx)],
  });
  return {
    rpcUrl: core.rpcUrl,
    chainId: core.chainId,
    contracts: wasm.contracts,
    accounts,
    timing,
    resumed: core.resumed,
    height: core.height,
    waitForHeight: core.waitForHeight,
    stop: core.stop,
    core,
  };
}
