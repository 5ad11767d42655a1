/** @module `createBabylonReaders`: the edge's own Babylon readers, over an RPC node the caller chooses. */
import {
  type BlockVoter,
  BtcTimestampBeforeBaseError,
  type ContractConfig,
  createBabylonRpc,
  createFetchRpcClient,
  createFinalityQueryClient,
  getBlockVoters,
  getBtcHeightAtTimestamp,
  getContractConfig,
  getPowerTable,
  type PowerTable,
} from "../../../src/babylon/index.ts";

/** The Babylon facts the verifier re-reads; each method is one reader of `src/babylon` (the edge's own). */
export type BabylonReaders = {
  /** The finality contract's config (BSN id, activation height, interval). */
  contractConfig(): Promise<ContractConfig>;
  /** The contract's `block_voters{height, hash_hex}` (`[]` when nobody voted). */
  blockVoters(height: bigint, hash: string): Promise<BlockVoter[]>;
  /**
   * The BTC height of an L2 timestamp: the highest light-client header at or before it, clamped to the tip.
   * `beforeBase`: older than the light client's base header, where the edge counts no power (height base − 1).
   */
  btcHeightAt(timestamp: bigint): Promise<{ height: bigint; clamped: boolean; beforeBase: boolean }>;
  /** The BSN's power table at a BTC height, from current Babylon state (slashed FPs at 0). */
  powerTable(bsnId: string, btcHeight: bigint): Promise<PowerTable>;
};

export type BabylonReadersOptions = {
  readonly babylonRpcUrl: string;
  readonly contractAddress: string;
  readonly fetch?: typeof fetch | undefined;
  readonly timeoutMs?: number | undefined;
};

/**
 * Readers over one CometBFT 0.38 RPC, every call a JSON-RPC POST through `fetch` (the caller's, else the global
 * one; runs in browsers, Workers and Node), shared by the edge's own Babylon RPC and contract client
 * (`createBabylonRpc`, `createFinalityQueryClient`) and read with the edge's readers (`getBlockVoters`,
 * `getBtcHeightAtTimestamp`, `getPowerTable`, `getContractConfig`). Sends nothing until a method is called; holds
 * no connection.
 */
export function createBabylonReaders(options: BabylonReadersOptions): BabylonReaders {
  const rpcClient = createFetchRpcClient(options.babylonRpcUrl, {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const rpc = createBabylonRpc(options.babylonRpcUrl, { rpcClient });
  const contract = createFinalityQueryClient(options.babylonRpcUrl, options.contractAddress, { rpcClient });
  return {
    contractConfig: () => getContractConfig(contract),
    blockVoters: (height, hash) => getBlockVoters(contract, { height: Number(height), hash }),
    async btcHeightAt(timestamp) {
      try {
        const { height, clamped } = await getBtcHeightAtTimestamp(rpc, Number(timestamp));
        return { height: BigInt(height), clamped, beforeBase: false };
      } catch (error) {
        // As the edge does (src/finality/sources.ts): before the base header Babylon attests no stake.
        if (error instanceof BtcTimestampBeforeBaseError)
          return { height: BigInt(error.baseHeight) - 1n, clamped: false, beforeBase: true };
        throw error;
      }
    },
    powerTable: (bsnId, btcHeight) => getPowerTable(rpc, { bsnId, btcHeight: Number(btcHeight) }),
  };
}
