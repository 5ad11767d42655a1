/**
 * Gadget adapter benchmark: `npm run bench:gadget`. Starts the local stack (free ports, the stack e2e's fast
 * Babylon timing), waits until 80 blocks of chain A are BTC-finalized, then asks the same question — "the last
 * finalized height of these 64 consecutive blocks" — in alternating rounds, (a) of the adapter over gRPC (h2c, a
 * client from the .proto) as op-node does, and (b) of the edge over HTTP directly (`POST /finality/range` through
 * the SDK). Prints median and p99 of each and their ratio. Bounded (a global deadline); everything it starts is
 * stopped by pid / process group. Environment: BENCH_GADGET_N (requests per side, default 200).
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { createFinalityClient } from "../sdk/src/index.ts";
import { createL2Client, getBlockRef } from "../src/l2/index.ts";
import { withBenchStack } from "./support/bench-stack.ts";
import { quantile, sleep } from "./support/stats.ts";

const N = Number(process.env.BENCH_GADGET_N ?? 200);
const RANGE = 64;
const CHAIN = "edge-devnet-l2";
const DEADLINE_MS = 300_000 + N * 200;

const say = (line: string) => console.log(`[bench:gadget] ${line}`);

type RangeClient = grpc.Client & {
  QueryBlockRangeBabylonFinalized(
    request: object,
    options: object,
    callback: (error: grpc.ServiceError | null, response: { last_finalized_block_height: string }) => void,
  ): void;
};

await withBenchStack("gadget", { deadlineMs: DEADLINE_MS, say }, async (stack) => {
  const chain = stack.chains.find((c) => c.id === CHAIN);
  const gadget = stack.gadgets.find((g) => g.chain === CHAIN);
  if (!chain || !gadget) throw new Error("no chain A or no gadget");
  say(
    `stack up in ${(stack.startupMs / 1000).toFixed(1)} s; gadget gRPC ${gadget.grpc}, edge ${stack.urls.edge}`,
  );
  const edge = createFinalityClient({ url: stack.urls.edge, chain: CHAIN, retry: { attempts: 1 } });
  for (;;) {
    const tip = (await edge.getStatus()).finalizedTip?.number ?? 0;
    if (tip >= RANGE + 16) break;
    await sleep(1_000);
  }
  const tip = (await edge.getStatus()).finalizedTip?.number ?? 0;
  // The 64 blocks ending at the tip: all finalized, so both sides do the whole work and answer the tip.
  const l2 = createL2Client(chain.l2RpcUrl, { cacheTime: 0 });
  const refs = await Promise.all(
    Array.from({ length: RANGE }, (_, i) => getBlockRef(l2, tip - RANGE + 1 + i)),
  );
  const blocks = refs.map((r) => ({ number: Number(r.number), hash: r.hash }));
  const protoBlocks = refs.map((r) => ({
    block_hash: r.hash,
    block_height: String(r.number),
    block_timestamp: String(r.timestamp),
  }));
  const definition = protoLoader.loadSync("proto/finalitygadget.proto", { keepCase: true, longs: String });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    proto: { FinalityGadget: new (a: string, c: grpc.ChannelCredentials) => RangeClient };
  };
  const client = new pkg.proto.FinalityGadget(gadget.grpc, grpc.credentials.createInsecure());
  const viaGadget = () =>
    new Promise<number>((resolve, reject) =>
      client.QueryBlockRangeBabylonFinalized(
        { blocks: protoBlocks },
        { deadline: Date.now() + 10_000 },
        (error, response) => (error ? reject(error) : resolve(Number(response.last_finalized_block_height))),
      ),
    );
  const viaEdge = async () => (await edge.getFinalizedPrefix(blocks))?.number ?? 0;
  // Warm both paths (connections, the edge's caches), then alternate so both see the same machine state.
  for (let i = 0; i < 10; i++) {
    await viaEdge();
    await viaGadget();
  }
  const times = { gadget: [] as number[], edge: [] as number[] };
  for (let i = 0; i < N; i++) {
    for (const [side, ask] of [
      ["gadget", viaGadget],
      ["edge", viaEdge],
    ] as const) {
      const started = performance.now();
      const answer = await ask();
      times[side].push(performance.now() - started);
      if (answer !== tip) throw new Error(`${side} answered ${answer}, expected ${tip}`);
    }
  }
  client.close();
  const row = (name: string, xs: number[]) =>
    `| ${name.padEnd(34)} | ${quantile(xs, 0.5).toFixed(1).padStart(7)} | ${quantile(xs, 0.99).toFixed(1).padStart(7)} |`;
  console.log(`
QueryBlockRangeBabylonFinalized over ${RANGE} finalized blocks (${tip - RANGE + 1}..${tip}), ${N} requests each, alternating:
| path                               | p50 ms  | p99 ms  |
|------------------------------------|---------|---------|
${row("adapter (gRPC h2c) → edge (HTTP)", times.gadget)}
${row("edge directly (HTTP, SDK)", times.edge)}
adapter / direct: p50 ${(quantile(times.gadget, 0.5) / quantile(times.edge, 0.5)).toFixed(2)}×, p99 ${(quantile(times.gadget, 0.99) / quantile(times.edge, 0.99)).toFixed(2)}× — the adapter adds ${(quantile(times.gadget, 0.5) - quantile(times.edge, 0.5)).toFixed(1)} ms at the median`);
});
