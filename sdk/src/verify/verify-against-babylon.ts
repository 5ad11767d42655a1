/** @module `verifyAgainstBabylon`: the decision's checks, then every fact the answer states, re-read from Babylon. */
import type { BlockVoter, PowerTable } from "../../../src/babylon/index.ts";
import { assertOptions } from "./assert-options.ts";
import { checkBabylonPower } from "./check-babylon-power.ts";
import { checkBabylonQuorum } from "./check-babylon-quorum.ts";
import { checkBabylonVoters } from "./check-babylon-voters.ts";
import { checkBtcHeight } from "./check-btc-height.ts";
import { checkContract } from "./check-contract.ts";
import { checkPreviousGrids } from "./check-previous-grids.ts";
import type { BabylonReaders } from "./create-babylon-readers.ts";
import { describeError } from "./describe-error.ts";
import { listTrusts } from "./list-trusts.ts";
import { runDecisionChecks } from "./run-decision-checks.ts";
import { toResult } from "./to-result.ts";
import type {
  FinalityDecision,
  VerificationCheck,
  VerificationResult,
  VerifyDecisionOptions,
  VerifyWithBabylonOptions,
} from "./types.ts";

export type VerifyAgainstBabylonOptions = VerifyDecisionOptions &
  Pick<VerifyWithBabylonOptions, "bsnId" | "previousGrids"> & {
    /** Names the Babylon source in `trusts` (e.g. its RPC URL). */
    readonly babylonLabel: string;
  };

/**
 * {@link verifyWithBabylon} over any {@link BabylonReaders} (e.g. readers with authentication, or test fakes).
 * Runs the decision's checks (with the contract's schedule; evidence may be missing, Babylon supplies it), then:
 * contract (config, BSN), babylon-voters (`block_voters` of the grid block, their signatures, one for one with the
 * answer's), btc-height (re-derived from the grid block's timestamp when known), babylon-power (the stated powers
 * and total against the BSN's table at that height), babylon-quorum (the rule's count over Babylon's voters and
 * table), and previous-grids (with `previousGrids` > 0). Every Babylon failure fails its check: fail closed.
 * @throws TypeError / RangeError for invalid options (never for a bad answer or an unreachable Babylon).
 */
export async function verifyAgainstBabylon(
  decision: FinalityDecision,
  readers: BabylonReaders,
  options: VerifyAgainstBabylonOptions,
): Promise<VerificationResult> {
  assertOptions(options);
  const previousGrids = options.previousGrids ?? 0;
  if (!Number.isSafeInteger(previousGrids) || previousGrids < 0)
    throw new RangeError(`previousGrids must be a non-negative integer, got ${previousGrids}`);
  if (previousGrids > 0 && options.l2 === undefined)
    throw new TypeError("previousGrids needs l2 (an L2 block reader)");

  const contract = await checkContract(() => readers.contractConfig(), options);
  const config = contract.config;
  const schedule = config
    ? { activationHeight: config.activationHeight, interval: config.interval }
    : options.schedule;
  const run = await runDecisionChecks(decision, { ...options, ...(schedule ? { schedule } : {}) }, true);
  const checks: VerificationCheck[] = [...run.checks, contract.check];
  const facts = {
    babylonRpcUrl: options.babylonLabel,
    btcHeightRederived: false,
    trustedBelow: null as bigint | null,
  };
  const l2Checked = run.checks.some((c) => c.name === "l2-block" && c.ok);
  const done = (babylon?: VerificationResult["babylon"]) =>
    toResult("babylon", run, checks, listTrusts(run, l2Checked, facts), babylon);

  const answer = run.decision;
  const grid = run.grid;
  // Until a walk or the schedule says otherwise, every grid block below this one is taken on trust.
  facts.trustedBelow = grid?.height ?? null;
  if (answer === null || grid === null || config === null) return done();
  if (grid.hash === null) {
    checks.push({
      name: "babylon-voters",
      ok: false,
      detail: `off-grid answer: grid block ${grid.height}'s hash is needed to read its votes; pass gridBlockHash or l2`,
    });
    return done();
  }

  let voters: BlockVoter[];
  try {
    voters = await readers.blockVoters(grid.height, grid.hash);
  } catch (error) {
    checks.push({
      name: "babylon-voters",
      ok: false,
      detail: `block_voters could not be read: ${describeError(error)}`,
    });
    return done();
  }
  checks.push(checkBabylonVoters(voters, answer.voters, { height: grid.height, hash: grid.hash }, options));

  const btc = await checkBtcHeight((t) => readers.btcHeightAt(t), grid.timestamp, answer.btcHeight);
  if (btc.check) checks.push(btc.check);
  facts.btcHeightRederived = btc.check !== null;
  if (btc.height === null) return done();

  // One table per BTC height for the whole verification: consecutive grid blocks often share one.
  const tables = new Map<bigint, Promise<PowerTable>>();
  const powerTable = (height: bigint): Promise<PowerTable> => {
    let table = tables.get(height);
    if (!table) {
      table = readers.powerTable(config.bsnId, height);
      tables.set(height, table);
    }
    return table;
  };
  let table: PowerTable;
  try {
    table = btc.beforeBase
      ? { btcHeight: Number(btc.height), totalPower: 0n, providers: [] }
      : await powerTable(btc.height);
  } catch (error) {
    checks.push({
      name: "babylon-power",
      ok: false,
      detail: `the power table could not be read: ${describeError(error)}`,
    });
    return done();
  }
  checks.push(checkBabylonPower(table, answer));
  const counted = checkBabylonQuorum(voters, table, run.ratio);
  checks.push(counted.check);
  const babylon = {
    btcHeight: table.btcHeight,
    votedPower: counted.quorum.votedPower.toString(),
    totalPower: counted.quorum.totalPower.toString(),
    threshold: counted.quorum.threshold.toString(),
    reached: counted.quorum.reached,
    voters: voters.length,
  };

  if (previousGrids > 0 && options.l2 !== undefined) {
    const previous = await checkPreviousGrids({
      grid: grid.height,
      count: previousGrids,
      activationHeight: BigInt(config.activationHeight),
      interval: BigInt(config.interval),
      ratio: run.ratio,
      l2: options.l2,
      readers,
      powerTable,
    });
    checks.push(previous.check);
    facts.trustedBelow = previous.trustedBelow;
  } else if (grid.height - BigInt(config.interval) < BigInt(config.activationHeight)) {
    facts.trustedBelow = null;
  }
  return done(babylon);
}
