/**
 * @module The whole local stack, supervised: the Babylon emulator (two BSNs), two anvil L2s, the Worker under
 * `wrangler dev` (local KV and Queues, `/__scheduled` fired on a period), and one `finality-edge-fp` daemon per FP voting
 * through the Worker's REST API. Every process listens on 127.0.0.1 and is stopped by its pid or process group.
 * State lives under one data directory, so a restart resumes; logs go to `<dataDir>/logs/`.
 */
import { createWriteStream, mkdirSync, rmSync, type WriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  checkPortsFree,
  type EmulatorContract,
  freePort,
  l2Rpc,
  type Running,
  startAnvil,
  startBabylonEmulator,
} from "../processes.ts";
import { startWranglerDev, type WranglerDev } from "../wrangler-dev.ts";
import { type FpDaemons, startFpDaemons } from "./fp-daemons.ts";
import { type GadgetAdapterInfo, startGadgetAdapters } from "./gadget-adapters.ts";
import { type Scenario, type StackOptions, stackPortChecks } from "./options.ts";
import { STACK_GENESIS_PATH, stackGenesis } from "./stack-genesis.ts";

export type StackChain = {
  /** The edge's chain id (equal to the BSN id). */
  id: string;
  bsnId: string;
  contractAddress: string;
  l2RpcUrl: string;
  /** anvil chain id. */
  evmChainId: number;
};

/** A restartable process: stop it (e.g. to see the edge fail closed), start it again on the same port and state. */
export type Restartable = { stop(): Promise<void>; start(): Promise<void>; readonly running: boolean };

export type Stack = {
  urls: { edge: string; dashboard: string; docs: string; babylon: string; l2: Record<string, string> };
  babylonChainId: string;
  chains: StackChain[];
  /** One `finality-edge-fp` daemon per devnet FP. */
  fps: FpDaemons;
  /** One `finality-edge-gadget` per chain: gRPC and HTTP addresses. */
  gadgets: GadgetAdapterInfo[];
  babylon: Restartable;
  l2: Map<string, Restartable>;
  /** Milliseconds from the call to startStack until every component answered. */
  startupMs: number;
  stop(): Promise<void>;
};

const EVM_CHAIN_IDS = [31_337, 31_338];
/** FPs vote on a block once two more are on top: a `--reorg` of depth ≤ 2 drops only unvoted blocks. */
export const FP_CONFIRMATIONS = 2;
/** Heights per randomness commit in the stack, and the margin ahead of the head that triggers the next one. */
export const FP_COMMIT_SIZE = 300;
export const FP_COMMIT_MARGIN = 100;

function restartable(start: () => Promise<Running>): Restartable & { first(): Promise<Running> } {
  let current: Running | undefined;
  return {
    get running() {
      return current !== undefined;
    },
    async first() {
      current = await start();
      return current;
    },
    async start() {
      if (!current) current = await start();
    },
    async stop() {
      const running = current;
      current = undefined;
      await running?.stop();
    },
  };
}

