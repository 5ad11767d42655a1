/**
 * Test support for the FP daemon on the emulator: a chain (optionally with a changed genesis), a manually mined
 * anvil L2, and daemons assembled exactly as `finality-edge-fp start` assembles them, each on its own state file,
 * with their log lines collected.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DevnetGenesis } from "../../../devnet/babylon/genesis.ts";
import type { BabylonChain } from "../../../devnet/babylon/index.ts";
import { l2Rpc as anvilRpc, mineBlocks, type Running, startAnvil } from "../../../devnet/processes.ts";
import { type Assembled, type AssembleOptions, assembleDaemon } from "../../../fp-daemon/assemble.ts";
import { createFinalityQueryClient, type FinalityQueryClient } from "../../../src/babylon/index.ts";
import { hexToBytes } from "../../../src/crypto/index.ts";
import { type DaemonConfig, resolveDaemonConfig } from "../../../src/fp-daemon/config.ts";
import type { DaemonLog } from "../../../src/fp-daemon/outbox.ts";
import type { MessageKind } from "../../../src/fp-daemon/store.ts";
import type { ContractBody, Transport } from "../../../src/fp-daemon/transports/transport.ts";
import { createLocalEotsKey } from "../../../src/provider/index.ts";
import { startTestChain, within } from "./contract-harness.ts";

export type LogLine = { level: string; msg: string; fields: Record<string, unknown> };

export function collectingLog(lines: LogLine[], echo = false): DaemonLog {
  const at =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, msg, fields });
      if (echo)
        console.log(
          `[fp] ${level} ${msg} ${JSON.stringify(fields, (_k, v) => (typeof v === "bigint" ? `${v}` : v))}`,
        );
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export type DaemonWorld = {
  chain: BabylonChain;
  l2: Running;
  genesis: DevnetGenesis;
  bsnId: string;
  contractAddress: string;
  queries: FinalityQueryClient;
  dir: string;
  /** The config a daemon of this world runs with (babylon transport unless overridden). */
  config(overrides?: Record<string, unknown>): DaemonConfig;
  /** Assembles genesis FP `account`'s daemon on `<dir>/<stateName>.sqlite`. */
  daemon(
    account: string,
    options?: { stateName?: string; config?: DaemonConfig; log?: DaemonLog } & Partial<AssembleOptions>,
  ): Promise<Assembled>;
  mine(blocks: number): Promise<void>;
  l2Rpc(method: string, params: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
};

export async function startDaemonWorld(genesis: DevnetGenesis, l2Blocks = 0): Promise<DaemonWorld> {
  const dir = await mkdtemp(join(tmpdir(), "fp-daemon-"));
  const chain = await startTestChain(genesis);
  const l2 = await startAnvil(l2Blocks);
  const consumer = genesis.consumers[0];
  if (!consumer) throw new Error("the genesis has no consumer");
  const contract = chain.contracts.find((c) => c.bsnId === consumer.bsnId);
  if (!contract) throw new Error(`no contract for ${consumer.bsnId}`);
  const queries = createFinalityQueryClient(chain.rpcUrl, contract.address, { timeoutMs: 10_000 });
  const opened: Assembled[] = [];

  const config = (overrides: Record<string, unknown> = {}) =>
    resolveDaemonConfig({
      chain: consumer.bsnId,
      transport: "babylon",
      babylon: {
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
        contractAddress: contract.address,
        timeoutMs: 5_000,
      },
      l2: { rpcUrl: l2.url, safety: { mode: "confirmations", confirmations: 0 }, pollMs: 100 },
      randomness: { commitSize: 20, commitMargin: 15, warnBelow: 5 },
      submit: {
        batchSize: 25,
        retryMs: 200,
        maxBackoffMs: 2_000,
        settleTimeoutMs: 20_000,
        settleCheckMs: 200,
      },
      ...overrides,
    });

  const l2Rpc = (method: string, params: unknown[]) => anvilRpc(l2.url, method, params);

  return {
    chain,
    l2,
    genesis,
    bsnId: consumer.bsnId,
    contractAddress: contract.address,
    queries,
    dir,
    config,
    async daemon(account, options = {}) {
      const fp = consumer.finalityProviders.find((f) => f.account === account);
      const wallet = genesis.accounts.find((a) => a.name === account);
      if (!fp || !wallet) throw new Error(`no genesis FP ${account}`);
      const assembled = await assembleDaemon({
        config: options.config ?? config(),
        key: createLocalEotsKey(hexToBytes(fp.btcSecretKeyHex)),
        babylonMnemonic: wallet.mnemonic,
        statePath: join(dir, `${options.stateName ?? account}.sqlite`),
        log: options.log ?? collectingLog([]),
        ...options,
      });
      opened.push(assembled);
      return assembled;
    },
    mine: (blocks) => mineBlocks(l2.url, blocks),
    l2Rpc,
    async stop() {
      for (const daemon of opened) await daemon.close().catch(() => {});
      await l2.stop();
      await chain.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` every 100 ms until it returns true, failing after `ms` with `what`. */
export async function until(
  probe: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  await within(
    (async () => {
      for (;;) {
        if (await probe()) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })(),
    ms,
    what,
  );
}

/** The FP keys Babylon holds a vote of at `height` for `hashHex` (no 0x). */
export async function votersAt(
  queries: FinalityQueryClient,
  height: number,
  hashHex: string,
): Promise<string[]> {
  const voters = await queries.blockVoters({ height, hashHex });
  return (voters ?? []).map((v) => v.fp_btc_pk_hex);
}

/** One `send` a daemon's transport was asked to make (recorded before it is made, whatever its outcome). */
export type SentRequest = { kind: MessageKind; bodies: ContractBody[] };

/** A `wrapTransport` for the assemble options that records every request into `sent`, then sends it. */
export function recordSends(sent: SentRequest[]): (transport: Transport) => Transport {
  return (transport) => ({
    name: transport.name,
    send(kind, bodies) {
      sent.push({ kind, bodies: structuredClone([...bodies]) });
      return transport.send(kind, bodies);
    },
    check: (kind, submissionId) => transport.check(kind, submissionId),
    close: () => transport.close(),
  });
}

/** The vote bodies among `sent` (height, block hash and signature as the contract takes them, base64). */
export function sentVotes(
  sent: readonly SentRequest[],
): Array<{ height: number; block_hash: string; signature: string }> {
  return sent
    .filter((r) => r.kind === "vote")
    .flatMap((r) => r.bodies as Array<{ height: number; block_hash: string; signature: string }>);
}
