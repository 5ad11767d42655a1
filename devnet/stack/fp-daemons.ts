/**
 * @module The local stack's finality providers: one `finality-edge-fp` daemon process per devnet FP, each with its
 * own home under `<dataDir>/fp/<chain>/<fp>/` (config, encrypted keystore, state database), voting through the
 * Worker. Supervised like systemd would: restarted after a crash, never after exit code 3 (slashed); stopped by
 * pid with SIGTERM (SIGKILL to its process group after 10 s). The scenarios act on them from outside: `offline`
 * stops a daemon and starts it again later (it resumes from its state), `equivocate` signs a conflicting vote
 * with the FP's (public, devnet) key and a fresh guard, as a compromised operator would.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  type WriteStream,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { EXIT } from "../../fp-daemon/exit-codes.ts";
import { writeKeystoreFile } from "../../fp-daemon/keys/keystore-file.ts";
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../../src/crypto/index.ts";
import { encryptKeystore } from "../../src/fp-daemon/keystore.ts";
import type { VoterStatus } from "../../src/fp-daemon/voter.ts";
import { freePort, trackChild } from "../processes.ts";
import { equivocate } from "./equivocate.ts";

export type FpDaemonSpec = {
  chain: string;
  /** Genesis account name (`fp-1`, …). */
  fp: string;
  btcSecretKeyHex: string;
};

export type FpDaemonsOptions = {
  dataDir: string;
  edgeUrl: string;
  babylonRpcUrl: string;
  babylonChainId: string;
  /** By chain id. */
  chains: ReadonlyArray<{ id: string; contractAddress: string; l2RpcUrl: string }>;
  fps: readonly FpDaemonSpec[];
  confirmations: number;
  /** Heights per randomness commit, and the margin ahead of the head that triggers the next. */
  commitSize: number;
  commitMargin: number;
  log: (line: string) => void;
};

/** One daemon as the stack sees it: its process, and the status its `/healthz` reports. */
export type FpDaemonState = {
  chain: string;
  fp: string;
  btcPk: string;
  /** Whether the stack wants it running (false while a scenario holds it offline). */
  online: boolean;
  running: boolean;
  /** The last exit code (3 = slashed: not restarted). */
  exitCode: number | null;
  status: VoterStatus | null;
};

export type FpDaemons = {
  /** Stops the daemon (SIGTERM: it finishes its step and closes its state) or starts it again on the same home. */
  setOnline(chain: string, fp: string, online: boolean): Promise<void>;
  /** A conflicting vote at the FP's highest voted height, through the edge; resolves once the edge took it. */
  equivocateOnce(chain: string, fp: string): Promise<{ height: number; submissionId: string }>;
  /** Every daemon with its live status (read from its ops port). */
  status(chain?: string): Promise<FpDaemonState[]>;
  /** Submission ids the edge accepted from the daemons of `chain` (from their logs), in order. */
  acceptedIds(chain: string): string[];
  stop(): Promise<void>;
};

/** Devnet keys are public; a cheap scrypt keeps eight daemons' start-up short. */
const DEVNET_KDF = { N: 2 ** 14 } as const;
const DEVNET_PASSPHRASE = "finality-edge-devnet (public test keys)";
const BIN = resolve("fp-daemon/bin.mjs");

type Managed = FpDaemonSpec & {
  home: string;
  logPath: string;
  opsPort: number;
  btcPk: string;
  child: ChildProcess | undefined;
  online: boolean;
  exitCode: number | null;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
  log: WriteStream;
};

