/**
 * @module `finality-edge-fp status`: what this home's FP has done and where it stands now — from the state
 * database (works while the daemon runs: the database is shared safely) and from Babylon (power now, slashed?).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createBabylonRpc } from "../src/babylon/index.ts";
import { committedTo } from "../src/fp-daemon/commits.ts";
import { createEligibilityReader } from "../src/fp-daemon/eligibility.ts";
import { createContractReaders } from "../src/fp-daemon/readers.ts";
import { loadConfigFile } from "./config-file.ts";
import { resolveHome } from "./home.ts";
import { readKeystoreFile } from "./keys/keystore-file.ts";
import { openSqliteStore } from "./store/sqlite-store.ts";

export type DaemonStatusReport = {
  fpBtcPk: string;
  chain: string;
  running: boolean;
  nextHeight: number | null;
  lastVoted: number | null;
  committedTo: number | null;
  outbox: { unsent: number; accepted: number };
  recentSkips: Array<{ height: number; reason: string; detail: string }>;
  babylon:
    | {
        registered: boolean;
        slashed: boolean;
        power: string | null;
        btcHeight: number | null;
        lastVotedOnChain: number | null;
      }
    | { error: string };
  slashedLocally: string | null;
};

export async function readStatus(options: {
  home: string;
  config?: string | undefined;
  env: NodeJS.ProcessEnv;
}): Promise<DaemonStatusReport> {
  const home = resolveHome(options.home);
  const config = loadConfigFile(options.config ?? home.configPath, options.env);
  // The public key is in the keystore's clear header: no passphrase needed to ask after the FP.
  const fpBtcPk = (await readKeystoreFile(join(home.keysDir, `${config.keyName}.eots.json`))).publicKey;
  const contract = createContractReaders(config.babylon, fpBtcPk);

  let babylon: DaemonStatusReport["babylon"];
  let bsnId: string | undefined;
  try {
    const contractConfig = await contract.config();
    bsnId = contractConfig.bsnId;
    const eligibility = createEligibilityReader(
      createBabylonRpc(config.babylon.rpcUrl, { timeoutMs: config.babylon.timeoutMs }),
      {
        bsnId,
        btcPkHex: fpBtcPk,
      },
    );
    const registration = await eligibility.registration();
    const now =
      registration.kind === "registered" ? await eligibility.check(Math.floor(Date.now() / 1000)) : null;
    babylon = {
      registered: registration.kind !== "not_registered",
      slashed: registration.kind === "slashed",
      power: now?.kind === "eligible" ? now.power.toString() : now?.kind === "no_voting_power" ? "0" : null,
      btcHeight: now && "btcHeight" in now ? now.btcHeight : null,
      lastVotedOnChain: await contract.highestVoted(),
    };
  } catch (error) {
    babylon = { error: error instanceof Error ? error.message : String(error) };
  }

  const report: DaemonStatusReport = {
    fpBtcPk,
    chain: config.chain,
    running: existsSync(home.lockPath),
    nextHeight: null,
    lastVoted: null,
    committedTo: null,
    outbox: { unsent: 0, accepted: 0 },
    recentSkips: [],
    babylon,
    slashedLocally: null,
  };
  if (bsnId !== undefined && existsSync(home.statePath)) {
    const store = openSqliteStore(home.statePath, { publicKeyHex: fpBtcPk, bsnId });
    try {
      report.nextHeight = store.getVoteCursor();
      report.lastVoted = store.getHighestVoted();
      report.committedTo = committedTo(store.listCommits());
      report.outbox = store.outboxCounts();
      report.recentSkips = store
        .recentSkips(10)
        .map(({ height, reason, detail }) => ({ height, reason, detail }));
      report.slashedLocally = store.getMeta("slashed") ?? null;
    } finally {
      store.close();
    }
  }
  return report;
}

export function formatStatus(r: DaemonStatusReport): string {
  const b = r.babylon;
  const left = r.committedTo !== null && r.nextHeight !== null ? r.committedTo - r.nextHeight + 1 : null;
  const lines = [
    `finality provider  ${r.fpBtcPk}  (chain ${r.chain}; daemon ${r.running ? "running" : "not running"})`,
    `last voted height  ${r.lastVoted ?? "-"}   next height ${r.nextHeight ?? "-"}`,
    `committed to       ${r.committedTo ?? "-"}${left === null ? "" : `   (${left} heights left from the next one)`}`,
    `pending messages   ${r.outbox.unsent} unsent, ${r.outbox.accepted} accepted not yet on Babylon`,
    "error" in b
      ? `babylon            unreachable: ${b.error}`
      : `babylon            ${b.registered ? "registered" : "NOT registered"}, ${b.slashed ? "SLASHED" : "not slashed"}, power now ${b.power ?? "-"} sat at BTC height ${b.btcHeight ?? "-"}, last vote on chain ${b.lastVotedOnChain ?? "-"}`,
  ];
  if (r.slashedLocally) lines.push(`slashed (recorded) ${r.slashedLocally}`);
  for (const s of r.recentSkips) lines.push(`skipped            ${s.height}: ${s.reason} (${s.detail})`);
  return lines.join("\n");
}
