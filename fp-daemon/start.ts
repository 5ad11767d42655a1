/**
 * @module `finality-edge-fp start`: opens the home (lock, config, keys, state), wires the voter to its transport,
 * the L2 and Babylon, serves `/metrics` and `/healthz`, and stops cleanly on SIGTERM/SIGINT: the step under way
 * finishes, the database closes, the lock is released.
 */
import { join } from "node:path";
import { decryptKeystore } from "../src/fp-daemon/keystore.ts";
import { createLocalEotsKey } from "../src/provider/index.ts";
import { assembleDaemon } from "./assemble.ts";
import { loadConfigFile } from "./config-file.ts";
import { EXIT } from "./exit-codes.ts";
import { lockHome, resolveHome } from "./home.ts";
import { readKeystoreFile, resolvePassphrase } from "./keys/keystore-file.ts";
import { createDaemonMetrics } from "./metrics.ts";
import { createLogger } from "./ops/log.ts";
import { startOpsServer } from "./ops/ops-server.ts";

export type StartOptions = {
  home: string;
  /** Overrides the config file's path (default `<home>/config.toml`). */
  config?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Where log lines go (default stderr). */
  stream?: { write(chunk: string): unknown };
  /** Resolves when the daemon should stop (the CLI wires signals to it). */
  stopSignal: Promise<string>;
};

const keyPath = (keysDir: string, name: string, kind: "eots" | "babylon") =>
  join(keysDir, `${name}.${kind}.json`);

export async function startDaemon(options: StartOptions): Promise<number> {
  const home = resolveHome(options.home);
  const config = loadConfigFile(options.config ?? home.configPath, options.env);
  const log = createLogger({
    level: config.log.level,
    format: config.log.format,
    ...(options.stream ? { stream: options.stream } : {}),
    fields: { chain: config.chain },
  });
  const unlock = lockHome(home);
  const closers: Array<() => Promise<void> | void> = [unlock];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        log.warn("error while stopping", { error });
      }
    }
  };
  try {
    const passphrase = await resolvePassphrase({ env: options.env });
    const eotsKeystore = await readKeystoreFile(keyPath(home.keysDir, config.keyName, "eots"));
    const secretKey = await decryptKeystore(eotsKeystore, passphrase);
    const key = createLocalEotsKey(secretKey);
    secretKey.fill(0);
    const btcPkHex = Buffer.from(key.publicKey).toString("hex");
    const fpLog = log.child({ fp: btcPkHex });

    const babylonMnemonic =
      config.transport === "babylon"
        ? new TextDecoder().decode(
            await decryptKeystore(
              await readKeystoreFile(keyPath(home.keysDir, config.keyName, "babylon")),
              passphrase,
            ),
          )
        : undefined;
    const daemon = await assembleDaemon({
      config,
      key,
      babylonMnemonic,
      statePath: home.statePath,
      log: fpLog,
    });
    closers.push(() => daemon.close());
    const { voter, store } = daemon;
    const slashed = store.getMeta("slashed");
    if (slashed !== undefined) {
      fpLog.error("this finality provider was found slashed; refusing to sign", { detail: slashed });
      await closeAll();
      return EXIT.slashed;
    }

    const metrics = createDaemonMetrics(() => voter.status(), config.chain);
    const startedAt = Date.now();
    const staleAfterMs = Math.max(60_000, 10 * config.l2.pollMs);
    const ops = await startOpsServer({
      host: config.ops.host,
      port: config.ops.port,
      metrics: () => metrics.render(),
      health: () => {
        const s = voter.status();
        // Healthy while steps keep completing (a fresh start gets the same grace).
        const ok = s.slashed === null && Date.now() - (s.lastStepAt ?? startedAt) < staleAfterMs;
        return { ok, detail: s };
      },
      ...(config.ops.bearerToken ? { bearerToken: config.ops.bearerToken } : {}),
      log: fpLog,
    });
    closers.push(() => ops.close());
    const status = voter.status();
    fpLog.info("daemon started", {
      transport: daemon.transport.name,
      bsnId: daemon.bsnId,
      resumeAt: status.cursor,
      committedTo: status.committedTo,
      outbox: status.outbox,
      ops: ops.url,
    });

    const outcome = await Promise.race([voter.run(), options.stopSignal.then((signal) => signal)]);
    if (outcome !== "slashed" && outcome !== "stopped") fpLog.info("stopping", { signal: outcome });
    await voter.stop();
    const final = voter.status();
    fpLog.info("daemon stopped", { cursor: final.cursor, lastVoted: final.lastVoted, outbox: final.outbox });
    await closeAll();
    return outcome === "slashed" ? EXIT.slashed : EXIT.ok;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
