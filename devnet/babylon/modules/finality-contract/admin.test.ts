import { describe, expect, it } from "vitest";
import { PANIC_LOCATION } from "../../../../src/contract-rules/index.ts";
import { bytesToHex } from "../../../../src/crypto/index.ts";
import { migrateFinalityContract, parseContractJson } from "./index.ts";
import { pruningLimit } from "./state/pruning.ts";
import { ContractStorage } from "./storage.ts";
import {
  ADMIN,
  address,
  CONTRACT,
  contractError,
  type Deployed,
  deployContract,
  envAt,
  expectContractError,
  hashOf,
  hexOf,
  STRANGER,
} from "./test-support.ts";

const NOT_ADMIN = "Admin error: Caller is not admin";
const EMPTY_KEY = "Empty finality provider BTC public key";

describe("update_admin (§4.3)", () => {
  it("validates the new address first, then the caller", () => {
    const d = deployContract();
    expectContractError(
      () => d.exec(3, { update_admin: { admin: "" } }, STRANGER),
      "Generic error: addr_validate errored: empty address string is not allowed",
    );
    expectContractError(() => d.exec(3, { update_admin: { admin: STRANGER } }, STRANGER), NOT_ADMIN);
    // bech32 failures carry the Go SDK's words.
    expectContractError(
      () => d.exec(3, { update_admin: { admin: "notanaddress" } }, ADMIN),
      "Generic error: addr_validate errored: decoding bech32 failed: invalid separator index -1",
    );
    const last = STRANGER.at(-1) === "q" ? "p" : "q";
    const broken = `${STRANGER.slice(0, -1)}${last}`;
    expectContractError(
      () => d.exec(3, { update_admin: { admin: broken } }, ADMIN),
      `Generic error: addr_validate errored: decoding bech32 failed: invalid checksum (expected ${STRANGER.slice(-6)} got ${broken.slice(-6)})`,
    );
  });

  it("hands over the role", () => {
    const d = deployContract();
    const next = address("next admin");
    expect(d.exec(3, { update_admin: { admin: next } }, ADMIN).attributes).toEqual([
      { key: "action", value: "update_admin" },
      { key: "admin", value: next },
      { key: "sender", value: ADMIN },
    ]);
    expect(d.query({ admin: {} })).toEqual({ admin: next });
    expectContractError(() => d.exec(4, { update_admin: { admin: ADMIN } }, ADMIN), NOT_ADMIN);
    d.exec(4, { update_admin: { admin: ADMIN } }, next);
  });
});

describe("add_to_allowlist / remove_from_allowlist (§4.5)", () => {
  const add = (d: Deployed, list: string[], sender = ADMIN) =>
    d.exec(3, { add_to_allowlist: { fp_pubkey_hex_list: list } }, sender);
  const remove = (d: Deployed, list: string[], sender = ADMIN) =>
    d.exec(3, { remove_from_allowlist: { fp_pubkey_hex_list: list } }, sender);

  it("checks: empty list, empty entry, admin, hex — in that order", () => {
    const d = deployContract();
    for (const op of [add, remove]) {
      expectContractError(() => op(d, [], STRANGER), EMPTY_KEY);
      expectContractError(() => op(d, ["zz", ""], STRANGER), EMPTY_KEY);
      expectContractError(() => op(d, ["zz"], STRANGER), NOT_ADMIN);
      expectContractError(() => op(d, [hexOf("a"), "abc"]), "Odd number of digits");
    }
  });

  it("adds and removes whole sets; counts are input lengths; absent keys are fine", () => {
    const d = deployContract({ allowlist: [] });
    const a = hexOf("a");
    const b = hexOf("b");
    expect(add(d, [a.toUpperCase(), a, b])).toEqual({
      attributes: [
        { key: "action", value: "add_to_allowlist" },
        { key: "num_added", value: "3" },
      ],
      events: [
        {
          type: "add_to_allowlist",
          attributes: [{ key: "fp_pubkeys", value: `${a.toUpperCase()},${a},${b}` }],
        },
      ],
      messages: [],
    });
    expect(d.query({ allowed_finality_providers: {} })).toEqual([a, b]);
    expect(remove(d, [a, hexOf("never added")])).toEqual({
      attributes: [
        { key: "action", value: "remove_from_allowlist" },
        { key: "num_removed", value: "2" },
      ],
      events: [
        {
          type: "remove_from_allowlist",
          attributes: [{ key: "fp_pubkeys", value: `${a},${hexOf("never added")}` }],
        },
      ],
      messages: [],
    });
    expect(d.query({ allowed_finality_providers: {} })).toEqual([b]);
  });
});

