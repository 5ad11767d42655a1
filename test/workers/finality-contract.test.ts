// The generated finality-contract query client, built by createFinalityQueryClient, running inside workerd and
// talking real HTTP to the fake CometBFT node from global-setup.ts (test/workers/support/fake-comet.ts).
import { fromHex } from "@cosmjs/encoding";
import { describe, expect, inject, it } from "vitest";
import type { FinalityQueryClient } from "../../generated/Finality.client.ts";
import { createFinalityQueryClient } from "../../src/babylon/index.ts";
import {
  COMMITMENT_HEX,
  FINALITY_SIG_HEX,
  FP_PK_HEX,
  PUB_RAND_HEX,
  UNKNOWN_FP_PK_HEX,
  UNVOTED_BLOCK_HASH_HEX,
  UNVOTED_HEIGHT,
  VOTED_BLOCK_HASH_HEX,
  VOTED_HEIGHT,
} from "../fixtures/finality-contract-answers.ts";
import type { RecordedCall } from "./support/fake-comet.ts";

const CONTRACT = "bbn1eaus7dcvyudf3a0c2fmmp78n5yx8l67pkspyqye7qrfmcuxpt9fsuzs5dy";
const bytes = (hex: string) => Array.from(fromHex(hex));

/** A client on its own URL path, so the fake records this test's calls apart from everyone else's. */
function scopedClient(suffix = ""): { client: FinalityQueryClient; calls: () => Promise<RecordedCall[]> } {
  const base = inject("fakeCometUrl");
  const scope = `/scope-${crypto.randomUUID()}${suffix}`;
  return {
    client: createFinalityQueryClient(`${base}${scope}`, CONTRACT),
    calls: async () => {
      const res = await fetch(`${base}/__fake/calls?scope=${encodeURIComponent(scope)}`);
      expect(res.status).toBe(200);
      return (await res.json()) as RecordedCall[];
    },
  };
}

/** The contract queries this client sent, parsed, after checking each call was one smart `abci_query`. */
async function sentQueries(calls: () => Promise<RecordedCall[]>): Promise<unknown[]> {
  const recorded = await calls();
  for (const call of recorded) {
    expect(call.method).toBe("abci_query");
    expect(call.smartQuery?.address).toBe(CONTRACT);
  }
  return recorded.map((call) => JSON.parse(call.smartQuery?.json ?? "null") as unknown);
}

describe("createFinalityQueryClient", () => {
  it("sends nothing when built, then exactly one abci_query per call (no status probe)", async () => {
    const { client, calls } = scopedClient();
    expect(await calls()).toEqual([]);

    await client.config();
    const recorded = await calls();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.method).toBe("abci_query");
    expect(recorded[0]?.params).toMatchObject({
      path: "/cosmwasm.wasm.v1.Query/SmartContractState",
      prove: false,
    });
    expect(recorded[0]?.smartQuery).toEqual({ address: CONTRACT, json: '{"config":{}}' });
  });
});