export async function startFpDaemons(options: FpDaemonsOptions): Promise<FpDaemons> {
  const root = join(options.dataDir, "fp");
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const passphraseFile = join(root, "passphrase");
  writeFileSync(passphraseFile, `${DEVNET_PASSPHRASE}\n`, { mode: 0o600 });
  // Bundle once here, so the daemons do not all build it at once.
  const prepared = spawnSync(process.execPath, [BIN, "version"], { encoding: "utf8" });
  if (prepared.status !== 0) throw new Error(`finality-edge-fp version failed: ${prepared.stderr}`);

  let stopping = false;
  const daemons: Managed[] = [];
  for (const spec of options.fps) {
    const chain = options.chains.find((c) => c.id === spec.chain);
    if (!chain) throw new Error(`no chain ${spec.chain}`);
    const home = join(root, spec.chain, spec.fp);
    const btcPk = bytesToHex(xOnlyPublicKey(hexToBytes(spec.btcSecretKeyHex)));
    await ensureKeystore(home, btcPk, spec.btcSecretKeyHex);
    const opsPort = await freePort();
    // Rewritten at every start: the stack's ports may differ; the state database is what persists.
    const config = {
      chain: spec.chain,
      transport: "edge",
      edge: { url: options.edgeUrl, timeoutMs: 5_000 },
      babylon: {
        rpcUrl: options.babylonRpcUrl,
        chainId: options.babylonChainId,
        contractAddress: chain.contractAddress,
        timeoutMs: 5_000,
      },
      l2: {
        rpcUrl: chain.l2RpcUrl,
        safety: { mode: "confirmations", confirmations: options.confirmations },
        pollMs: 500,
      },
      randomness: { commitSize: options.commitSize, commitMargin: options.commitMargin, warnBelow: 50 },
      submit: {
        batchSize: 25,
        retryMs: 1_000,
        maxBackoffMs: 10_000,
        settleTimeoutMs: 60_000,
        // Checked once, 4 s after acceptance (queue, block, inclusion poll): by then nearly every vote is on chain.
        settleCheckMs: 4_000,
      },
      ops: { host: "127.0.0.1", port: opsPort },
      log: { level: "info", format: "json" },
    };
    writeFileSync(join(home, "config.json"), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    const logPath = join(options.dataDir, "logs", `fp-${spec.chain}-${spec.fp}.log`);
    daemons.push({
      ...spec,
      home,
      logPath,
      opsPort,
      btcPk,
      child: undefined,
      online: true,
      exitCode: null,
      restartTimer: undefined,
      log: createWriteStream(logPath, { flags: "a" }),
    });
  }

  const say = (d: Managed, line: string) => options.log(`${d.chain} ${d.fp}: ${line}`);

  function launch(d: Managed): void {
    const child = spawn(
      process.execPath,
      [BIN, "start", "--home", d.home, "--config", join(d.home, "config.json")],
      {
        env: { ...process.env, FP_KEYSTORE_PASSPHRASE_FILE: passphraseFile },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    trackChild(child, { group: true });
    child.stdout?.pipe(d.log, { end: false });
    child.stderr?.pipe(d.log, { end: false });
    child.on("error", (error) => say(d, `spawn failed: ${error.message}`));
    d.child = child;
    d.exitCode = null;
    child.once("exit", (code, signal) => {
      d.child = undefined;
      d.exitCode = code;
      if (stopping || !d.online) return;
      if (code === EXIT.slashed) {
        say(d, "exited: slashed (exit 3), not restarted");
        return;
      }
      say(d, `exited with ${code ?? signal}; restarting in 2 s`);
      d.restartTimer = setTimeout(() => {
        if (!stopping && d.online && d.child === undefined) launch(d);
      }, 2_000);
    });
  }

  function terminate(d: Managed): Promise<void> {
    clearTimeout(d.restartTimer);
    const child = d.child;
    if (!child || child.exitCode !== null || child.pid === undefined) return Promise.resolve();
    return new Promise((resolveStop) => {
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {
          // Gone.
        }
      }, 10_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolveStop();
      });
      child.kill("SIGTERM");
    });
  }

  for (const d of daemons) launch(d);

  const find = (chain: string, fp: string): Managed => {
    const d = daemons.find((x) => x.chain === chain && x.fp === fp);
    if (!d) throw new Error(`no FP daemon ${chain}/${fp}`);
    return d;
  };

  async function readStatus(d: Managed): Promise<FpDaemonState["status"]> {
    if (!d.child) return null;
    try {
      const res = await fetch(`http://127.0.0.1:${d.opsPort}/healthz`, {
        signal: AbortSignal.timeout(2_000),
      });
      const body = (await res.json()) as Record<string, unknown>;
      return body as unknown as FpDaemonState["status"];
    } catch {
      return null;
    }
  }

  return {
    async setOnline(chain, fp, online) {
      const d = find(chain, fp);
      if (d.online === online) return;
      d.online = online;
      say(d, online ? "back online (daemon started)" : "offline (daemon stopped)");
      if (online) launch(d);
      else await terminate(d);
    },
    async equivocateOnce(chain, fp) {
      const d = find(chain, fp);
      const c = options.chains.find((x) => x.id === chain);
      if (!c) throw new Error(`no chain ${chain}`);
      const done = await equivocate({
        btcSecretKeyHex: d.btcSecretKeyHex,
        edgeUrl: options.edgeUrl,
        chain,
        babylonRpcUrl: options.babylonRpcUrl,
        babylonChainId: options.babylonChainId,
        contractAddress: c.contractAddress,
        l2RpcUrl: c.l2RpcUrl,
      });
      say(d, `equivocated at ${done.height} (${done.submissionId})`);
      return done;
    },
    async status(chain) {
      const selected = daemons.filter((d) => chain === undefined || d.chain === chain);
      return Promise.all(
        selected.map(async (d) => ({
          chain: d.chain,
          fp: d.fp,
          btcPk: d.btcPk,
          online: d.online,
          running: d.child !== undefined,
          exitCode: d.exitCode,
          status: await readStatus(d),
        })),
      );
    },
    acceptedIds(chain) {
      const ids: string[] = [];
      for (const d of daemons.filter((x) => x.chain === chain)) {
        if (!existsSync(d.logPath)) continue;
        for (const line of readFileSync(d.logPath, "utf8").split("\n")) {
          if (!line.includes('"messages accepted"')) continue;
          try {
            const entry = JSON.parse(line) as { ids?: unknown };
            if (Array.isArray(entry.ids))
              ids.push(...entry.ids.filter((id): id is string => typeof id === "string"));
          } catch {
            // A line cut by a kill: skip it.
          }
        }
      }
      return ids;
    },
    async stop() {
      stopping = true;
      await Promise.all(daemons.map(terminate));
      await Promise.all(daemons.map((d) => new Promise((done) => d.log.end(done))));
    },
  };
}

/** The FP's EOTS key in its home's keystore, written once (the home keeps it across restarts). */
async function ensureKeystore(home: string, btcPk: string, secretKeyHex: string): Promise<void> {
  const path = join(home, "keys", "default.eots.json");
  mkdirSync(join(home, "keys"), { recursive: true, mode: 0o700 });
  if (existsSync(path)) return;
  const keystore = await encryptKeystore({
    kind: "eots",
    name: "default",
    publicKey: btcPk,
    secret: hexToBytes(secretKeyHex),
    passphrase: DEVNET_PASSPHRASE,
    kdf: DEVNET_KDF,
  });
  await writeKeystoreFile(path, keystore);
}
