import {
  QueryParamsRequest as CheckpointParamsRequest,
  QueryParamsResponse as CheckpointParamsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btccheckpoint/v1/query";
import {
  QueryTipRequest,
  QueryTipResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import {
  type BTCDelegationResponse,
  QueryBTCDelegationRequest,
  QueryBTCDelegationResponse,
  QueryFinalityProviderDelegationsRequest,
  QueryFinalityProviderDelegationsResponse,
  QueryFinalityProviderRequest,
  QueryFinalityProviderResponse,
  QueryFinalityProvidersRequest,
  QueryFinalityProvidersResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import { beforeEach, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../../../../src/crypto/index.ts";
import { fromLegacyDecAtomics } from "./legacy-dec.ts";
import { doubleSha256, reversedHex } from "./synthetic.ts";
import { page, TestChain, testAddressOf } from "./testing.ts";

const Q = "/babylon.btcstaking.v1.Query";
const BSN = "edge-devnet-l2";

const fpPk = (chain: TestChain, account: string): string => {
  const fp = chain.genesis.consumers[0]?.finalityProviders.find((f) => f.account === account);
  return bytesToHex(xOnlyPublicKey(hexToBytes(fp?.btcSecretKeyHex ?? "")));
};

function allFinalityProviders(chain: TestChain, limit: number) {
  const fps = [];
  let key: Uint8Array = new Uint8Array();
  do {
    const res = chain.query(
      `${Q}/FinalityProviders`,
      QueryFinalityProvidersRequest,
      { bsnId: BSN, pagination: page({ key, limit }) },
      QueryFinalityProvidersResponse,
    );
    fps.push(...res.finalityProviders);
    key = res.pagination?.nextKey ?? new Uint8Array();
  } while (key.length > 0);
  return fps;
}

function allDelegations(chain: TestChain, fpBtcPkHex: string, limit = 2): BTCDelegationResponse[] {
  const dels: BTCDelegationResponse[] = [];
  let key: Uint8Array = new Uint8Array();
  do {
    const res = chain.query(
      `${Q}/FinalityProviderDelegations`,
      QueryFinalityProviderDelegationsRequest,
      { fpBtcPkHex, pagination: page({ key, limit }) },
      QueryFinalityProviderDelegationsResponse,
    );
    dels.push(...res.btcDelegatorDelegations.flatMap((d) => d.dels));
    key = res.pagination?.nextKey ?? new Uint8Array();
  } while (key.length > 0);
  return dels;
}

/**
 * The finality gadget's power table (gadget.md §1.3, DESIGN "The finality rule"), computed only from
 * query responses: slashed FPs get nothing; a delegation counts at BTC height H iff not unbonded,
 * start + k ≤ H, H + w ≤ end, and the covenant quorum is met in all three signature lists.
 */
function powerTable(chain: TestChain, btcHeight: number): Record<string, number> {
  const ckpt = chain.query(
    "/babylon.btccheckpoint.v1.Query/Params",
    CheckpointParamsRequest,
    {},
    CheckpointParamsResponse,
  );
  const { btcConfirmationDepth: k, checkpointFinalizationTimeout: w } = ckpt.params ?? {
    btcConfirmationDepth: 0,
    checkpointFinalizationTimeout: 0,
  };
  const quorum =
    chain.query(`${Q}/Params`, QueryParamsRequest, {}, QueryParamsResponse).params?.covenantQuorum ?? 0;
  const table: Record<string, number> = {};
  for (const fp of allFinalityProviders(chain, 100)) {
    const moniker = fp.description?.moniker ?? "";
    if (fp.slashedBabylonHeight > 0 || fp.slashedBtcHeight > 0) {
      table[moniker] = 0;
      continue;
    }
    table[moniker] = allDelegations(chain, bytesToHex(fp.btcPk))
      .filter(
        (d) =>
          d.undelegationResponse?.delegatorUnbondingInfoResponse === undefined &&
          d.startHeight + k <= btcHeight &&
          btcHeight + w <= d.endHeight &&
          d.covenantSigs.length >= quorum &&
          (d.undelegationResponse?.covenantUnbondingSigList.length ?? 0) >= quorum &&
          (d.undelegationResponse?.covenantSlashingSigs.length ?? 0) >= quorum,
      )
      .reduce((sum, d) => sum + d.totalSat, 0);
  }
  return table;
}

const tipHeight = (chain: TestChain) =>
  chain.query("/babylon.btclightclient.v1.Query/Tip", QueryTipRequest, {}, QueryTipResponse).header?.height;

describe("btcstaking", () => {
  let chain: TestChain;
  beforeEach(() => {
    chain = new TestChain();
    chain.nextBlock();
  });

  it("answers FinalityProvider with the fields the contract decodes and Babylon's response shape", () => {
    const pk = fpPk(chain, "fp-1");
    const res = chain.query(
      `${Q}/FinalityProvider`,
      QueryFinalityProviderRequest,
      { fpBtcPkHex: pk.toUpperCase() },
      QueryFinalityProviderResponse,
    );
    const fp = res.finalityProvider;
    expect(bytesToHex(fp?.btcPk ?? new Uint8Array())).toBe(pk);
    expect(fp?.btcPk).toHaveLength(32);
    expect(fp).toMatchObject({
      addr: testAddressOf("fp-1"),
      bsnId: BSN,
      slashedBabylonHeight: 0,
      slashedBtcHeight: 0,
      height: 1,
      jailed: false,
      description: { moniker: "devnet-fp-1" },
    });
    expect(fromLegacyDecAtomics(fp?.commission ?? "0")).toBe("0.050000000000000000");
    expect(fp?.pop?.btcSig).toHaveLength(64);
  });

  it("fails FinalityProvider like Babylon for unknown, malformed and empty keys", () => {
    const unknown = bytesToHex(xOnlyPublicKey(new Uint8Array(32).fill(3)));
    expect(
      chain.queryFailure(`${Q}/FinalityProvider`, QueryFinalityProviderRequest, { fpBtcPkHex: unknown })
        .message,
    ).toBe("the finality provider is not found: unknown request");
    expect(
      chain.queryFailure(`${Q}/FinalityProvider`, QueryFinalityProviderRequest, { fpBtcPkHex: "zz" }).message,
    ).toBe("encoding/hex: invalid byte: U+007A 'z': invalid request");
    expect(
      chain.queryFailure(`${Q}/FinalityProvider`, QueryFinalityProviderRequest, { fpBtcPkHex: "abcd" })
        .message,
    ).toBe("malformed public key: invalid length: 2: invalid request");
    expect(
      chain.queryFailure(`${Q}/FinalityProvider`, QueryFinalityProviderRequest, { fpBtcPkHex: "" }).message,
    ).toContain("finality provider BTC public key cannot be empty");
  });

  it("pages FinalityProviders of a BSN by key, offset, reverse and count_total", () => {
    const expected = ["fp-1", "fp-2", "fp-3", "fp-4"].map((a) => fpPk(chain, a)).sort();
    const list = (pagination: ReturnType<typeof page>, bsnId = BSN) =>
      chain.query(
        `${Q}/FinalityProviders`,
        QueryFinalityProvidersRequest,
        { bsnId, pagination },
        QueryFinalityProvidersResponse,
      );
    const pks = (res: ReturnType<typeof list>) => res.finalityProviders.map((f) => bytesToHex(f.btcPk));

    expect(allFinalityProviders(chain, 3).map((f) => bytesToHex(f.btcPk))).toEqual(expected);
    const first = list(page({ limit: 3 }));
    expect(pks(first)).toEqual(expected.slice(0, 3));
    expect(bytesToHex(first.pagination?.nextKey ?? new Uint8Array())).toBe(expected[3]);
    expect(first.pagination?.total).toBe(0);
    const all = list(page());
    expect(all.pagination?.total).toBe(4);
    expect(all.pagination?.nextKey).toHaveLength(0);
    expect(pks(list(page({ offset: 1, limit: 2, countTotal: true })))).toEqual(expected.slice(1, 3));
    expect(list(page({ offset: 1, limit: 2, countTotal: true })).pagination?.total).toBe(4);
    expect(pks(list(page({ reverse: true, limit: 2 })))).toEqual([expected[3], expected[2]]);
    const reverseFromKey = list(page({ reverse: true, limit: 2, key: hexToBytes(expected[1] ?? "") }));
    expect(pks(reverseFromKey)).toEqual([expected[1], expected[0]]);
    expect(reverseFromKey.pagination?.nextKey).toHaveLength(0);
    expect(list(page(), "other-bsn").finalityProviders).toEqual([]);
    // An empty bsn_id means Babylon Genesis' own BSN (the chain id), which has no FPs here.
    expect(list(page(), "").finalityProviders).toEqual([]);
    expect(
      chain.queryFailure(`${Q}/FinalityProviders`, QueryFinalityProvidersRequest, {
        bsnId: BSN,
        pagination: page({ offset: 1, key: new Uint8Array([1]) }),
      }).message,
    ).toContain("either offset or key is expected, got both");
  });

  it("pages FinalityProviderDelegations per delegator with synthetic but well-formed staking data", () => {
    const pk = fpPk(chain, "fp-1");
    const first = chain.query(
      `${Q}/FinalityProviderDelegations`,
      QueryFinalityProviderDelegationsRequest,
      { fpBtcPkHex: pk, pagination: page({ limit: 2 }) },
      QueryFinalityProviderDelegationsResponse,
    );
    expect(first.btcDelegatorDelegations).toHaveLength(2);
    expect(first.pagination?.nextKey).toHaveLength(32);
    const dels = allDelegations(chain, pk);
    expect(dels.map((d) => d.totalSat).sort()).toEqual([1_500_000, 2_500_000, 700_000].sort());
    for (const d of dels) {
      expect(d.btcPk).toHaveLength(32);
      expect(d.fpBtcPkList.map((k) => bytesToHex(k))).toEqual([pk]);
      expect(d.stakingTime).toBe(d.endHeight - d.startHeight);
      expect(d.stakerAddr.startsWith("bbn1")).toBe(true);
      expect(d.undelegationResponse?.unbondingTxHex.length).toBeGreaterThan(0);
      // staking tx output 0 carries total_sat (little-endian u64 after the single input)
      const tx = hexToBytes(d.stakingTxHex);
      const value = new DataView(tx.buffer).getBigUint64(4 + 1 + 32 + 4 + 1 + 4 + 1, true);
      expect(Number(value)).toBe(d.totalSat);
    }
    const pending = dels.find((d) => d.totalSat === 700_000);
    expect(pending?.statusDesc).toBe("PENDING");
    expect(pending?.active).toBe(false);
    const active = dels.find((d) => d.totalSat === 2_500_000);
    expect(active?.statusDesc).toBe("ACTIVE");
    const stakingTxHash = reversedHex(doubleSha256(hexToBytes(active?.stakingTxHex ?? "")));
    const byHash = chain.query(
      `${Q}/BTCDelegation`,
      QueryBTCDelegationRequest,
      { stakingTxHashHex: stakingTxHash },
      QueryBTCDelegationResponse,
    );
    expect(byHash.btcDelegation).toEqual(active);
    expect(
      chain.query(
        `${Q}/FinalityProviderDelegations`,
        QueryFinalityProviderDelegationsRequest,
        { fpBtcPkHex: bytesToHex(xOnlyPublicKey(new Uint8Array(32).fill(3))), pagination: page() },
        QueryFinalityProviderDelegationsResponse,
      ).btcDelegatorDelegations,
    ).toEqual([]);
    const someHash = "00".repeat(32);
    expect(
      chain.queryFailure(`${Q}/BTCDelegation`, QueryBTCDelegationRequest, { stakingTxHashHex: someHash })
        .message,
    ).toContain("the BTC delegation is not found");
  });

  it("unbonds the scheduled delegation when the BTC tip reaches its height (30 s in at default timing)", () => {
    const pk = fpPk(chain, "fp-2");
    const unbonding = () => allDelegations(chain, pk).find((d) => d.totalSat === 800_000);
    chain.advanceTo(29);
    expect(tipHeight(chain)).toBe(202);
    expect(unbonding()?.undelegationResponse?.delegatorUnbondingInfoResponse).toBeUndefined();
    expect(unbonding()?.statusDesc).toBe("ACTIVE");
    chain.advanceTo(30);
    expect(tipHeight(chain)).toBe(203);
    expect(unbonding()?.undelegationResponse?.delegatorUnbondingInfoResponse).toEqual({
      spendStakeTxHex: "",
    });
    expect(unbonding()?.statusDesc).toBe("UNBONDED");
    expect(unbonding()?.active).toBe(false);
  });

  it("expires the short delegation by the gadget rule (H + w > end) at BTC height 206 (60 s in)", () => {
    const pk = fpPk(chain, "fp-3");
    const expiring = () => allDelegations(chain, pk).find((d) => d.totalSat === 500_000);
    expect(expiring()?.endHeight).toBe(209);
    chain.advanceTo(59);
    expect(tipHeight(chain)).toBe(205);
    expect(powerTable(chain, 205)["devnet-fp-3"]).toBe(2_000_000);
    chain.advanceTo(60);
    expect(tipHeight(chain)).toBe(206);
    expect(powerTable(chain, 206)["devnet-fp-3"]).toBe(1_500_000);
    // Babylon's own status uses unbonding_time (w + 1) and says EXPIRED from H + 5 ≥ 209 already.
    expect(expiring()?.statusDesc).toBe("EXPIRED");
  });

  it("gives the gadget's power table the unequal genesis powers at every phase of a run", () => {
    const phases: Array<[number, Record<string, number>]> = [
      [
        200,
        {
          "devnet-fp-1": 4_000_000,
          "devnet-fp-2": 3_000_000,
          "devnet-fp-3": 2_000_000,
          "devnet-fp-4": 1_000_000,
        },
      ],
      [
        203,
        {
          "devnet-fp-1": 4_000_000,
          "devnet-fp-2": 2_200_000,
          "devnet-fp-3": 2_000_000,
          "devnet-fp-4": 1_000_000,
        },
      ],
      [
        206,
        {
          "devnet-fp-1": 4_000_000,
          "devnet-fp-2": 2_200_000,
          "devnet-fp-3": 1_500_000,
          "devnet-fp-4": 1_000_000,
        },
      ],
    ];
    for (const [btcHeight, expected] of phases) {
      // Block time reaching BTC height h is (h − 200) × 10 s after genesis.
      chain.advanceTo((btcHeight - 200) * 10);
      expect(tipHeight(chain)).toBe(btcHeight);
      expect(powerTable(chain, btcHeight)).toEqual(expected);
    }
    // k-deep: at H = 198 the delegation starting at 197 (fp-4) is not yet active.
    expect(powerTable(chain, 198)["devnet-fp-4"]).toBe(600_000);
  });

  it("reports k, w and the covenant quorum in the params the gadget reads", () => {
    const ckpt = chain.query(
      "/babylon.btccheckpoint.v1.Query/Params",
      CheckpointParamsRequest,
      {},
      CheckpointParamsResponse,
    );
    expect(ckpt.params).toEqual({
      btcConfirmationDepth: 2,
      checkpointFinalizationTimeout: 4,
      checkpointTag: "62627434",
    });
    const params = chain.query(`${Q}/Params`, QueryParamsRequest, {}, QueryParamsResponse).params;
    expect(params?.covenantQuorum).toBe(2);
    expect(params?.covenantPks).toHaveLength(3);
    expect(params?.unbondingTimeBlocks).toBe(5);
    expect(fromLegacyDecAtomics(params?.slashingRate ?? "0")).toBe("0.100000000000000000");
  });
});