describe("generated FinalityQueryClient in workerd", () => {
  it("config: sends {config:{}} and returns the nested config with numbers", async () => {
    const { client, calls } = scopedClient();
    const config = await client.config();
    expect(await sentQueries(calls)).toStrictEqual([{ config: {} }]);
    expect(config).toStrictEqual({
      bsn_id: "op-stack-l2-706114",
      min_pub_rand: 100,
      rate_limiting: { max_msgs_per_interval: 100, block_interval: 10000 },
      bsn_activation_height: 0,
      finality_signature_interval: 1,
    });
  });

  it("blockVoters: sends snake_case {height, hash_hex} and keeps Vec<u8> fields as integer arrays", async () => {
    const { client, calls } = scopedClient();
    const voters = await client.blockVoters({ height: VOTED_HEIGHT, hashHex: VOTED_BLOCK_HASH_HEX });
    expect(await sentQueries(calls)).toStrictEqual([
      { block_voters: { height: VOTED_HEIGHT, hash_hex: VOTED_BLOCK_HASH_HEX } },
    ]);
    expect(voters).toStrictEqual([
      {
        fp_btc_pk_hex: FP_PK_HEX,
        pub_rand: bytes(PUB_RAND_HEX),
        finality_signature: {
          finality_sig: bytes(FINALITY_SIG_HEX),
          block_hash: bytes(VOTED_BLOCK_HASH_HEX),
        },
      },
    ]);
  });

  it("blockVoters: a block nobody voted for comes back as null", async () => {
    const { client, calls } = scopedClient();
    const voters = await client.blockVoters({ height: UNVOTED_HEIGHT, hashHex: UNVOTED_BLOCK_HASH_HEX });
    expect(await sentQueries(calls)).toStrictEqual([
      { block_voters: { height: 5, hash_hex: UNVOTED_BLOCK_HASH_HEX } },
    ]);
    expect(voters).toBeNull();
  });

  it("lastPubRandCommit: returns the commit with its 32-byte commitment as integers, or null", async () => {
    const { client, calls } = scopedClient();
    const commit = await client.lastPubRandCommit({ btcPkHex: FP_PK_HEX });
    const none = await client.lastPubRandCommit({ btcPkHex: UNKNOWN_FP_PK_HEX });
    expect(await sentQueries(calls)).toStrictEqual([
      { last_pub_rand_commit: { btc_pk_hex: FP_PK_HEX } },
      { last_pub_rand_commit: { btc_pk_hex: UNKNOWN_FP_PK_HEX } },
    ]);
    expect(commit).toStrictEqual({
      start_height: 1100,
      num_pub_rand: 1000,
      interval: 1,
      babylon_epoch: 9,
      commitment: bytes(COMMITMENT_HEX),
    });
    expect(commit?.commitment).toHaveLength(32);
    expect(none).toBeNull();
  });

  it("pubRandCommitForHeight: sends btc_pk_hex and height", async () => {
    const { client, calls } = scopedClient();
    const commit = await client.pubRandCommitForHeight({ btcPkHex: FP_PK_HEX, height: VOTED_HEIGHT });
    expect(await sentQueries(calls)).toStrictEqual([
      { pub_rand_commit_for_height: { btc_pk_hex: FP_PK_HEX, height: VOTED_HEIGHT } },
    ]);
    expect(commit?.start_height).toBe(100);
    expect(commit?.commitment).toStrictEqual(bytes(COMMITMENT_HEX));
  });

  it("listPubRandCommit: omits unset paging fields and sends set ones in snake_case", async () => {
    const { client, calls } = scopedClient();
    const all = await client.listPubRandCommit({ btcPkHex: FP_PK_HEX });
    const page = await client.listPubRandCommit({
      btcPkHex: FP_PK_HEX,
      startAfter: 100,
      limit: 1,
      reverse: false,
    });
    const recorded = await calls();
    expect(recorded[0]?.smartQuery?.json).toBe(`{"list_pub_rand_commit":{"btc_pk_hex":"${FP_PK_HEX}"}}`);
    expect(await sentQueries(calls)).toStrictEqual([
      { list_pub_rand_commit: { btc_pk_hex: FP_PK_HEX } },
      { list_pub_rand_commit: { btc_pk_hex: FP_PK_HEX, start_after: 100, limit: 1, reverse: false } },
    ]);
    expect(all.map((c) => c.start_height)).toStrictEqual([100, 1100]);
    expect(page.map((c) => c.start_height)).toStrictEqual([1100]);
  });

  it("highestVotedHeight: a plain number, or null for a provider that never voted", async () => {
    const { client, calls } = scopedClient();
    const height = await client.highestVotedHeight({ btcPkHex: FP_PK_HEX });
    const none = await client.highestVotedHeight({ btcPkHex: UNKNOWN_FP_PK_HEX });
    expect(await sentQueries(calls)).toStrictEqual([
      { highest_voted_height: { btc_pk_hex: FP_PK_HEX } },
      { highest_voted_height: { btc_pk_hex: UNKNOWN_FP_PK_HEX } },
    ]);
    expect(height).toBe(VOTED_HEIGHT);
    expect(none).toBeNull();
  });

  it("allowedFinalityProviders: sends the empty variant object and returns hex strings", async () => {
    const { client, calls } = scopedClient();
    const allowed = await client.allowedFinalityProviders();
    expect(await sentQueries(calls)).toStrictEqual([{ allowed_finality_providers: {} }]);
    expect(allowed).toStrictEqual([FP_PK_HEX]);
  });

  it("the remaining queries (admin, firstPubRandCommit, allowed…AtHeight) send their contract JSON", async () => {
    const { client, calls } = scopedClient();
    const admin = await client.admin();
    const first = await client.firstPubRandCommit({ btcPkHex: FP_PK_HEX });
    const atHeight = await client.allowedFinalityProvidersAtHeight({ babylonHeight: 1 });
    expect(await sentQueries(calls)).toStrictEqual([
      { admin: {} },
      { first_pub_rand_commit: { btc_pk_hex: FP_PK_HEX } },
      { allowed_finality_providers_at_height: { babylon_height: 1 } },
    ]);
    expect(admin).toStrictEqual({ admin: "bbn19h5ckr24pv73d45z8an0cfe4hnp673kgj8vqnk" });
    expect(first?.start_height).toBe(100);
    expect(atHeight).toStrictEqual([]);
  });
});

describe("failures reject", () => {
  it("a JSON-RPC error from the node rejects the query with the error's JSON", async () => {
    const { client, calls } = scopedClient();
    // No canned answer for this height: the fake answers with JSON-RPC error -32603.
    const pending = client.allowedFinalityProvidersAtHeight({ babylonHeight: 2 });
    await expect(pending).rejects.toThrow(/"code":-32603.*no canned answer/);
    expect(await sentQueries(calls)).toStrictEqual([
      { allowed_finality_providers_at_height: { babylon_height: 2 } },
    ]);
  });

  it("a contract error (non-zero ABCI code) rejects with the node's log text", async () => {
    const { client } = scopedClient();
    await expect(client.firstPubRandCommit({ btcPkHex: "abc" })).rejects.toThrow(
      "Query failed with (6): Odd number of digits: query wasm contract failed: unknown request",
    );
  });

  it("an HTTP error status from the node rejects with the status in the error's cause", async () => {
    const { client, calls } = scopedClient("/http-status/503");
    const error = await client.config().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("Bad status on response: 503");
    expect((error as Error).cause).toMatchObject({ status: 503, body: "upstream unavailable" });
    expect((await calls()).map((c) => c.method)).toStrictEqual(["abci_query"]);
  });
});