export async function startStack(
  options: StackOptions,
  log: (line: string) => void = () => {},
  /**
   * Aborted during start-up (Ctrl-C): the process starting now is stopped at once, then whatever started before;
   * the call rejects once every process is gone.
   */
  signal?: AbortSignal,
): Promise<Stack> {
  const started = Date.now();
  const checkpoint = () => {
    if (signal?.aborted) throw new Error("stopped during start-up");
  };
  // Every configured port is checked before anything starts: a server already there is never taken for ours.
  await checkPortsFree(stackPortChecks(options));
  checkpoint();
  if (options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(join(options.dataDir, "logs"), { recursive: true });
  const logs: WriteStream[] = [];
  const logTo = (name: string) => {
    const stream = createWriteStream(join(options.dataDir, "logs", `${name}.log`), { flags: "a" });
    logs.push(stream);
    return (chunk: string) => void stream.write(chunk);
  };
  const cleanups: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`stop: ${error instanceof Error ? error.message : error}`);
      }
    }
    await Promise.all(logs.map((s) => new Promise((resolve) => s.end(resolve))));
  };

  try {
    const genesis = stackGenesis();
    const relayer = genesis.accounts.find((a) => a.name === "relayer");
    if (!relayer) throw new Error("stack genesis has no relayer account");
    const port = async (p: number) => (p === 0 ? freePort() : p);
    const ports = {
      babylon: await port(options.ports.babylon),
      edge: await port(options.ports.edge),
      l2: [await port(options.ports.l2a), await port(options.ports.l2b)],
    };
    const { timing } = options;

    let contracts: EmulatorContract[] = [];
    let babylonChainId = "";
    const babylon = restartable(async () => {
      const running = await startBabylonEmulator(
        {
          BABYLON_GENESIS: STACK_GENESIS_PATH,
          BABYLON_DATA_DIR: join(options.dataDir, "babylon"),
          BABYLON_BLOCK_MS: String(timing.babylonBlockMs),
          BTC_BLOCK_MS: String(timing.btcBlockMs),
          EPOCH_BLOCKS: String(timing.epochBlocks),
          FINALIZE_DELAY: String(timing.finalizeDelay),
        },
        { port: ports.babylon, log: logTo("babylon"), signal },
      );
      contracts = running.contracts;
      babylonChainId = running.chainId;
      return running;
    });
    const consumers = genesis.consumers;
    const l2 = new Map<string, Restartable & { first(): Promise<Running> }>();
    consumers.forEach((consumer, i) => {
      l2.set(
        consumer.bsnId,
        restartable(() =>
          startAnvil(0, {
            port: ports.l2[i] as number,
            blockTime: timing.l2BlockSeconds,
            statePath: join(options.dataDir, `l2-${consumer.bsnId}.json`),
            chainId: EVM_CHAIN_IDS[i] as number,
            log: logTo(`l2-${consumer.bsnId}`),
            signal,
          }),
        ),
      );
    });
    cleanups.push(() => babylon.stop());
    for (const node of l2.values()) cleanups.push(() => node.stop());
    log("starting the Babylon emulator and the L2 nodes …");
    // Settled, not raced: when one fails the others have started (and are stopped below) or stopped themselves.
    const settled = await Promise.allSettled([
      babylon.first(),
      ...[...l2.values()].map((node) => node.first()),
    ]);
    checkpoint();
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const [babylonRunning, ...l2Running] = settled.map((s) => (s as PromiseFulfilledResult<Running>).value);

    const chains: StackChain[] = consumers.map((consumer, i) => {
      const contract = contracts.find((c) => c.bsnId === consumer.bsnId);
      if (!contract) throw new Error(`the emulator has no contract for ${consumer.bsnId}`);
      return {
        id: consumer.bsnId,
        bsnId: consumer.bsnId,
        contractAddress: contract.address,
        l2RpcUrl: (l2Running[i] as Running).url,
        evmChainId: EVM_CHAIN_IDS[i] as number,
      };
    });
    const chainsVar = JSON.stringify(
      chains.map((c) => ({
        id: c.id,
        l2RpcUrl: c.l2RpcUrl,
        babylonRpcUrl: babylonRunning?.url,
        babylonChainId,
        contractAddress: c.contractAddress,
        timeoutMs: 5_000,
      })),
    );

    log("starting the Worker (wrangler dev) …");
    // The relayer secret as wrangler dev reads secrets (the devnet genesis's public relayer account).
    const envFile = join(options.dataDir, "worker.env");
    writeFileSync(envFile, `RELAYER_MNEMONIC="${relayer.mnemonic}"\n`, { mode: 0o600 });
    const wrangler: WranglerDev = await startWranglerDev({
      port: ports.edge,
      persistTo: join(options.dataDir, "wrangler"),
      envFile,
      // A local queue forgets its messages when wrangler restarts: re-send unsettled submissions soon.
      // The emulator makes blocks in well under a second: look for the relayer's tx more often too.
      // Webhooks may target loopback receivers here (development only).
      vars: {
        CHAINS: chainsVar,
        REQUEUE_AFTER_SECONDS: "15",
        RELAYER_POLL_MS: "200",
        COORDINATOR_TICK_MS: "1000",
        WEBHOOK_ALLOW_LOOPBACK: "true",
        // Votes land within a second or two here: record a grid height in the history soon after it is finalized.
        HISTORY_SETTLE_SECONDS: "5",
      },
      testScheduled: true,
      readyTimeoutMs: 90_000,
      log: logTo("wrangler"),
      signal,
    });
    cleanups.push(() => wrangler.stop());
    checkpoint();

    // The cron trigger, a safety net, on the stack's own period (wrangler dev does not fire crons by itself);
    // 0 = none: the coordinators' alarms and the landed votes move the tips.
    let ticking = false;
    const cron = setInterval(() => {
      if (timing.cronSeconds === 0) return;
      if (ticking) return;
      ticking = true;
      fetch(`${wrangler.url}/__scheduled?cron=*+*+*+*+*`)
        .catch(() => undefined)
        .finally(() => {
          ticking = false;
        });
    }, Math.max(1, timing.cronSeconds) * 1000);
    cleanups.push(() => clearInterval(cron));

    log("starting the FP daemons …");
    const fps = await startFpDaemons({
      dataDir: options.dataDir,
      edgeUrl: wrangler.url,
      babylonRpcUrl: babylonRunning?.url ?? "",
      babylonChainId,
      chains: chains.map((c) => ({ id: c.id, contractAddress: c.contractAddress, l2RpcUrl: c.l2RpcUrl })),
      fps: consumers.flatMap((consumer) =>
        consumer.finalityProviders.map((fp) => ({
          chain: consumer.bsnId,
          fp: fp.account,
          btcSecretKeyHex: fp.btcSecretKeyHex,
        })),
      ),
      confirmations: FP_CONFIRMATIONS,
      commitSize: FP_COMMIT_SIZE,
      commitMargin: FP_COMMIT_MARGIN,
      log: (line) => log(`fp ${line}`),
    });
    cleanups.push(() => fps.stop());
    checkpoint();

    log("starting the gadget adapters (op-node's finality gadget interface) …");
    const gadgets = await startGadgetAdapters({
      edgeUrl: wrangler.url,
      chains,
      grpcPort: options.ports.gadgetGrpc,
      httpPort: options.ports.gadgetHttp,
      log: (chain) => logTo(`gadget-${chain}`),
    });
    cleanups.push(() => gadgets.stop());
    checkpoint();

    const timers = options.scenarios.map((s) => setTimeout(() => void runScenario(s), s.atSec * 1000));
    cleanups.push(() => timers.forEach(clearTimeout));
    const runScenario = async (s: Scenario) => {
      try {
        if (s.kind === "offline") {
          log(`scenario: ${s.chain} ${s.fp} goes offline for ${s.forSec} s`);
          await fps.setOnline(s.chain, s.fp, false);
          timers.push(
            setTimeout(() => {
              log(`scenario: ${s.chain} ${s.fp} is back online`);
              void fps.setOnline(s.chain, s.fp, true);
            }, s.forSec * 1000),
          );
        } else if (s.kind === "equivocate") {
          const done = await fps.equivocateOnce(s.chain, s.fp);
          log(`scenario: ${s.chain} ${s.fp} equivocated at height ${done.height}`);
        } else {
          const url = chains.find((c) => c.id === s.chain)?.l2RpcUrl;
          if (!url) throw new Error(`no chain ${s.chain}`);
          await l2Reorg(url, s.depth);
          log(`scenario: ${s.chain} reorged its last ${s.depth} blocks`);
        }
      } catch (error) {
        log(`scenario ${s.kind} failed: ${error instanceof Error ? error.message : error}`);
      }
    };

    return {
      urls: {
        edge: wrangler.url,
        dashboard: `${wrangler.url}/`,
        docs: `${wrangler.url}/docs`,
        babylon: babylonRunning?.url ?? "",
        l2: Object.fromEntries(chains.map((c) => [c.id, c.l2RpcUrl])),
      },
      babylonChainId,
      chains,
      fps,
      gadgets: gadgets.adapters,
      babylon,
      l2,
      startupMs: Date.now() - started,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export { l2Rpc };

/** `anvil_reorg`: replaces the last `depth` blocks with as many new, empty ones. */
export async function l2Reorg(url: string, depth: number): Promise<void> {
  await l2Rpc(url, "anvil_reorg", [depth, []]);
}
