/**
 * `npm run devnet:babylon`: the Babylon emulator as a process. Environment: BABYLON_RPC_PORT (26657),
 * BABYLON_RPC_HOST (127.0.0.1), BABYLON_BLOCK_MS, BTC_BLOCK_MS, EPOCH_BLOCKS, FINALIZE_DELAY,
 * BABYLON_DATA_DIR (snapshot directory; none: nothing is written), BABYLON_GENESIS (genesis file).
 * Prints one ready line; SIGINT/SIGTERM stop it cleanly (writing the snapshot).
 */
import { loadGenesis, readChainTiming } from "./genesis-load.ts";
import { startBabylonChain } from "./index.ts";

function port(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 26657;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value > 65_535)
    throw new Error(`BABYLON_RPC_PORT=${JSON.stringify(raw)}: not a port`);
  return value;
}

async function main(): Promise<void> {
  const env = process.env;
  const genesis = loadGenesis({ env });
  const timing = readChainTiming(env);
  const dataDir = env.BABYLON_DATA_DIR?.trim() || undefined;
  const chain = await startBabylonChain({
    genesis,
    timing,
    port: port(env.BABYLON_RPC_PORT),
    host: env.BABYLON_RPC_HOST?.trim() || "127.0.0.1",
    ...(dataDir ? { dataDir } : {}),
  });
  const contracts = chain.contracts.map((c) => `${c.bsnId}=${c.address}`).join(" ");
  console.log(
    `babylon devnet ready: chain-id=${chain.chainId} rpc=${chain.rpcUrl} height=${chain.height()}` +
      ` block-ms=${timing.blockMs} contracts: ${contracts || "(none)"}` +
      (dataDir ? ` data-dir=${dataDir}${chain.resumed ? " (resumed)" : ""}` : ""),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    chain.stop().then(
      () => {
        console.error(`babylon devnet stopped (${signal}) at height ${chain.height()}`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`babylon devnet: stop failed: ${error instanceof Error ? error.message : error}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`babylon devnet failed to start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
