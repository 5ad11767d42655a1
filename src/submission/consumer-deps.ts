/**
 * @module The queue consumer's real dependencies: one relayer per Babylon endpoint and isolate (it serializes
 * its own transactions), signed with the `RELAYER_MNEMONIC` secret, and on-chain look-ups through the
 * generated contract client.
 */
import { createFinalityQueryClient } from "../babylon/index.ts";
import type { ChainConfig } from "../chains/index.ts";
import { createRelayer, type Relayer } from "../relayer/index.ts";
import type { ConsumerDeps } from "./consume.ts";
import { isOnChain } from "./is-on-chain.ts";

const relayers = new Map<string, Promise<Relayer>>();
const queryClients = new Map<string, ReturnType<typeof createFinalityQueryClient>>();

export const edgeConsumerDeps: ConsumerDeps = {
  relayer(chain: ChainConfig, env: Env) {
    const key = `${chain.babylonRpcUrl} ${chain.babylonChainId}`;
    let relayer = relayers.get(key);
    if (!relayer) {
      relayer = createRelayer({
        rpcUrl: chain.babylonRpcUrl,
        chainId: chain.babylonChainId,
        mnemonic: env.RELAYER_MNEMONIC,
        gasPrice: env.RELAYER_GAS_PRICE,
        gasAdjustment: Number(env.RELAYER_GAS_ADJUSTMENT) || 1.3,
        pollIntervalMs: Number(env.RELAYER_POLL_MS) || 1_000,
      });
      // A failed start (Babylon down) is retried at the next batch, not cached.
      relayer.catch(() => relayers.delete(key));
      relayers.set(key, relayer);
    }
    return relayer;
  },
  isOnChain(chain, item) {
    const key = `${chain.babylonRpcUrl} ${chain.contractAddress}`;
    let client = queryClients.get(key);
    if (!client) {
      client = createFinalityQueryClient(chain.babylonRpcUrl, chain.contractAddress, {
        timeoutMs: chain.timeoutMs,
      });
      queryClients.set(key, client);
    }
    return isOnChain(client, item);
  },
};
