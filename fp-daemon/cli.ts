/**
 * @module The `finality-edge-fp` command line: `init`, `keys add|import|show`, `start`, `status`, `--help`
 * everywhere. Returns an exit code (fp-daemon/exit-codes.ts); errors with a stable code are printed as one line.
 */
import { parseArgs } from "node:util";
import packageJson from "../package.json" with { type: "json" };
import { BaseError } from "../src/errors/base.ts";
import { writeConfigTemplate } from "./config-file.ts";
import { EXIT } from "./exit-codes.ts";
import { resolveHome } from "./home.ts";
import { runKeysCommand } from "./keys/keys-command.ts";
import { startDaemon } from "./start.ts";
import { formatStatus, readStatus } from "./status.ts";

export type CliIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves with a signal name when the process is asked to stop. */
  stopSignal: Promise<string>;
  /** Reads a secret from stdin (keys import). */
  stdin?: NodeJS.ReadableStream;
};

const HOME_HELP = "  --home <dir>     the FP home (default $FP_HOME, else ./fp-home)";

export const HELP: Record<string, string> = {
  main: `finality-edge-fp — a finality provider for rollup BSNs on Babylon, voting through Finality Edge.

Usage: finality-edge-fp <command> [options]

Commands:
  init             write a commented config file into the home
  keys add         create a new EOTS key (and, with --babylon, a Babylon account) in an encrypted keystore
  keys import      import an EOTS key (hex) or a Babylon mnemonic from a file or stdin
  keys show        print the public key / address (never a secret)
  start            run the daemon (until SIGTERM/SIGINT)
  status           last voted height, committed range left, pending messages, power now, slashed?
  version          print the version

Every command takes --home <dir> and --help. The keystore passphrase comes from $FP_KEYSTORE_PASSPHRASE or the
file named by $FP_KEYSTORE_PASSPHRASE_FILE.
Exit codes: 0 ok, 1 failure (restart may help), 2 bad usage/config/keys, 3 slashed (never restart), 4 home locked.`,
  init: `Usage: finality-edge-fp init [--home <dir>] [--chain <id>] [--edge-url <url>] [--babylon-rpc <url>]
       [--babylon-chain-id <id>] [--contract <bbn1…>] [--l2-rpc <url>] [--transport edge|babylon] [--ops-port <n>]

Writes <home>/config.toml with every setting, its default and what it does. Refuses to overwrite.
${HOME_HELP}`,
  keys: `Usage: finality-edge-fp keys <add|import|show> [--home <dir>] [--name <key>] [options]

  keys add [--babylon]                    new random EOTS key (and a new Babylon account mnemonic)
  keys import --eots-file <path|->        EOTS secret key as 64 hex chars (from a file, or - for stdin)
  keys import --mnemonic-file <path|->    Babylon account mnemonic (from a file, or - for stdin)
  keys show                               public key and address
Secrets are never taken from the command line (it is visible to other users in ps).
${HOME_HELP}
  --name <key>     key name (default "default"; the config's keyName)`,
  start: `Usage: finality-edge-fp start [--home <dir>] [--config <file>]

Runs the daemon: commits randomness ahead, votes every grid height once its block is safe, resends what is not
settled, serves /metrics and /healthz on the ops port. SIGTERM/SIGINT finish the step under way and exit 0.
${HOME_HELP}
  --config <file>  config file (default <home>/config.toml; .json also accepted)`,
  status: `Usage: finality-edge-fp status [--home <dir>] [--config <file>] [--json]

${HOME_HELP}
  --json           machine-readable output`,
};

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  home: { type: "string" },
  config: { type: "string" },
  json: { type: "boolean" },
  name: { type: "string" },
  babylon: { type: "boolean" },
  "eots-file": { type: "string" },
  "mnemonic-file": { type: "string" },
  overwrite: { type: "boolean" },
  chain: { type: "string" },
  "edge-url": { type: "string" },
  "babylon-rpc": { type: "string" },
  "babylon-chain-id": { type: "string" },
  contract: { type: "string" },
  "l2-rpc": { type: "string" },
  transport: { type: "string" },
  "ops-port": { type: "string" },
} as const;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${HELP.main}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, sub] = positionals;
  if (command === "version") {
    io.out(`finality-edge-fp ${packageJson.version}`);
    return EXIT.ok;
  }
  if (command === undefined || command === "help") {
    io.out(HELP.main as string);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  const help = HELP[command];
  if (help === undefined) {
    io.err(`unknown command ${command}\n\n${HELP.main}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(help);
    return EXIT.ok;
  }
  const homeDir = values.home ?? io.env.FP_HOME ?? "fp-home";
  try {
    switch (command) {
      case "init": {
        const home = resolveHome(homeDir);
        const transport = values.transport;
        if (transport !== undefined && transport !== "edge" && transport !== "babylon") {
          io.err("--transport must be edge or babylon");
          return EXIT.usage;
        }
        const { mkdirSync } = await import("node:fs");
        mkdirSync(home.dir, { recursive: true, mode: 0o700 });
        writeConfigTemplate(home.configPath, {
          chain: values.chain,
          edgeUrl: values["edge-url"],
          babylonRpcUrl: values["babylon-rpc"],
          babylonChainId: values["babylon-chain-id"],
          contractAddress: values.contract,
          l2RpcUrl: values["l2-rpc"],
          transport,
          opsPort: values["ops-port"] === undefined ? undefined : Number(values["ops-port"]),
        });
        io.out(`wrote ${home.configPath}; next: finality-edge-fp keys add --home ${homeDir}`);
        return EXIT.ok;
      }
      case "keys":
        return await runKeysCommand({
          sub,
          home: resolveHome(homeDir),
          name: values.name ?? "default",
          babylon: values.babylon ?? false,
          eotsFile: values["eots-file"],
          mnemonicFile: values["mnemonic-file"],
          overwrite: values.overwrite ?? false,
          env: io.env,
          out: io.out,
          err: io.err,
          ...(io.stdin ? { stdin: io.stdin } : {}),
        });
      case "start":
        return await startDaemon({
          home: homeDir,
          config: values.config,
          env: io.env,
          stopSignal: io.stopSignal,
        });
      case "status": {
        const report = await readStatus({ home: homeDir, config: values.config, env: io.env });
        io.out(values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof BaseError) {
      io.err(
        `finality-edge-fp ${command}: ${error.code}: ${error.shortMessage}${error.details ? ` (${error.details})` : ""}`,
      );
      return error.code === "home_locked" ? EXIT.locked : isUsage(error.code) ? EXIT.usage : EXIT.failure;
    }
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      io.err(`finality-edge-fp ${command}: ${(error as Error).message} (refusing to overwrite)`);
      return EXIT.usage;
    }
    io.err(
      `finality-edge-fp ${command}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.failure;
  }
  return EXIT.usage;
}

/** Errors the operator must fix before a restart can help. */
function isUsage(code: string): boolean {
  return (
    code === "invalid_config" ||
    code.startsWith("keystore_") ||
    code.startsWith("store_scope") ||
    code === "store_version_unsupported" ||
    code === "ops_host_not_loopback" ||
    code === "ops_port_in_use"
  );
}
