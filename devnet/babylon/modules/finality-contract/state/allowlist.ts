/**
 * @module The versioned allowlist (contract.md §10.3): cw-storage-plus `SnapshotItem` with
 * `Strategy::EveryBlock`. Every save writes the whole set at the current Babylon height; the first
 * change within a block logs the set as it was before. The value "at h" is the old value of the
 * first changelog entry at or after h, else the current set — so changes made in block h show
 * from h + 1, and the instantiation height itself reads as empty.
 */
import { finalityProviderNotAllowed } from "../../../../../src/contract-rules/index.ts";
import { fromRule } from "../errors.ts";
import type { ContractStorage } from "../storage.ts";
import { u64Key } from "../storage.ts";

const PRIMARY = "allowed_finality_providers";
const CHANGELOG = "allowed_finality_providers__changelog/";

/** Set members as lowercase hex, in insertion order (the contract's HashSet order is not reproduced). */
type StoredSet = string[];
type ChangeSet = { old: StoredSet | null };

export const loadAllowlist = (storage: ContractStorage): string[] => storage.get<StoredSet>(PRIMARY) ?? [];

/** The FP (lowercase hex key) must be in the current set to commit randomness or vote. */
export function assertAllowlisted(storage: ContractStorage, fpHex: string): void {
  if (!loadAllowlist(storage).includes(fpHex)) {
    throw fromRule(finalityProviderNotAllowed(fpHex));
  }
}

function saveAllowlist(storage: ContractStorage, set: string[], babylonHeight: bigint): void {
  const logKey = CHANGELOG + u64Key(babylonHeight);
  if (storage.get(logKey) === undefined) {
    const change: ChangeSet = { old: storage.get<StoredSet>(PRIMARY) ?? null };
    storage.set(logKey, change);
  }
  storage.set(PRIMARY, set);
}

export function addToAllowlist(
  storage: ContractStorage,
  keysHex: readonly string[],
  babylonHeight: bigint,
): void {
  const set = loadAllowlist(storage);
  for (const key of keysHex) if (!set.includes(key)) set.push(key);
  saveAllowlist(storage, set, babylonHeight);
}

export function removeFromAllowlist(
  storage: ContractStorage,
  keysHex: readonly string[],
  babylonHeight: bigint,
): void {
  const remove = new Set(keysHex);
  saveAllowlist(
    storage,
    loadAllowlist(storage).filter((key) => !remove.has(key)),
    babylonHeight,
  );
}

/** `may_load_at_height(h)`, unwrapped to `[]` like the contract does. */
export function allowlistAtHeight(storage: ContractStorage, babylonHeight: bigint): string[] {
  const from = u64Key(babylonHeight);
  for (const [key, value] of storage.range(CHANGELOG)) {
    if (key < from) continue;
    return (value as ChangeSet).old ?? [];
  }
  return loadAllowlist(storage);
}
