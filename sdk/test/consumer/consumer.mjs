// Run by scripts/sdk-build.mjs under Node in a temp project holding only the packed SDK and its declared packages:
// the published JavaScript loads as ESM (every entry point), and a few calls work against a fake fetch.
import assert from "node:assert/strict";
import * as sdk from "@finality-edge/sdk";
import * as verify from "@finality-edge/sdk/verify";
import { waitForBtcFinality } from "@finality-edge/sdk/viem";

const hash = `0x${"ab".repeat(32)}`;
const requests = [];
const json = (status, body, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });
const fetch = async (url, init) => {
  requests.push({ url, method: init.method, body: init.body && JSON.parse(init.body) });
  if (url.endsWith("/status"))
    return json(200, { l2Head: { number: 9, hash, timestamp: 1 }, finalizedTip: null });
  if (url.includes("/finality-signatures")) {
    const body = JSON.parse(init.body);
    return json(202, {
      submissions: body.map((_, i) => ({ id: `v_${i}`, status: "queued", equivocation: false })),
    });
  }
  return json(
    404,
    { type: "https://x/block_not_found", title: "Block not found", status: 404, code: "block_not_found" },
    "application/problem+json",
  );
};
const client = sdk.createFinalityClient({ url: "http://edge.test/", chain: "c", fetch });

const status = await client.getStatus();
assert.equal(status.l2Head.number, 9);
await assert.rejects(
  client.getBlockFinality(5),
  (e) => e instanceof sdk.NotFoundError && e.code === "block_not_found",
);
await assert.rejects(client.getBlockFinality("nope"), sdk.InvalidRequestError);
const votes = Array.from({ length: 150 }, (_, i) => ({ height: i }));
const accepted = await client.submitFinalitySignatures(votes);
assert.equal(accepted.length, 150);
assert.deepEqual(
  requests.filter((r) => r.method === "POST").map((r) => r.body.length),
  [100, 50],
);
// The verifier is its own entry: the client's carries none of it.
assert.equal("verifyDecision" in sdk, false);
const pending = {
  chain: "c",
  block: null,
  finalized: false,
  status: "pending",
  gridHeight: null,
  gridBlock: null,
};
const result = await verify.verifyDecision(
  { ...pending, btcHeight: null, quorum: null, voters: [], txHash: hash },
  { babylonChainId: "bbn-1", contractAddress: "bbn1contract" },
);
assert.equal(result.valid, false);
assert.deepEqual(
  result.failures.map((f) => f.name),
  ["finalized-claim"],
);
assert.equal(typeof verify.verifyWithBabylon, "function");
assert.equal(typeof waitForBtcFinality, "function");
assert.equal(sdk.VERSION, "0.1.0");
console.log(
  "ran: status, a 404, a bad block id, 150 votes in 2 requests, a pending answer verified, 3 entry points",
);