describe("update_config (§4.6)", () => {
  const update = (d: Deployed, fields: Record<string, unknown>, sender = ADMIN) =>
    d.exec(3, { update_config: fields }, sender);

  it("checks the caller first, then each field in order, then that something was given", () => {
    const d = deployContract();
    expectContractError(() => update(d, {}, STRANGER), NOT_ADMIN);
    expectContractError(() => update(d, { min_pub_rand: 0 }, STRANGER), NOT_ADMIN);
    expectContractError(() => update(d, {}), "No configuration fields were provided to update");
    expectContractError(
      () => update(d, { min_pub_rand: null, max_msgs_per_interval: null }),
      "No configuration fields were provided to update",
    );
    expectContractError(
      () => update(d, { min_pub_rand: 0, max_msgs_per_interval: 0 }),
      "Invalid min_pub_rand value: 0. Must be at least 1",
    );
    expectContractError(
      () => update(d, { min_pub_rand: 5, max_msgs_per_interval: 0, rate_limiting_interval: 0 }),
      "Invalid max messages per interval: 0. Must be at least 1",
    );
    expectContractError(
      () => update(d, { rate_limiting_interval: 0 }),
      "Invalid rate limiting interval: 0. Must be at least 1",
    );
    // Nothing of the failed updates stuck.
    expect(d.query({ config: {} })).toMatchObject({ min_pub_rand: 4 });
  });

  it("applies the given fields; the fixed ones are unknown fields and ignored", () => {
    const d = deployContract();
    expectContractError(
      () => update(d, { finality_signature_interval: 2, bsn_activation_height: 3 }),
      "No configuration fields were provided to update",
    );
    expect(
      update(d, { min_pub_rand: 7, max_msgs_per_interval: 3, rate_limiting_interval: 20 }).attributes,
    ).toEqual([{ key: "action", value: "update_config" }]);
    expect(d.query({ config: {} })).toEqual({
      bsn_id: "test-bsn",
      min_pub_rand: 7,
      rate_limiting: { max_msgs_per_interval: 3, block_interval: 20 },
      bsn_activation_height: 10,
      finality_signature_interval: 5,
    });
  });
});

