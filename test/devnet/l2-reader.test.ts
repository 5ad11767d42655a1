/**
 * The L2 reader against a real anvil (from the npm registry's @foundry-rs/anvil-linux-amd64),
 * started here on 127.0.0.1 at a free port and stopped by its own pid.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANVIL_BINARY,
  freePort,
  haveAnvil,
  mineBlocks,
  type Running,
  startAnvil,
} from "../../devnet/processes.ts";
import {
  BlockNotFoundError,
  createL2Client,
  getBlockRef,
  getBlockRefs,
  type Hex,
  InvalidBlockIdError,
  isAncestor,
  type L2Client,
  UpstreamUnavailableError,
} from "../../src/l2/index.ts";

if (!haveAnvil) console.warn(`skipping L2 reader devnet tests: no anvil binary at ${ANVIL_BINARY}`);

let anvil: Running | undefined;
let url = "";
let client: L2Client;

async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

const mine = (blocks: number) => mineBlocks(url, blocks);

describe.skipIf(!haveAnvil)("L2 reader against anvil", () => {
  beforeAll(async () => {
    anvil = await startAnvil(20);
    url = anvil.url;
    client = createL2Client(url, { timeoutMs: 2_000, cacheTime: 0 });
  });

  afterAll(async () => {
    await anvil?.stop();
  });

  it("reads a block by number, by hash and by tag", async () => {
    const ten = await getBlockRef(client, 10n);
    expect(ten.number).toBe(10n);
    expect(ten.hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(ten.timestamp).toBeTypeOf("bigint");
    expect(await getBlockRef(client, 10)).toEqual(ten);
    expect(await getBlockRef(client, ten.hash)).toEqual(ten);
    expect(await getBlockRef(client, ten.hash.toUpperCase().replace("0X", "0x") as Hex)).toEqual(ten);
    const nine = await getBlockRef(client, 9n);
    expect(ten.parentHash).toBe(nine.hash);
    const latest = await getBlockRef(client, "latest");
    expect(latest.number).toBeGreaterThanOrEqual(20n);
    const finalized = await getBlockRef(client, "finalized");
    expect(finalized.number).toBeLessThanOrEqual(latest.number);
  });

  it("types a missing block and a malformed id", async () => {
    const err = await getBlockRef(client, 10_000n).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockNotFoundError);
    expect(err).toMatchObject({ code: "block_not_found" });
    await expect(getBlockRef(client, `0x${"ab".repeat(32)}`)).rejects.toBeInstanceOf(BlockNotFoundError);
    await expect(getBlockRef(client, "0x1234" as Hex)).rejects.toBeInstanceOf(InvalidBlockIdError);
    await expect(getBlockRef(client, -1)).rejects.toBeInstanceOf(InvalidBlockIdError);
  });

  it("reads a range as one linked chain", async () => {
    const refs = await getBlockRefs(client, 3n, 12n);
    expect(refs.map((r) => r.number)).toEqual([3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n]);
    for (let i = 1; i < refs.length; i++) expect(refs[i]?.parentHash).toBe(refs[i - 1]?.hash);
    await expect(getBlockRefs(client, 5n, 4n)).rejects.toBeInstanceOf(InvalidBlockIdError);
    await expect(getBlockRefs(client, 0n, 200n)).rejects.toBeInstanceOf(InvalidBlockIdError);
    await expect(getBlockRefs(client, 15n, 60n)).rejects.toBeInstanceOf(BlockNotFoundError);
  });

  it("batches parallel reads into one HTTP request", async () => {
    let posts = 0;
    const counted = createL2Client(url, { timeoutMs: 2_000, onFetchRequest: () => void posts++ });
    const refs = await getBlockRefs(counted, 1n, 16n);
    expect(refs).toHaveLength(16);
    expect(posts).toBe(1);
  });

  it("proves ancestry through parent hashes", async () => {
    const top = await getBlockRef(client, 18n);
    const five = await getBlockRef(client, 5n);
    expect(await isAncestor(client, { descendant: top, ancestorNumber: 5n, ancestorHash: five.hash })).toBe(
      true,
    );
    expect(await isAncestor(client, { descendant: top, ancestorNumber: 18n, ancestorHash: top.hash })).toBe(
      true,
    );
    expect(
      await isAncestor(client, { descendant: top, ancestorNumber: 17n, ancestorHash: top.parentHash }),
    ).toBe(true);
    const other = `0x${"11".repeat(32)}` as Hex;
    expect(await isAncestor(client, { descendant: top, ancestorNumber: 5n, ancestorHash: other })).toBe(
      false,
    );
    expect(await isAncestor(client, { descendant: five, ancestorNumber: 18n, ancestorHash: top.hash })).toBe(
      false,
    );
    await expect(
      isAncestor(client, { descendant: top, ancestorNumber: 0n, ancestorHash: other, maxSteps: 4 }),
    ).rejects.toBeInstanceOf(InvalidBlockIdError);
  });

  it("sees a reorg: the hash at a height changes and the old block is no longer an ancestor", async () => {
    const base = await getBlockRef(client, "latest");
    const snapshot = await rpc<Hex>("evm_snapshot");
    await mine(5);
    const oldMid = await getBlockRef(client, base.number + 2n);
    const oldTop = await getBlockRef(client, base.number + 5n);
    expect(
      await isAncestor(client, {
        descendant: oldTop,
        ancestorNumber: oldMid.number,
        ancestorHash: oldMid.hash,
      }),
    ).toBe(true);

    expect(await rpc<boolean>("evm_revert", [snapshot])).toBe(true);
    await rpc("evm_setNextBlockTimestamp", [`0x${(oldMid.timestamp + 1000n).toString(16)}`]);
    await mine(6);
    const newMid = await getBlockRef(client, oldMid.number);
    const newTop = await getBlockRef(client, "latest");
    expect(newMid.hash).not.toBe(oldMid.hash);
    expect(newTop.number).toBe(base.number + 6n);
    expect(
      await isAncestor(client, {
        descendant: newTop,
        ancestorNumber: oldMid.number,
        ancestorHash: oldMid.hash,
      }),
    ).toBe(false);
    expect(
      await isAncestor(client, {
        descendant: newTop,
        ancestorNumber: newMid.number,
        ancestorHash: newMid.hash,
      }),
    ).toBe(true);
    // walking the abandoned fork needs its blocks by hash; anvil forgets reverted blocks.
    const abandoned = await isAncestor(client, {
      descendant: oldTop,
      ancestorNumber: oldMid.number,
      ancestorHash: oldMid.hash,
    }).catch((e: unknown) => e);
    expect(abandoned).toBeInstanceOf(BlockNotFoundError);
    // both forks still share the block they were built on.
    expect(
      await isAncestor(client, { descendant: newTop, ancestorNumber: base.number, ancestorHash: base.hash }),
    ).toBe(true);
  });

  it("maps a closed port to upstream_unavailable, keeping the cause", async () => {
    const dead = createL2Client(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 1_000, retryCount: 0 });
    const err = await getBlockRef(dead, "latest").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(err).toMatchObject({ code: "upstream_unavailable" });
    expect((err as UpstreamUnavailableError).cause).toBeDefined();
    await expect(getBlockRefs(dead, 1n, 3n)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});
