/**
 * @module Whether this FP may vote on a block, read from Babylon the way the edge decides finality: registered for
 * the BSN, not slashed, and with voting power at the BTC height of the block's timestamp (an FP votes only where
 * its stake counts; a vote without power changes nothing and costs the relay). One reading per BTC height.
 */
import {
  type BabylonRpc,
  type BtcHeaderCache,
  computeVotingPower,
  type Delegation,
  getBtcHeightAtTimestamp,
  getCheckpointParams,
  getFinalityProviderDelegations,
  getFinalityProviders,
  getStakingParams,
  isSlashed,
} from "../babylon/index.ts";

export type Registration =
  | { kind: "registered"; slashed: false; jailed: boolean }
  | { kind: "slashed"; slashedBabylonHeight: number; slashedBtcHeight: number }
  | { kind: "not_registered" };

/** Why (not) to vote on one block. */
export type Eligibility =
  | { kind: "eligible"; btcHeight: number; power: bigint }
  | { kind: "no_voting_power"; btcHeight: number }
  | { kind: "slashed"; detail: string }
  | { kind: "not_registered"; detail: string };

/** How a slashing Babylon recorded is reported (the store's `slashed` meta, the log, the status). */
export const slashedDetail = (r: { slashedBabylonHeight: number; slashedBtcHeight: number }): string =>
  `slashed at Babylon height ${r.slashedBabylonHeight}, BTC height ${r.slashedBtcHeight}`;

export type EligibilityReader = {
  registration(): Promise<Registration>;
  /** For a block with this timestamp (unix seconds). */
  check(blockTimestamp: number): Promise<Eligibility>;
  /** The power at the last BTC height read (for metrics), or null before the first check. */
  readonly lastPower: { btcHeight: number; power: bigint } | null;
};

/** How long a BTC tip reading answers for blocks newer than it. */
const CLAMPED_TIP_TTL_MS = 2_000;

export function createEligibilityReader(
  rpc: BabylonRpc,
  {
    bsnId,
    btcPkHex,
    registrationTtlMs = 10_000,
    stakeTtlMs = 30_000,
  }: { bsnId: string; btcPkHex: string; registrationTtlMs?: number; stakeTtlMs?: number },
): EligibilityReader {
  let registration: { value: Registration; at: number } | undefined;
  let lastPower: { btcHeight: number; power: bigint } | null = null;

  async function readRegistration(): Promise<Registration> {
    if (registration && Date.now() - registration.at < registrationTtlMs) return registration.value;
    const fps = await getFinalityProviders(rpc, bsnId);
    const fp = fps.find((candidate) => candidate.btcPk === btcPkHex);
    const value: Registration =
      fp === undefined
        ? { kind: "not_registered" }
        : isSlashed(fp)
          ? {
              kind: "slashed",
              slashedBabylonHeight: fp.slashedBabylonHeight,
              slashedBtcHeight: fp.slashedBtcHeight,
            }
          : { kind: "registered", slashed: false, jailed: fp.jailed };
    registration = { value, at: Date.now() };
    return value;
  }

  // A block newer than the BTC tip maps to the tip (clamped): one reading serves every such block for a
  // couple of seconds, instead of one query per height.
  let clampedTip: { timestamp: number; height: number; at: number } | undefined;
  // Headers deep enough below the tip never change: kept in memory, so a catch-up over older blocks walks the
  // light client once, not once per height (bounded: the most recent few thousand).
  const headers = new Map<number, { timestamp: number; hash: string }>();
  const headerCache: BtcHeaderCache = {
    get: (height) => headers.get(height),
    put: (height, header) => {
      if (headers.size >= 4_096) headers.delete(headers.keys().next().value as number);
      headers.set(height, header);
    },
  };
  async function btcHeightAt(blockTimestamp: number): Promise<number> {
    if (
      clampedTip &&
      blockTimestamp >= clampedTip.timestamp &&
      Date.now() - clampedTip.at < CLAMPED_TIP_TTL_MS
    ) {
      return clampedTip.height;
    }
    const found = await getBtcHeightAtTimestamp(rpc, blockTimestamp, { headerCache });
    if (found.clamped) clampedTip = { timestamp: found.timestamp, height: found.height, at: Date.now() };
    return found.height;
  }

  // The FP's delegations and the params change rarely: read them once per `stakeTtlMs`, and compute the power at
  // any BTC height from them locally (the same rule the edge applies), instead of three queries per BTC block.
  let stake:
    | { at: number; delegations: Delegation[]; k: number; w: number; covenantQuorum: number }
    | undefined;
  async function powerAt(btcHeight: number): Promise<bigint> {
    if (!stake || Date.now() - stake.at >= stakeTtlMs) {
      const [staking, checkpoint, delegations] = await Promise.all([
        getStakingParams(rpc),
        getCheckpointParams(rpc),
        getFinalityProviderDelegations(rpc, btcPkHex),
      ]);
      stake = {
        at: Date.now(),
        delegations,
        k: checkpoint.k,
        w: checkpoint.w,
        covenantQuorum: staking.covenantQuorum,
      };
    }
    return computeVotingPower(stake.delegations, {
      btcHeight,
      k: stake.k,
      w: stake.w,
      covenantQuorum: stake.covenantQuorum,
    });
  }

  return {
    registration: readRegistration,
    async check(blockTimestamp) {
      const state = await readRegistration();
      if (state.kind === "not_registered") {
        return {
          kind: "not_registered",
          detail: `no finality provider ${btcPkHex} is registered for BSN ${bsnId}`,
        };
      }
      if (state.kind === "slashed") return { kind: "slashed", detail: slashedDetail(state) };
      const btcHeight = await btcHeightAt(blockTimestamp);
      const power = await powerAt(btcHeight);
      lastPower = { btcHeight, power };
      return power > 0n ? { kind: "eligible", btcHeight, power } : { kind: "no_voting_power", btcHeight };
    },
    get lastPower() {
      return lastPower;
    },
  };
}