describe("prune_data (§10.1)", () => {
  /** fp1 and fp2 vote for the same blocks at 15, 20, 25. */
  async function deployWithVotes() {
    const d = deployContract();
    for (const fp of [d.fp1, d.fp2]) {
      d.exec(2, (await fp.commitPublicRandomness({ startHeight: 10, numPubRand: 8 })).msg);
      for (const height of [15, 20, 25]) {
        d.exec(3, await fp.submitFinalitySignature({ height, blockHash: hashOf(`block ${height}`) }));
      }
    }
    return d;
  }
  const prune = (d: Deployed, body: Record<string, unknown>, sender = ADMIN) =>
    d.exec(9, { prune_data: body }, sender);
  const count = (d: Deployed, namespace: string) =>
    [...new ContractStorage(d.store, CONTRACT).range(namespace)].length;

  it("admin only; u64::MAX aborts the wasm", () => {
    const d = deployContract();
    expectContractError(() => prune(d, { rollup_height: 1 }, STRANGER), NOT_ADMIN);
    const abort = contractError(() =>
      d.exec(9, parseContractJson('{"prune_data":{"rollup_height":18446744073709551615}}'), ADMIN),
    );
    expect(abort.kind).toBe("abort");
    expect(abort.message).toBe(`panicked at ${PANIC_LOCATION}:\nattempt to add with overflow`);
    expect(abort.message).toMatch(/^panicked at [^:\s]+:\d+:\d+:\n/);
  });

  it("limits: default 50, at most 100, 0 prunes nothing", () => {
    expect(pruningLimit(null)).toBe(50);
    expect(pruningLimit(70)).toBe(70);
    expect(pruningLimit(500)).toBe(100);
    expect(pruningLimit(0)).toBe(0);
  });

  it("three independent scans at or below the height; commits are kept", async () => {
    const d = await deployWithVotes();
    expect([
      count(d, "finality_signatures/"),
      count(d, "signatories_by_block_hash/"),
      count(d, "pub_rand_values/"),
    ]).toEqual([6, 3, 6]);
    expect(prune(d, { rollup_height: 20, max_signatures_to_prune: 3 }).attributes).toEqual([
      { key: "action", value: "prune_data" },
      { key: "rollup_height", value: "20" },
      { key: "pruned_signatures", value: "3" },
      { key: "pruned_signatories", value: "2" },
      { key: "pruned_pub_rand_values", value: "4" },
    ]);
    expect(d.query({ block_voters: { height: 15, hash_hex: bytesToHex(hashOf("block 15")) } })).toBeNull();
    // Partial pruning: signatories of 25 remain, their randomness is gone.
    const partial = prune(d, { rollup_height: 25, max_signatures_to_prune: 0 });
    expect(partial.attributes.slice(2).map((a) => a.value)).toEqual(["0", "0", "2"]);
    const hash25 = bytesToHex(hashOf("block 25"));
    expectContractError(
      () => d.query({ block_voters: { height: 25, hash_hex: hash25 } }),
      `Failed to query block voters for block 25 with hash ${hash25}. Missing public randomness for FP ${d.fp1.publicKeyHex}`,
    );
    // Signature of fp2 at 20 remains but the block's signatory entry is gone.
    const hash20 = bytesToHex(hashOf("block 20"));
    expect(d.query({ block_voters: { height: 20, hash_hex: hash20 } })).toBeNull();
    expect(d.query({ list_pub_rand_commit: { btc_pk_hex: d.fp1.publicKeyHex } })).toHaveLength(1);
    expect(d.query({ highest_voted_height: { btc_pk_hex: d.fp1.publicKeyHex } })).toBe(25);
  });

  it("missing signature entry for a listed signatory", async () => {
    const d = await deployWithVotes();
    new ContractStorage(d.store, CONTRACT).delete(
      `finality_signatures/${(15).toString(16).padStart(16, "0")}/${d.fp2.publicKeyHex}`,
    );
    const hash = bytesToHex(hashOf("block 15"));
    expectContractError(
      () => d.query({ block_voters: { height: 15, hash_hex: hash } }),
      `Failed to query block voters for block 15 with hash ${hash}. Missing FinalitySigInfo for FP ${d.fp2.publicKeyHex}`,
    );
  });
});

describe("migrate (§10.5)", () => {
  const migrate = (d: Deployed, msg: unknown = {}) => migrateFinalityContract(d.store, envAt(50), msg);

  it("records the version, from cw2 or from a pre-cw2 deployment", () => {
    const d = deployContract();
    expect(migrate(d).attributes).toEqual([
      { key: "action", value: "migrate" },
      { key: "from_version", value: "1.0.0-rc.1" },
      { key: "to_version", value: "1.0.0-rc.1" },
    ]);
    const storage = new ContractStorage(d.store, CONTRACT);
    storage.delete("contract_info");
    expect(migrate(d).attributes[1]).toEqual({ key: "from_version", value: "pre-cw2" });
    expect(storage.get("contract_info")).toEqual({ contract: "rollup-bsn/finality", version: "1.0.0-rc.1" });
  });

  it("refuses another contract's state", () => {
    const d = deployContract();
    new ContractStorage(d.store, CONTRACT).set("contract_info", {
      contract: "crates.io:other",
      version: "0.1.0",
    });
    expectContractError(
      () => migrate(d),
      "Invalid contract name during migration: expected rollup-bsn/finality, got crates.io:other",
    );
    expectContractError(
      () => migrate(d, []),
      "Error parsing into type finality::msg::MigrateMsg: Invalid type",
    );
  });
});
