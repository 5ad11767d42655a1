import { expect, it } from "vitest";
import { blockHash, fakeFetch, json, type Recorded } from "../../test/fake-fetch.ts";
import { createFinalityClient } from "../client.ts";

const blocks = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    number: from + i,
    hash: blockHash(from + i) as `0x${string}`,
  }));

/** An edge whose blocks are finalized up to `finalizedTo`. */
function edge(finalizedTo: number) {
  const fake = fakeFetch((r: Recorded) => {
    const asked = (r.body as { blocks: { number: number; hash: string }[] }).blocks;
    const last = asked.filter((b) => b.number <= finalizedTo).at(-1);
    return json(200, { lastFinalized: last ?? null });
  });
  return { ...fake, client: createFinalityClient({ url: "http://e", chain: "c", fetch: fake.fetch }) };
}

it("chunks a long range by 100 and goes on while each chunk is finalized to its end", async () => {
  const { client, calls } = edge(1_000);
  expect(await client.getFinalizedPrefix(blocks(1, 250))).toEqual({ number: 250, hash: blockHash(250) });
  expect(calls.map((c) => (c.body as { blocks: { number: number }[] }).blocks.map((b) => b.number))).toEqual([
    blocks(1, 100).map((b) => b.number),
    blocks(101, 200).map((b) => b.number),
    blocks(201, 250).map((b) => b.number),
  ]);
});

it("stops at the first chunk that is not finalized to its end", async () => {
  const { client, calls } = edge(150);
  expect(await client.getFinalizedPrefix(blocks(1, 400))).toEqual({ number: 150, hash: blockHash(150) });
  expect(calls).toHaveLength(2);
  // A chunk with nothing finalized: the previous chunk's last block.
  const boundary = edge(200);
  expect(await boundary.client.getFinalizedPrefix(blocks(1, 400))).toEqual({
    number: 200,
    hash: blockHash(200),
  });
  expect(boundary.calls).toHaveLength(3);
});

it("null when the first block is not finalized, or nothing is asked", async () => {
  const { client, calls } = edge(0);
  expect(await client.getFinalizedPrefix(blocks(1, 10))).toBeNull();
  expect(await client.getFinalizedPrefix([])).toBeNull();
  expect(calls).toHaveLength(1);
});
