/**
 * @module Persistence: one JSON snapshot of the committed chain (store, blocks with their results,
 * last app hash and block time) in the data directory, written atomically (temp file + rename).
 * The mempool is not saved, as a node's is not.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JsonValue } from "../store/kv-store.ts";
import type { StoredBlock } from "./blocks.ts";
import type { Timestamp } from "./encoding.ts";

export const SNAPSHOT_FORMAT = "finality-edge/babylon-devnet-snapshot/2";
export const SNAPSHOT_FILE = "chain.json";

export type Snapshot = {
  format: typeof SNAPSHOT_FORMAT;
  chainId: string;
  /** sha256 of the genesis the chain started from: a data dir never resumes under another genesis. */
  genesisHash: string;
  height: number;
  /** App hash after genesis (block 1's header carries it), hex. */
  genesisAppHash: string;
  appHash: string;
  blockTime: Timestamp;
  store: Record<string, JsonValue>;
  blocks: StoredBlock[];
};

export async function readSnapshot(dataDir: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, SNAPSHOT_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const snapshot = JSON.parse(text) as Snapshot;
  if (snapshot.format !== SNAPSHOT_FORMAT) {
    throw new Error(`${join(dataDir, SNAPSHOT_FILE)}: unknown snapshot format ${String(snapshot.format)}`);
  }
  return snapshot;
}

let writeCounter = 0;

export async function writeSnapshot(dataDir: string, snapshot: Snapshot): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const target = join(dataDir, SNAPSHOT_FILE);
  const temp = `${target}.${process.pid}.${++writeCounter}.tmp`;
  await writeFile(temp, JSON.stringify(snapshot));
  await rename(temp, target);
}
