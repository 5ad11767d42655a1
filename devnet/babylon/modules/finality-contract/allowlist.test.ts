import { describe, expect, it } from "vitest";
import { ADMIN, type Deployed, deployContract, hexOf } from "./test-support.ts";

const A = hexOf("allowlist a");
const B = hexOf("allowlist b");
const C = hexOf("allowlist c");
const at = (d: Deployed, babylon_height: number) =>
  d.query({ allowed_finality_providers_at_height: { babylon_height } });

describe("allowlist snapshots (§10.3)", () => {
  it("value at h is the set before any change in block h (the contract's own example)", () => {
    const d = deployContract({ height: 100, allowlist: [A] });
    d.exec(105, { add_to_allowlist: { fp_pubkey_hex_list: [B] } }, ADMIN);
    expect(at(d, 102)).toEqual([A]);
    expect(at(d, 107)).toEqual([A, B]);
    expect(at(d, 100)).toEqual([]); // instantiation height
    expect(at(d, 99)).toEqual([]);
    expect(at(d, 101)).toEqual([A]);
    expect(at(d, 105)).toEqual([A]);
    expect(at(d, 106)).toEqual([A, B]);
    expect(d.query({ allowed_finality_providers: {} })).toEqual([A, B]);
  });

  it("only the first change within a block is logged", () => {
    const d = deployContract({ height: 100, allowlist: [A, B] });
    d.exec(110, { remove_from_allowlist: { fp_pubkey_hex_list: [A] } }, ADMIN);
    d.exec(110, { add_to_allowlist: { fp_pubkey_hex_list: [C] } }, ADMIN);
    expect(at(d, 110)).toEqual([A, B]);
    expect(at(d, 111)).toEqual([B, C]);
  });

  it("a contract instantiated without a list has no snapshot until the first change", () => {
    const d = deployContract({ height: 1, allowlist: null });
    expect(at(d, 1)).toEqual([]);
    d.exec(50, { add_to_allowlist: { fp_pubkey_hex_list: [A] } }, ADMIN);
    expect(at(d, 50)).toEqual([]);
    expect(at(d, 51)).toEqual([A]);
  });
});
