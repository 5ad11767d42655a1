import { beforeAll, describe, expect, it } from "vitest";
import type { KVStore } from "../../store/kv-store.ts";
import { executeFinalityContract, stringifyContractJson } from "./index.ts";
import {
  CHAIN_ID,
  CONTRACT,
  type Deployed,
  deployContract,
  expectContractError,
  hashOf,
  STRANGER,
} from "./test-support.ts";

const QUERY_VARIANTS =
  "`block_voters`, `first_pub_rand_commit`, `last_pub_rand_commit`, `pub_rand_commit_for_height`, `list_pub_rand_commit`, `highest_voted_height`, `admin`, `config`, `allowed_finality_providers`, `allowed_finality_providers_at_height`";

describe("pub-rand commit queries (§5)", () => {
  // 35 one-value commits at 10, 15, …, 180.
  let d: Deployed;
  let pk: string;
  const starts = Array.from({ length: 35 }, (_, i) => 10 + 5 * i);
  beforeAll(async () => {
    d = deployContract({ config: { min_pub_rand: 1, max_msgs_per_interval: 1000 } });
    pk = d.fp1.publicKeyHex;
    for (const start of starts)
      d.exec(2, (await d.fp1.commitPublicRandomness({ startHeight: start, numPubRand: 1 })).msg);
  });
  const list = (args: Record<string, unknown> = {}) =>
    (d.query({ list_pub_rand_commit: { btc_pk_hex: pk, ...args } }) as Array<{ start_height: number }>).map(
      (c) => c.start_height,
    );

  it("list: default 10, at most 30, exclusive start_after, reverse, limit 0", () => {
    expect(list()).toEqual(starts.slice(0, 10));
    expect(list({ limit: 50 })).toEqual(starts.slice(0, 30));
    expect(list({ start_after: 20, limit: 3 })).toEqual([25, 30, 35]);
    expect(list({ start_after: 22, limit: 2 })).toEqual([25, 30]);
    expect(list({ reverse: true, limit: 3 })).toEqual([180, 175, 170]);
    expect(list({ reverse: true, start_after: 30 })).toEqual([25, 20, 15, 10]);
    expect(list({ limit: 0 })).toEqual([]);
    expect(list({ start_after: null, limit: null, reverse: null })).toEqual(starts.slice(0, 10));
  });

  it("first / last / for height; answers use integer arrays and numbers", () => {
    const first = d.query({ first_pub_rand_commit: { btc_pk_hex: pk } });
    expect(first).toMatchObject({ start_height: 10, num_pub_rand: 1, interval: 5, babylon_epoch: 1 });
    expect(stringifyContractJson(first)).toMatch(
      /^\{"start_height":10,"num_pub_rand":1,"interval":5,"babylon_epoch":1,"commitment":\[(\d{1,3},){31}\d{1,3}\]\}$/,
    );
    expect(d.query({ last_pub_rand_commit: { btc_pk_hex: pk.toUpperCase() } })).toMatchObject({
      start_height: 180,
    });
    expect(d.query({ pub_rand_commit_for_height: { btc_pk_hex: pk, height: 95 } })).toMatchObject({
      start_height: 95,
    });
    expect(d.query({ pub_rand_commit_for_height: { btc_pk_hex: pk, height: 96 } })).toBeNull();
    expect(d.query({ pub_rand_commit_for_height: { btc_pk_hex: pk, height: 185 } })).toBeNull();
    expect(d.query({ first_pub_rand_commit: { btc_pk_hex: d.fp2.publicKeyHex } })).toBeNull();
    expect(d.query({ list_pub_rand_commit: { btc_pk_hex: d.fp2.publicKeyHex } })).toEqual([]);
  });

  it("sparse coverage: only start + i·interval with i < num", async () => {
    const e = deployContract();
    e.exec(2, (await e.fp1.commitPublicRandomness({ startHeight: 10, numPubRand: 8 })).msg);
    const forHeight = (height: number) =>
      e.query({ pub_rand_commit_for_height: { btc_pk_hex: e.fp1.publicKeyHex, height } });
    expect(forHeight(45)).toMatchObject({ start_height: 10 });
    expect(forHeight(17)).toBeNull();
    expect(forHeight(50)).toBeNull();
    expect(forHeight(5)).toBeNull();
  });
});

