/**
 * @module `prune_data`'s scans (contract.md §10.1): ascending over one `(height, …)` map, removing
 * up to `limit` entries with height ≤ `rollup_height`. An entry is one key, not one signature.
 */
import { type ContractStorage, u64FromKey } from "../storage.ts";

export const DEFAULT_PRUNING = 50;
export const MAX_PRUNING = 100;

/** `min(arg ?? 50, 100)`. */
export const pruningLimit = (requested: number | null): number =>
  Math.min(requested ?? DEFAULT_PRUNING, MAX_PRUNING);

/** Removes up to `limit` entries of `namespace` (keys `<u64 height>/<rest>`) at or below `rollupHeight`. */
export function pruneUpTo(
  storage: ContractStorage,
  namespace: string,
  rollupHeight: bigint,
  limit: number,
): number {
  const doomed: string[] = [];
  if (limit > 0) {
    for (const [key] of storage.range(namespace)) {
      const heightPart = key.slice(0, key.indexOf("/"));
      if (u64FromKey(heightPart) > rollupHeight) break;
      doomed.push(key);
      if (doomed.length === limit) break;
    }
  }
  for (const key of doomed) storage.delete(namespace + key);
  return doomed.length;
}
