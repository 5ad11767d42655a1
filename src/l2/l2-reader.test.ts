/** Offline checks of the L2 reader: input validation happens before any request; error mapping. */
import { BlockNotFoundError as ViemBlockNotFoundError } from "viem";
import { describe, expect, it } from "vitest";
import { createL2Client } from "./create-l2-client.ts";
import { BlockNotFoundError, InvalidBlockIdError, UpstreamUnavailableError } from "./errors.ts";
import { getBlockRef } from "./get-block-ref.ts";
import { getBlockRefs } from "./get-block-refs.ts";
import { isAncestor } from "./is-ancestor.ts";
import { toBlockRef, toReadError } from "./to-block-ref.ts";
import type { Hex } from "./types.ts";

let sent = 0;
const client = createL2Client("http://127.0.0.1:9", { retryCount: 0, onFetchRequest: () => void sent++ });
const h = (byte: string) => `0x${byte.repeat(32)}` as Hex;

describe("L2 reader (offline)", () => {
  it("rejects malformed ids and ranges without sending anything", async () => {
    for (const id of [
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER + 1,
      -1n,
      "0x12",
      "pending",
      "earliest",
      `${h("ab")}00`,
    ]) {
      const err = await getBlockRef(client, id as Hex).catch((e: unknown) => e);
      expect(err, String(id)).toBeInstanceOf(InvalidBlockIdError);
      expect(err).toMatchObject({ code: "invalid_block_id", field: "block_id" });
    }
    await expect(getBlockRefs(client, 3n, 2n)).rejects.toBeInstanceOf(InvalidBlockIdError);
    await expect(getBlockRefs(client, 0n, 100n)).rejects.toBeInstanceOf(InvalidBlockIdError);
    await expect(getBlockRefs(client, 0n, 100n, { maxBlocks: 101 })).rejects.not.toBeInstanceOf(
      InvalidBlockIdError,
    );
    const descendant = { number: 2_000n, hash: h("aa"), parentHash: h("bb"), timestamp: 1n };
    await expect(
      isAncestor(client, { descendant, ancestorNumber: 0n, ancestorHash: h("cc") }),
    ).rejects.toBeInstanceOf(InvalidBlockIdError);
    sent = 0;
    expect(await isAncestor(client, { descendant, ancestorNumber: 2_000n, ancestorHash: h("AA") })).toBe(
      true,
    );
    expect(await isAncestor(client, { descendant, ancestorNumber: 1_999n, ancestorHash: h("bb") })).toBe(
      true,
    );
    expect(await isAncestor(client, { descendant, ancestorNumber: 2_001n, ancestorHash: h("cc") })).toBe(
      false,
    );
    expect(sent).toBe(0);
  });

  it("maps viem's block-not-found and anything else", () => {
    const notFound = toReadError(new ViemBlockNotFoundError({ blockNumber: 5n }), "5");
    expect(notFound).toBeInstanceOf(BlockNotFoundError);
    expect(notFound.cause).toBeInstanceOf(ViemBlockNotFoundError);
    const other = toReadError(new Error("socket hang up"), "5");
    expect(other).toBeInstanceOf(UpstreamUnavailableError);
    expect(other).toMatchObject({ code: "upstream_unavailable" });
    expect((other as UpstreamUnavailableError).details).toContain("socket hang up");
  });

  it("treats a block without hash (pending) as upstream garbage and lower-cases hashes", () => {
    expect(() => toBlockRef({ number: null, hash: null, parentHash: h("aa"), timestamp: 0n }, "x")).toThrow(
      UpstreamUnavailableError,
    );
    expect(toBlockRef({ number: 1n, hash: h("AB"), parentHash: h("CD"), timestamp: 3n }, "1")).toEqual({
      number: 1n,
      hash: h("ab"),
      parentHash: h("cd"),
      timestamp: 3n,
    });
  });
});
