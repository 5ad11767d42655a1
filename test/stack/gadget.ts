/**
 * The gadget adapter as op-node uses it, over a gRPC client built from proto/finalitygadget.proto by
 * @grpc/proto-loader (not the adapter's own code), against the running stack: the activation timestamp, range
 * queries over consecutive L2 blocks read from the L2 node (a partial prefix, a reorged hash, above the tip → 0,
 * empty and non-consecutive → errors), the four other methods, and the HTTP routes. With the edge gone (an adapter
 * pointed at a closed port) every call fails UNAVAILABLE.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { expect } from "vitest";
import { freePort } from "../../devnet/processes.ts";
import { startAdapter } from "../../gadget/start.ts";
import { createL2Client, getBlockRef } from "../../src/l2/index.ts";

type Block = { block_hash: string; block_height: string; block_timestamp: string };
type Client = grpc.Client &
  Record<string, (req: object, opts: object, cb: (e: grpc.ServiceError | null, r: never) => void) => void>;

function gadgetClient(address: string): Client {
  const definition = protoLoader.loadSync("proto/finalitygadget.proto", {
    keepCase: true,
    longs: String,
    defaults: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    proto: { FinalityGadget: new (address: string, credentials: grpc.ChannelCredentials) => Client };
  };
  return new pkg.proto.FinalityGadget(address, grpc.credentials.createInsecure());
}

function call<T>(client: Client, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method]?.(request, { deadline: Date.now() + 10_000 }, (error, response) =>
      error ? reject(error) : resolve(response as T),
    ),
  );
}

async function refused(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error("expected a gRPC error");
}

export async function checkGadget(options: {
  grpc: string;
  http: string;
  l2RpcUrl: string;
  tip: () => Promise<number>;
  log: (line: string) => void;
}): Promise<void> {
  const client = gadgetClient(options.grpc);
  const l2 = createL2Client(options.l2RpcUrl, { cacheTime: 0 });
  const blockAt = async (n: number): Promise<Block> => {
    const ref = await getBlockRef(l2, n);
    return { block_hash: ref.hash, block_height: String(ref.number), block_timestamp: String(ref.timestamp) };
  };
  try {
    // 1. What op-node asks first: from when BTC finality is required.
    const activation = await call<{ activated_timestamp: string }>(
      client,
      "QueryBtcStakingActivatedTimestamp",
      {},
    );
    const activatedAt = Number(activation.activated_timestamp);
    options.log(`activated_timestamp ${activatedAt}`);
    expect(activatedAt).toBeGreaterThan(0);
    expect(activatedAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    // 2. Ranges of consecutive blocks from the L2 node, as op-node's finalizer builds them.
    const tip = await options.tip();
    expect(tip).toBeGreaterThan(12);
    const head = Number((await getBlockRef(l2, "latest")).number);
    const range = async (from: number, to: number) =>
      Promise.all(Array.from({ length: to - from + 1 }, (_, i) => blockAt(from + i)));
    const answer = async (blocks: Block[]) =>
      Number(
        (
          await call<{ last_finalized_block_height: string }>(client, "QueryBlockRangeBabylonFinalized", {
            blocks,
          })
        ).last_finalized_block_height,
      );
    expect(await answer(await range(tip - 10, tip))).toBe(tip);
    // A partial prefix: finalized at least up to the tip read before (it only moves forward), not the head (the
    // FPs vote two blocks behind it, so it cannot be finalized yet).
    if (head > tip + 2) {
      const prefix = await answer(await range(tip - 3, head));
      expect(prefix).toBeGreaterThanOrEqual(tip);
      expect(prefix).toBeLessThan(head);
    }
    // A reorged (wrong) hash in the middle ends the prefix before it.
    const withFork = await range(tip - 6, tip);
    (withFork[3] as Block).block_hash = `0x${"ab".repeat(32)}`;
    expect(await answer(withFork)).toBe(tip - 4);
    // Entirely above the tip: 0 ("none" for op-node). The newest blocks, read just now: not finalized yet.
    const newest = Number((await getBlockRef(l2, "latest")).number);
    expect(await answer(await range(newest - 1, newest))).toBe(0);
    const empty = await refused(answer([]));
    expect(empty.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(empty.details).toContain("blocks array is empty");
    const gap = await refused(answer([await blockAt(tip - 2), await blockAt(tip)]));
    expect(gap.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(gap.details).toContain("not consecutive");

    // 3. The other four methods.
    const finalizedBlock = await blockAt(tip - 1);
    expect(await call(client, "QueryIsBlockBabylonFinalized", { block: finalizedBlock })).toEqual({
      is_finalized: true,
    });
    expect(
      await call(client, "QueryIsBlockBabylonFinalized", {
        block: { ...finalizedBlock, block_hash: `0x${"cd".repeat(32)}` },
      }),
    ).toEqual({ is_finalized: false });
    expect(await call(client, "QueryIsBlockFinalizedByHeight", { block_height: String(tip) })).toEqual({
      is_finalized: true,
    });
    expect(
      await call(client, "QueryIsBlockFinalizedByHeight", { block_height: String(head + 1000) }),
    ).toEqual({
      is_finalized: false,
    });
    expect(
      await call(client, "QueryIsBlockFinalizedByHash", { block_hash: finalizedBlock.block_hash }),
    ).toEqual({
      is_finalized: true,
    });
    const latest = await call<{ block: Block }>(client, "QueryLatestFinalizedBlock", {});
    expect(Number(latest.block.block_height)).toBeGreaterThanOrEqual(tip);
    expect(latest.block.block_hash).toMatch(/^0x[0-9a-f]{64}$/);
    const badHash = await refused(call(client, "QueryIsBlockFinalizedByHash", { block_hash: "nope" }));
    expect(badHash.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(badHash.details).toContain("block_hash");

    // 4. HTTP, with the reference's field names.
    const sync = (await (await fetch(`${options.http}/v1/chainSyncStatus`)).json()) as Record<string, number>;
    expect(Object.keys(sync).sort()).toEqual([
      "earliest_btc_finalized_block",
      "latest_block",
      "latest_btc_finalized_block",
      "latest_eth_finalized_block",
    ]);
    expect(sync.latest_btc_finalized_block).toBeGreaterThanOrEqual(tip);
    expect((await fetch(`${options.http}/health`)).status).toBe(200);
    const bad = await fetch(`${options.http}/v1/transaction?hash=0x12`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(((await bad.json()) as { title: string }).title).toBe("invalid EVM transaction hash");
    const metrics = await (await fetch(`${options.http}/metrics`)).text();
    expect(metrics).toContain(
      'finality_edge_gadget_requests_total{interface="grpc",method="QueryBlockRangeBabylonFinalized",outcome="ok"}',
    );
  } finally {
    client.close();
  }

  // 5. The edge gone: an adapter pointed at a closed port answers UNAVAILABLE, never finalized or 0.
  const closed = await freePort();
  const orphan = await startAdapter({
    edgeUrl: `http://127.0.0.1:${closed}`,
    chain: "edge-devnet-l2",
    grpc: `127.0.0.1:${await freePort()}`,
    http: `127.0.0.1:${await freePort()}`,
    timeoutMs: 1_000,
  });
  const lost = gadgetClient(orphan.grpcAddress);
  try {
    const someBlocks = [await blockAt(2), await blockAt(3)];
    for (const [method, request] of [
      ["QueryBlockRangeBabylonFinalized", { blocks: someBlocks }],
      ["QueryBtcStakingActivatedTimestamp", {}],
      ["QueryIsBlockBabylonFinalized", { block: someBlocks[0] }],
      ["QueryIsBlockFinalizedByHeight", { block_height: "2" }],
      ["QueryIsBlockFinalizedByHash", { block_hash: someBlocks[0]?.block_hash }],
      ["QueryLatestFinalizedBlock", {}],
    ] as const) {
      const error = await refused(call(lost, method, request));
      expect(error.code, method).toBe(grpc.status.UNAVAILABLE);
    }
    expect((await fetch(`${orphan.httpUrl}/health`)).status).toBe(503);
  } finally {
    lost.close();
    await orphan.stop();
  }
}