describe("other queries", () => {
  it("block voters of an unknown block is null; hex errors use the Rust texts", () => {
    const d = deployContract();
    expect(d.query({ block_voters: { height: 15, hash_hex: "ab" } })).toBeNull();
    expectContractError(
      () => d.query({ block_voters: { height: 15, hash_hex: "gg" } }),
      "Invalid character 'g' at position 0",
    );
    expectContractError(
      () => d.query({ highest_voted_height: { btc_pk_hex: "abc" } }),
      "Odd number of digits",
    );
    expectContractError(
      () => d.query({ first_pub_rand_commit: { btc_pk_hex: "0x" } }),
      "Invalid character 'x' at position 1",
    );
  });

  it("admin and config need their empty objects; unknown variants are refused", () => {
    const d = deployContract();
    expect(d.query({ admin: {} })).toEqual({ admin: expect.stringMatching(/^bbn1/) });
    expectContractError(
      () => d.query({ admin: null }),
      "Error parsing into type finality::msg::QueryMsg: Invalid type",
    );
    expectContractError(
      () => d.query("config"),
      "Error parsing into type finality::msg::QueryMsg: Invalid type",
    );
    expectContractError(
      () => d.query({ is_enabled: {} }),
      `Error parsing into type finality::msg::QueryMsg: unknown variant \`is_enabled\`, expected one of ${QUERY_VARIANTS}`,
    );
    expect(d.query({ config: { extra: 1 } })).toMatchObject({ bsn_id: "test-bsn" });
  });
});

describe("commit lookups across index buckets", () => {
  it("finds the covering commit in the same or an earlier 4096-height bucket", async () => {
    const d = deployContract();
    for (const start of [10, 5000, 9000, 9100]) {
      d.exec(2, (await d.fp1.commitPublicRandomness({ startHeight: start, numPubRand: 4 })).msg);
    }
    const pk = d.fp1.publicKeyHex;
    const forHeight = (height: number) =>
      (d.query({ pub_rand_commit_for_height: { btc_pk_hex: pk, height } }) as { start_height: number } | null)
        ?.start_height ?? null;
    expect([
      forHeight(10),
      forHeight(25),
      forHeight(30),
      forHeight(4100),
      forHeight(5015),
      forHeight(9105),
    ]).toEqual([10, 10, null, null, 5000, 9100]);
    expect(d.query({ first_pub_rand_commit: { btc_pk_hex: pk } })).toMatchObject({ start_height: 10 });
    expect(d.query({ last_pub_rand_commit: { btc_pk_hex: pk } })).toMatchObject({ start_height: 9100 });
    // A vote in the oldest commit, and the overlap check against the newest.
    d.exec(3, await d.fp1.submitFinalitySignature({ height: 15, blockHash: hashOf("b") }));
    const overlapping = (await d.fp1.commitPublicRandomness({ startHeight: 9115, numPubRand: 4 })).msg;
    expectContractError(
      () => d.exec(3, overlapping),
      "The start height (9115) has overlap with the height of the highest public randomness committed (9120)",
    );
  });

  it("commits and votes use point reads only, so their cost does not grow with history", async () => {
    const d = deployContract({ config: { min_pub_rand: 1, max_msgs_per_interval: 1000 } });
    for (let i = 0; i < 20; i++) {
      d.exec(2, (await d.fp1.commitPublicRandomness({ startHeight: 10 + 5 * i, numPubRand: 1 })).msg);
    }
    const scanned: string[] = [];
    const counting: KVStore = {
      get: (key) => d.store.get(key),
      has: (key) => d.store.has(key),
      set: (key, value) => d.store.set(key, value),
      delete: (key) => d.store.delete(key),
      entries: (prefix, options) => {
        scanned.push(prefix);
        return d.store.entries(prefix, options);
      },
    };
    const env = { blockHeight: 3, chainId: CHAIN_ID, contractAddress: CONTRACT };
    executeFinalityContract(
      counting,
      env,
      d.host,
      STRANGER,
      (await d.fp1.commitPublicRandomness({ startHeight: 110, numPubRand: 1 })).msg,
    );
    executeFinalityContract(
      counting,
      env,
      d.host,
      STRANGER,
      await d.fp1.submitFinalitySignature({ height: 50, blockHash: hashOf("b") }),
    );
    expect(scanned).toEqual([]);
  });
});
