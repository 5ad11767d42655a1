/**
 * @module Builds one FP's voter from its configuration, key and state database: the signer over the store, the
 * configured transport, the L2 follower and the Babylon readers. The CLI's `start` and the tests share it, so what
 * is tested is what runs.
 */
import { createBabylonRpc } from "../src/babylon/index.ts";
import { bytesToHex } from "../src/crypto/index.ts";
import type { DaemonConfig } from "../src/fp-daemon/config.ts";
import { createEligibilityReader, type EligibilityReader } from "../src/fp-daemon/eligibility.ts";
import type { DaemonLog } from "../src/fp-daemon/outbox.ts";
import { createContractReaders, createL2Follower } from "../src/fp-daemon/readers.ts";
import type { FpStore } from "../src/fp-daemon/store.ts";
import { createBabylonTransport } from "../src/fp-daemon/transports/babylon-transport.ts";
import { createEdgeTransport } from "../src/fp-daemon/transports/edge-transport.ts";
import type { Transport } from "../src/fp-daemon/transports/transport.ts";
import { createVoter, type Voter } from "../src/fp-daemon/voter.ts";
import { createFinalityProviderSigner, type EotsKey } from "../src/provider/index.ts";
import { openSqliteStore } from "./store/sqlite-store.ts";

export type AssembleOptions = {
  config: DaemonConfig;
  key: EotsKey;
  /** The FP's Babylon account, for the babylon transport (secret). */
  babylonMnemonic?: string | undefined;
  statePath: string;
  log: DaemonLog;
  /** Replaces the configured transport (tests wrap the real one to watch what is sent). */
  wrapTransport?: (transport: Transport) => Transport;
  /** Replaces the eligibility reader's registration cache period (default 10 s). */
  registrationTtlMs?: number;
  onVoteAccepted?: (height: number, at: number) => void;
};

export type Assembled = {
  voter: Voter;
  store: FpStore;
  transport: Transport;
  eligibility: EligibilityReader;
  btcPkHex: string;
  bsnId: string;
  /** Stops the voter, closes the transport and the database. */
  close(): Promise<void>;
};

export async function assembleDaemon(options: AssembleOptions): Promise<Assembled> {
  const { config, key, log } = options;
  const btcPkHex = bytesToHex(key.publicKey);
  const contract = createContractReaders(config.babylon, btcPkHex);
  const contractConfig = await contract.config();
  const store = openSqliteStore(options.statePath, { publicKeyHex: btcPkHex, bsnId: contractConfig.bsnId });
  try {
    const signer = createFinalityProviderSigner({
      key,
      bsnId: contractConfig.bsnId,
      babylonChainId: config.babylon.chainId,
      contractAddress: config.babylon.contractAddress,
      bsnActivationHeight: contractConfig.activationHeight,
      finalitySignatureInterval: contractConfig.interval,
      proofStore: store.proofs,
      doubleSignGuard: store.guard,
    });
    const configured = await createTransport(config, options.babylonMnemonic);
    const transport = options.wrapTransport ? options.wrapTransport(configured) : configured;
    const rpc = createBabylonRpc(config.babylon.rpcUrl, { timeoutMs: config.babylon.timeoutMs });
    const eligibility = createEligibilityReader(rpc, {
      bsnId: contractConfig.bsnId,
      btcPkHex,
      ...(options.registrationTtlMs === undefined ? {} : { registrationTtlMs: options.registrationTtlMs }),
    });
    const voter = await createVoter({
      signer,
      store,
      transport,
      l2: createL2Follower(config.l2),
      eligibility,
      commits: contract.commits,
      highestVotedOnChain: contract.highestVoted,
      grid: { activation: contractConfig.activationHeight, interval: contractConfig.interval },
      minPubRand: contractConfig.minPubRand,
      config,
      log,
      ...(options.onVoteAccepted ? { onVoteAccepted: options.onVoteAccepted } : {}),
    });
    let closed = false;
    return {
      voter,
      store,
      transport,
      eligibility,
      btcPkHex,
      bsnId: contractConfig.bsnId,
      async close() {
        if (closed) return;
        closed = true;
        await voter.stop();
        await transport.close();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

async function createTransport(config: DaemonConfig, mnemonic: string | undefined): Promise<Transport> {
  if (config.transport === "edge") {
    if (config.edge.url === undefined) throw new Error("edge.url is required for the edge transport");
    return createEdgeTransport({
      url: config.edge.url,
      chain: config.chain,
      timeoutMs: config.edge.timeoutMs,
    });
  }
  if (mnemonic === undefined) throw new Error("the babylon transport needs the FP's Babylon account key");
  return createBabylonTransport({
    rpcUrl: config.babylon.rpcUrl,
    chainId: config.babylon.chainId,
    contractAddress: config.babylon.contractAddress,
    mnemonic,
    gasPrice: config.babylon.gasPrice,
    timeoutMs: config.babylon.timeoutMs,
  });
}
