/**
 * @module The queue consumer's real dependencies: a relayer per consumer run, signed with the `RELAYER_MNEMONIC`
 * secret, and on-chain look-ups through the generated contract client.
 *
 * Workers rule: nothing that does I/O is shared between invocations (an invocation's pending subrequests die
 * with it, and a later one waiting on them would hang). Only the derived signing key is kept per isolate: a
 * settled plain object, derived once because BIP-39 derivation costs tens of milliseconds.
 */
import { createFinalityQueryClient } from "../babylon/index.ts";
import type { ChainConfig } from "../chains/index.ts";
import { consumerBook } from "../coordinator/client.ts";
import { createRelayer, createTxSigner, RELAYER_DEFAULTS, type TxSigner } from "../relayer/index.ts";
import type { ConsumerDeps } from "./consume.ts";
import { isOnChain } from "./is-on-chain.ts";

/** The signer of the last mnemonic seen (a changed secret gets a new one). */
let signerMemo: { mnemonic: string; signer: TxSigner } | undefined;

async function relayerSigner(mnemonic: string): Promise<TxSigner> {
  if (signerMemo?.mnemonic === mnemonic) return signerMemo.signer;
  const signer = await createTxSigner(mnemonic, RELAYER_DEFAULTS.prefix);
  signerMemo = { mnemonic, signer };
  return signer;
}

export const edgeConsumerDeps: ConsumerDeps = {
  book: (chain, env) => consumerBook(env, chain.id),
  async relayer(chain: ChainConfig, env: Env) {
    return createRelayer({
      rpcUrl: chain.babylonRpcUrl,
      chainId: chain.babylonChainId,
      mnemonic: env.RELAYER_MNEMONIC,
      signer: await relayerSigner(env.RELAYER_MNEMONIC),
      gasPrice: env.RELAYER_GAS_PRICE,
      gasAdjustment: Number(env.RELAYER_GAS_ADJUSTMENT) || 1.3,
      pollIntervalMs: Number(env.RELAYER_POLL_MS) || 1_000,
    });
  },
  isOnChain(chain, item) {
    const client = createFinalityQueryClient(chain.babylonRpcUrl, chain.contractAddress, {
      timeoutMs: chain.timeoutMs,
    });
    return isOnChain(client, item);
  },
};
