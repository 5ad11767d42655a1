/**
 * @module `prune_data` (contract.md §10.1): admin only; three independent ascending scans at or
 * below `rollup_height` — finality signatures and signatories share `max_signatures_to_prune`,
 * pub-rand values use `max_pub_rand_values_to_prune` (default 50, at most 100, 0 prunes nothing).
 * The scans' exclusive bound is `rollup_height + 1`, so `u64::MAX` overflows and aborts.
 */
import { contractAbort } from "../errors.ts";
import type { ExecuteMsg } from "../messages.ts";
import { ResponseBuilder } from "../response.ts";
import { assertAdmin } from "../state/admin.ts";
import { FINALITY_SIGNATURES, SIGNATORIES_BY_BLOCK_HASH } from "../state/finality-signatures.ts";
import { pruneUpTo, pruningLimit } from "../state/pruning.ts";
import { PUB_RAND_VALUES } from "../state/pub-rand-values.ts";
import type { ContractStorage } from "../storage.ts";
import type { ContractResponse } from "../types.ts";

type Body = Extract<ExecuteMsg, { variant: "prune_data" }>["body"];

const U64_MAX = (1n << 64n) - 1n;

export function pruneData(storage: ContractStorage, sender: string, body: Body): ContractResponse {
  assertAdmin(storage, sender);
  const height = body.rollup_height;
  if (height === U64_MAX) throw contractAbort("add");
  const signatureLimit = pruningLimit(body.max_signatures_to_prune);
  const signatures = pruneUpTo(storage, FINALITY_SIGNATURES, height, signatureLimit);
  const signatories = pruneUpTo(storage, SIGNATORIES_BY_BLOCK_HASH, height, signatureLimit);
  const values = pruneUpTo(storage, PUB_RAND_VALUES, height, pruningLimit(body.max_pub_rand_values_to_prune));
  return new ResponseBuilder()
    .attribute("action", "prune_data")
    .attribute("rollup_height", height.toString())
    .attribute("pruned_signatures", String(signatures))
    .attribute("pruned_signatories", String(signatories))
    .attribute("pruned_pub_rand_values", String(values))
    .build();
}
