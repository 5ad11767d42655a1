/**
 * @module A second emulator + anvil pair whose genesis powers put quorums on their edges (Node side of the
 * workerd e2e). Powers in M sat (1M = 1,000,000 sat):
 *
 * | FP   | at BTC ≤ 201        | at BTC ≥ 202 | note                                              |
 * |------|---------------------|--------------|---------------------------------------------------|
 * | fp-1 | 3                   | 3            |                                                   |
 * | fp-2 | 3                   | 3            |                                                   |
 * | fp-3 | 3 (1 + 2)           | 1            | its 2M delegation ends mid-way (`end` 205, w = 4) |
 * | fp-4 | 0 (5 before slash)  | 0            | equivocates after voting: slashed                 |
 *
 * Totals once fp-4 is slashed: 9M (threshold exactly 6M) for blocks 1–3, 7M for blocks 4–6. Blocks 1–3 are
 * mined before the emulator starts (their timestamps map to the genesis BTC tip 200); blocks 4–6 once the BTC
 * tip is past 204.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { defaultGenesis } from "../../../devnet/babylon/genesis-load.ts";
import { mineBlocks, startAnvil, startBabylonEmulator } from "../../../devnet/processes.ts";
import { createBabylonRpc, getBtcTip } from "../../../src/babylon/index.ts";
import { bytesToHex } from "../../../src/crypto/index.ts";
import { FAST_EMULATOR_ENV, type VotedBlock, voteOnDevnet } from "./voted-devnet.ts";

const M = 1_000_000;
const LONG = 64_000;

export const POWERS_PLAN = new Map<number, string[]>([
  // 6M of 9M: exactly 2/3.
  [1, ["fp-1", "fp-2"]],
  // 6M of 9M with fp-3's full 3M.
  [2, ["fp-1", "fp-3"]],
  [3, ["fp-1", "fp-2", "fp-3"]],
  // The same voters as block 2, after fp-3's 2M delegation ended: 4M of 7M.
  [4, ["fp-1", "fp-3"]],
  // Would be 8M of 12M (quorum) if the slashed fp-4 counted; 3M of 7M without it.
  [5, ["fp-2", "fp-4"]],
  [6, ["fp-1", "fp-2", "fp-3"]],
]);
/** fp-4 voted for block 5 and then signs a conflicting block at that height. */
export const EQUIVOCATION_HEIGHT = 5;

function powersGenesis() {
  const genesis = defaultGenesis();
  const consumer = genesis.consumers[0];
  if (!consumer) throw new Error("default genesis has no consumer");
  const delegations: Record<string, Array<[number, number]>> = {
    "fp-1": [[3 * M, LONG]],
    "fp-2": [[3 * M, LONG]],
    "fp-3": [
      [1 * M, LONG],
      [2 * M, 205],
    ],
    "fp-4": [[5 * M, LONG]],
  };
  for (const fp of consumer.finalityProviders) {
    fp.delegations = (delegations[fp.account] ?? []).map(([totalSat, endHeight], i) => ({
      totalSat,
      startHeight: 150 + i,
      endHeight,
      covenantSigs: 3,
    }));
  }
  return genesis;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPowersDevnet(): Promise<{
  chain: { l2RpcUrl: string; babylonRpcUrl: string; babylonChainId: string; contractAddress: string };
  blocks: VotedBlock[];
  publicKeys: Record<string, string>;
  stop(): Promise<void>;
}> {
  const genesis = powersGenesis();
  const dir = mkdtempSync(join(tmpdir(), "edge-powers-"));
  const genesisPath = join(dir, "genesis.json");
  writeFileSync(genesisPath, JSON.stringify(genesis));
  const anvil = await startAnvil(3);
  // The emulator's BTC schedule starts at its own start: blocks 1–3 must be strictly older.
  await sleep(1_100);
  const babylon = await startBabylonEmulator({
    ...FAST_EMULATOR_ENV,
    BTC_BLOCK_MS: "500",
    BABYLON_GENESIS: genesisPath,
  });
  const stop = async () => {
    await Promise.all([babylon.stop(), anvil.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const rpc = createBabylonRpc(babylon.url);
    const voted = await voteOnDevnet({
      babylonRpcUrl: babylon.url,
      contractAddress: babylon.contractAddress,
      chainId: babylon.chainId,
      l2RpcUrl: anvil.url,
      plan: POWERS_PLAN,
      commitCount: 20,
      genesis,
      async beforeVotes() {
        while ((await getBtcTip(rpc)).height < 206) await sleep(100);
        await mineBlocks(anvil.url, 3);
      },
      async afterVotes(voters) {
        await voters.equivocate(
          "fp-4",
          EQUIVOCATION_HEIGHT,
          `0x${bytesToHex(sha256(new TextEncoder().encode("powers/equivocation")))}`,
        );
      },
    });
    return {
      chain: {
        l2RpcUrl: anvil.url,
        babylonRpcUrl: babylon.url,
        babylonChainId: babylon.chainId,
        contractAddress: babylon.contractAddress,
      },
      ...voted,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
