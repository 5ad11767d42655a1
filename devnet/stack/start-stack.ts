/**
 * @module The whole local stack, supervised: the Babylon emulator (two BSNs), two anvil L2s, the Worker under
 * `wrangler dev` (local KV and Queues, `/__scheduled` fired on a period), and an FP fleet per chain voting
 * through the Worker's REST API. Every process listens on 127.0.0.1 and is stopped by its pid or process group.
 * State lives under one data directory, so a restart resumes; logs go to `<dataDir>/logs/`.
 */
import { createWriteStream, mkdirSync, rmSync, type WriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Fleet, startFleet } from "../fleet/fleet.ts";
import {
  type EmulatorContract,
  freePort,
  type Running,
  startAnvil,
  startBabylonEmulator,
} from "../processes.ts";
import { startWranglerDev, type WranglerDev } from "../wrangler-dev.ts";
import type { Scenario, StackOptions } from "./options.ts";
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
  urls: { edge: string; docs: string; babylon: string; l2: Record<string, string> };
  babylonChainId: string;
  chains: StackChain[];
  fleets: Map<string, Fleet>;
  babylon: Restartable;
  l2: Map<string, Restartable>;
  /** Milliseconds from the call to startStack until every component answered. */
  startupMs: number;
  stop(): Promise<void>;
};

const EVM_CHAIN_IDS = [31_337, 31_338];
/** FPs vote on a block once two more are on top: a `--reorg` of depth ≤ 2 drops only unvoted blocks. */
export const FLEET_CONFIRMATIONS = 2;

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
  /** Aborted during start-up (Ctrl-C): whatever started so far is stopped once the step under way is done. */
  signal?: AbortSignal,
): Promise<Stack> {
  const started = Date.now();
  const checkpoint = () => {
    if (signal?.aborted) throw new Error("stopped during start-up");
  };
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
        { port: ports.babylon, log: logTo("babylon") },
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
          }),
        ),
      );
    });
    cleanups.push(() => babylon.stop());
    for (const node of l2.values()) cleanups.push(() => node.stop());
    log("starting the Babylon emulator and the L2 nodes …");
    const [babylonRunning, ...l2Running] = await Promise.all([
      babylon.first(),
      ...[...l2.values()].map((node) => node.first()),
    ]);
    checkpoint();

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
      vars: { CHAINS: chainsVar, REQUEUE_AFTER_SECONDS: "15", RELAYER_POLL_MS: "200" },
      testScheduled: true,
      readyTimeoutMs: 90_000,
      log: logTo("wrangler"),
    });
    cleanups.push(() => wrangler.stop());
    checkpoint();

    // The cron trigger, on the stack's own period (wrangler dev does not fire crons by itself).
    let ticking = false;
    const cron = setInterval(() => {
      if (ticking) return;
      ticking = true;
      fetch(`${wrangler.url}/__scheduled?cron=*+*+*+*+*`)
        .catch(() => undefined)
        .finally(() => {
          ticking = false;
        });
    }, timing.cronSeconds * 1000);
    cleanups.push(() => clearInterval(cron));

    log("starting the FP fleets …");
    const fleets = new Map<string, Fleet>();
    const fleetLog = logTo("fleet");
    for (const [i, chain] of chains.entries()) {
      const consumer = consumers[i];
      if (!consumer) continue;
      const fleet = await startFleet({
        chain: chain.id,
        edgeUrl: wrangler.url,
        l2RpcUrl: chain.l2RpcUrl,
        babylonRpcUrl: babylonRunning?.url ?? "",
        babylonChainId,
        contractAddress: chain.contractAddress,
        bsnId: chain.bsnId,
        fps: consumer.finalityProviders.map((fp) => ({
          name: fp.account,
          btcSecretKeyHex: fp.btcSecretKeyHex,
        })),
        confirmations: FLEET_CONFIRMATIONS,
        log: (line) => fleetLog(`${new Date().toISOString()} ${chain.id} ${line}\n`),
      });
      fleets.set(chain.id, fleet);
      cleanups.push(() => fleet.stop());
      checkpoint();
    }

    const timers = options.scenarios.map((s) => setTimeout(() => void runScenario(s), s.atSec * 1000));
    cleanups.push(() => timers.forEach(clearTimeout));
    const runScenario = async (s: Scenario) => {
      try {
        if (s.kind === "offline") {
          log(`scenario: ${s.chain} ${s.fp} goes offline for ${s.forSec} s`);
          fleets.get(s.chain)?.setOnline(s.fp, false);
          timers.push(
            setTimeout(() => {
              log(`scenario: ${s.chain} ${s.fp} is back online`);
              fleets.get(s.chain)?.setOnline(s.fp, true);
            }, s.forSec * 1000),
          );
        } else if (s.kind === "equivocate") {
          const done = await fleets.get(s.chain)?.equivocateOnce(s.fp);
          log(`scenario: ${s.chain} ${s.fp} equivocated at height ${done?.height}`);
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
        docs: `${wrangler.url}/docs`,
        babylon: babylonRunning?.url ?? "",
        l2: Object.fromEntries(chains.map((c) => [c.id, c.l2RpcUrl])),
      },
      babylonChainId,
      chains,
      fleets,
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

/** One JSON-RPC call to an anvil node (its `anvil_*` / `evm_*` controls). */
export async function l2Rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** `anvil_reorg`: replaces the last `depth` blocks with as many new, empty ones. */
export async function l2Reorg(url: string, depth: number): Promise<void> {
  await l2Rpc(url, "anvil_reorg", [depth, []]);
}
