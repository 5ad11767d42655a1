// Every call of the client: the request it makes (URL, method, body) and what it returns, over a fake fetch.
import { describe, expect, it } from "vitest";
import { blockHash, decision, fakeFetch, json, txHash } from "../test/fake-fetch.ts";
import { createFinalityClient } from "./client.ts";
import { InvalidRequestError } from "./errors/index.ts";

const E = "http://edge.test/v1/chains/edge-devnet-l2";
const fpBtcPk = "52d2".padEnd(64, "0");
const subId = `v_${"0a".repeat(20)}`;

function client(body: unknown = {}) {
  const fake = fakeFetch(() => json(200, body));
  return {
    ...fake,
    client: createFinalityClient({ url: "http://edge.test", chain: "edge-devnet-l2", fetch: fake.fetch }),
  };
}

describe("read calls", () => {
  const hash = blockHash(9);
  const calls: [string, (c: ReturnType<typeof createFinalityClient>) => Promise<unknown>, string, unknown][] =
    [
      ["getChains", (c) => c.getChains(), "http://edge.test/v1/chains", { chains: [{ id: "x" }] }],
      [
        "getBlockFinality(number)",
        (c) => c.getBlockFinality(1234),
        `${E}/blocks/1234/finality`,
        decision(1234),
      ],
      ["getBlockFinality(bigint)", (c) => c.getBlockFinality(5n), `${E}/blocks/5/finality`, decision(5)],
      [
        "getBlockFinality(hash)",
        (c) => c.getBlockFinality(hash.toUpperCase().replace("0X", "0x") as `0x${string}`),
        `${E}/blocks/${hash}/finality`,
        decision(9),
      ],
      [
        "getBlockFinality(latest)",
        (c) => c.getBlockFinality("latest"),
        `${E}/blocks/latest/finality`,
        decision(9),
      ],
      [
        "getBlockFinality(finalized)",
        (c) => c.getBlockFinality("finalized"),
        `${E}/blocks/finalized/finality`,
        decision(9),
      ],
      [
        "getTxFinality",
        (c) => c.getTxFinality(txHash(1) as `0x${string}`),
        `${E}/txs/${txHash(1)}/finality`,
        decision(3),
      ],
      ["getStatus", (c) => c.getStatus(), `${E}/status`, { l2Head: { number: 1 }, finalizedTip: null }],
      ["getFinalityProviders", (c) => c.getFinalityProviders(), `${E}/finality-providers`, { providers: [] }],
      [
        "getFinalityProviders({window})",
        (c) => c.getFinalityProviders({ window: 10 }),
        `${E}/finality-providers?window=10`,
        { providers: [] },
      ],
      [
        "getSubmission",
        (c) => c.getSubmission(subId),
        `${E}/submissions/${subId}`,
        { id: subId, status: "queued" },
      ],
      ["getSubmissionMetrics", (c) => c.getSubmissionMetrics(), `${E}/submission-metrics`, { accepted: {} }],
      [
        "getEquivocation",
        (c) => c.getEquivocation(fpBtcPk.toUpperCase(), 5n),
        `${E}/equivocations/${fpBtcPk}/5`,
        { forkBlockHash: hash },
      ],
    ];
  for (const [name, call, url, body] of calls) {
    it(`${name} → GET ${url.replace("http://edge.test", "")}`, async () => {
      const { client: c, calls: requests } = client(body);
      const result = await call(c);
      expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([["GET", url, undefined]]);
      expect(result).toEqual(name === "getChains" ? [{ id: "x" }] : body);
    });
  }

  it("getFinalizedPrefix → POST /finality/range with the blocks", async () => {
    const { client: c, calls: requests } = client({ lastFinalized: { number: 2, hash: blockHash(2) } });
    const blocks = [1, 2, 3].map((n) => ({ number: n, hash: blockHash(n) as `0x${string}` }));
    expect(await c.getFinalizedPrefix(blocks)).toEqual({ number: 2, hash: blockHash(2) });
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ["POST", `${E}/finality/range`, { blocks }],
    ]);
  });

  it("submissions → POST /public-randomness and /finality-signatures with the messages as an array", async () => {
    const { client: c, calls: requests } = client({
      submissions: [{ id: "c_1", status: "queued", equivocation: false }],
    });
    const commit = {
      fp_pubkey_hex: fpBtcPk,
      start_height: 1,
      num_pub_rand: 100,
      commitment: "AA==",
      signature: "AA==",
    };
    await c.commitPublicRandomness(commit);
    const vote = {
      submit_finality_signature: {
        fp_pubkey_hex: fpBtcPk,
        height: 5,
        pub_rand: "AA==",
        proof: { total: 1, index: 0, leaf_hash: "AA==", aunts: [] },
        block_hash: "AA==",
        signature: "AA==",
      },
    };
    await c.submitFinalitySignatures([vote]);
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ["POST", `${E}/public-randomness`, [commit]],
      ["POST", `${E}/finality-signatures`, [vote]],
    ]);
  });
});

describe("arguments are checked before any request", () => {
  const bad: [string, (c: ReturnType<typeof createFinalityClient>) => Promise<unknown>, string][] = [
    ["a negative height", (c) => c.getBlockFinality(-1), "blockId"],
    ["a fractional height", (c) => c.getBlockFinality(1.5), "blockId"],
    ["a height past 2^53", (c) => c.getBlockFinality(2n ** 53n), "blockId"],
    ["a short hash", (c) => c.getBlockFinality("0x1234"), "blockId"],
    ["a tag the edge does not know", (c) => c.getBlockFinality("safe" as "latest"), "blockId"],
    ["a decimal string", (c) => c.getBlockFinality("12" as "latest"), "blockId"],
    ["a bad tx hash", (c) => c.getTxFinality("0xzz" as `0x${string}`), "txHash"],
    ["a bad submission id", (c) => c.getSubmission("v_1"), "id"],
    ["a bad FP key", (c) => c.getEquivocation("52d2", 1), "fpBtcPk"],
    ["a window of 0", (c) => c.getFinalityProviders({ window: 0 }), "window"],
    [
      "non-consecutive blocks",
      (c) => c.getFinalizedPrefix([1, 3].map((n) => ({ number: n, hash: blockHash(n) as `0x${string}` }))),
      "blocks[1].number",
    ],
    ["a chunk size over 100", (c) => c.submitFinalitySignatures([], { chunkSize: 101 }), "chunkSize"],
  ];
  for (const [what, call, field] of bad) {
    it(`${what} → InvalidRequestError naming ${field}`, async () => {
      const { client: c, calls } = client();
      const error = await call(c).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toMatchObject({ code: "invalid_request", field, status: undefined });
      expect(calls).toHaveLength(0);
    });
  }

  it("createFinalityClient refuses a relative URL and an empty chain", () => {
    expect(() => createFinalityClient({ url: "/edge", chain: "c" })).toThrow(InvalidRequestError);
    expect(() => createFinalityClient({ url: "http://e", chain: "" })).toThrow(InvalidRequestError);
  });
});
