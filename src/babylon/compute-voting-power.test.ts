import { describe, expect, it } from "vitest";
import { computeVotingPower } from "./compute-voting-power.ts";
import type { Delegation } from "./get-finality-provider-delegations.ts";
import type { FinalityProvider } from "./get-finality-providers.ts";
import { assemblePowerTable } from "./get-power-table.ts";

const rule = { btcHeight: 110, k: 2, w: 4, covenantQuorum: 2 };
const base: Delegation = {
  totalSat: 1_000n,
  startHeight: 100,
  endHeight: 200,
  covenantSigs: 2,
  covenantUnbondingSigs: 2,
  covenantSlashingSigs: 2,
  unbonded: false,
};
const power = (d: Partial<Delegation>, r: Partial<typeof rule> = {}) =>
  computeVotingPower([{ ...base, ...d }], { ...rule, ...r });

describe("computeVotingPower", () => {
  it("counts a delegation exactly k deep (start + k = H) and not one block earlier", () => {
    expect(power({ startHeight: 108 })).toBe(1_000n);
    expect(power({ startHeight: 109 })).toBe(0n);
  });

  it("counts a delegation exactly w before its end (H + w = end) and not one block later", () => {
    expect(power({ endHeight: 114 })).toBe(1_000n);
    expect(power({ endHeight: 113 })).toBe(0n);
  });

  it("needs the covenant quorum in each of the three signature lists", () => {
    expect(power({ covenantSigs: 1 })).toBe(0n);
    expect(power({ covenantUnbondingSigs: 1 })).toBe(0n);
    expect(power({ covenantSlashingSigs: 1 })).toBe(0n);
    expect(power({ covenantSigs: 3, covenantUnbondingSigs: 2, covenantSlashingSigs: 5 })).toBe(1_000n);
  });

  it("excludes unbonded delegations", () => {
    expect(power({ unbonded: true })).toBe(0n);
  });

  it("does not wrap at uint32 (the reference gadget's MaxUint32 overflow)", () => {
    expect(power({}, { btcHeight: 0xffff_ffff })).toBe(0n);
  });

  it("sums in bigint beyond 2^53", () => {
    const big = 2n ** 53n;
    expect(
      computeVotingPower(
        [
          { ...base, totalSat: big },
          { ...base, totalSat: big + 1n },
        ],
        rule,
      ),
    ).toBe(2n ** 54n + 1n);
  });
});

describe("assemblePowerTable", () => {
  const fp = (btcPk: string, slashed: Partial<FinalityProvider> = {}): FinalityProvider => ({
    btcPk,
    slashedBabylonHeight: 0,
    slashedBtcHeight: 0,
    jailed: false,
    moniker: btcPk,
    ...slashed,
  });

  it("gives slashed FPs (either slashed height set) no power and flags them", () => {
    const table = assemblePowerTable(
      [
        { fp: fp("aa"), power: 5n },
        { fp: fp("bb", { slashedBabylonHeight: 7 }), power: 3n },
        { fp: fp("cc", { slashedBtcHeight: 201 }), power: 2n },
        { fp: fp("dd", { jailed: true }), power: 1n },
      ],
      203,
    );
    expect(table).toEqual({
      btcHeight: 203,
      totalPower: 6n,
      providers: [
        { btcPk: "aa", power: 5n, slashed: false },
        { btcPk: "bb", power: 0n, slashed: true },
        { btcPk: "cc", power: 0n, slashed: true },
        { btcPk: "dd", power: 1n, slashed: false },
      ],
    });
  });
});
