/** @module `checkGrid`: is the grid height the one whose votes decide this block, and the answer's grid block it? */
import { nextGridHeight, resolveConfig } from "../../../src/finality/index.ts";
import type { ParsedDecision } from "./parse-decision.ts";
import type { VerificationCheck } from "./types.ts";

type Block = NonNullable<ParsedDecision["block"]>;

/**
 * The rule decides block `h` by the first grid block `g ≥ h` (`g = h` on the grid). Without the contract's
 * schedule only `g ≥ h` can be checked; with it (`activationHeight`, `interval`), `g` must be exactly the rule's
 * next grid height and `h` at or above activation. The answer's `gridBlock`, when it names one, must sit at `g`,
 * be the block itself on the grid, and be the grid block the caller vouched for (`gridBlockHash`): the votes are
 * checked over it, so an answer that names another block than it decides by is refused here.
 */
export function checkGrid(
  block: Block,
  gridHeight: bigint,
  gridBlock: ParsedDecision["gridBlock"],
  options: {
    readonly schedule?:
      | { readonly activationHeight: number | bigint; readonly interval: number | bigint }
      | undefined;
    readonly gridBlockHash?: string | undefined;
  },
): VerificationCheck {
  const name = "grid";
  const fail = (detail: string): VerificationCheck => ({ name, ok: false, detail });
  const { number } = block;
  if (gridHeight < number) return fail(`grid height ${gridHeight} is below the block's height ${number}`);
  if (gridBlock !== null) {
    if (gridBlock.number !== gridHeight)
      return fail(`the answer's grid block is at ${gridBlock.number}, its gridHeight ${gridHeight}`);
    if (
      gridHeight === number &&
      (gridBlock.hash !== block.hash || (block.timestamp !== null && gridBlock.timestamp !== block.timestamp))
    )
      return fail(`on the grid, but the answer's grid block ${gridBlock.hash} is not the block itself`);
    const vouched = options.gridBlockHash?.toLowerCase();
    if (vouched !== undefined && vouched !== gridBlock.hash)
      return fail(
        `the answer's grid block ${gridBlock.hash} is not the gridBlockHash you passed, ${vouched}`,
      );
  }
  const where = gridHeight === number ? "on the grid" : `off the grid, decided by grid block ${gridHeight}`;
  const { schedule } = options;
  if (schedule === undefined) return { name, ok: true, detail: `${where} (schedule not checked)` };
  const config = resolveConfig({
    activationHeight: BigInt(schedule.activationHeight),
    interval: BigInt(schedule.interval),
  });
  if (number < config.activationHeight)
    return fail(`block ${number} is below activation height ${config.activationHeight}`);
  const expected = nextGridHeight(config, number);
  if (expected !== gridHeight)
    return fail(
      `grid height ${gridHeight}, but the schedule (activation ${config.activationHeight}, interval ${config.interval}) gives ${expected}`,
    );
  return {
    name,
    ok: true,
    detail: `${where} (activation ${config.activationHeight}, interval ${config.interval})`,
  };
}
