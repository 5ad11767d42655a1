/** @module `checkContract`: the finality contract's config, read from Babylon, against what the caller expects. */
import type { ContractConfig } from "../../../src/babylon/index.ts";
import { describeError } from "./describe-error.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * Reads the contract's config (its BSN id keys the power table; its schedule decides the grid height) and
 * compares it with the caller's `bsnId` and `schedule`, when given. A read failure fails the check.
 */
export async function checkContract(
  read: () => Promise<ContractConfig>,
  expected: {
    readonly bsnId?: string | undefined;
    readonly schedule?: { readonly activationHeight: number; readonly interval: number } | undefined;
  },
): Promise<{ check: VerificationCheck; config: ContractConfig | null }> {
  const name = "contract";
  let config: ContractConfig;
  try {
    config = await read();
  } catch (error) {
    return {
      check: { name, ok: false, detail: `the contract's config could not be read: ${describeError(error)}` },
      config: null,
    };
  }
  const wrong: string[] = [];
  if (expected.bsnId !== undefined && expected.bsnId !== config.bsnId)
    wrong.push(`BSN ${config.bsnId}, expected ${expected.bsnId}`);
  const { schedule } = expected;
  if (
    schedule !== undefined &&
    (schedule.activationHeight !== config.activationHeight || schedule.interval !== config.interval)
  )
    wrong.push(
      `schedule activation ${config.activationHeight} interval ${config.interval}, expected activation ` +
        `${schedule.activationHeight} interval ${schedule.interval}`,
    );
  const summary = `BSN ${config.bsnId}, activation ${config.activationHeight}, interval ${config.interval}`;
  if (wrong.length > 0)
    return { check: { name, ok: false, detail: `the contract has ${wrong.join("; ")}` }, config };
  return { check: { name, ok: true, detail: summary }, config };
}
