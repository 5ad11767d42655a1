// The protobuf-es → grpc-js binding against a real grpc-js server on 127.0.0.1 (h2c, plaintext), called by a
// client built independently of protobuf-es: @grpc/proto-loader (protobufjs) reading proto/finalitygadget.proto.
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FinalityGadget } from "../generated/proto/finalitygadget_pb.ts";
import {
  addFinalityGadgetService,
  type FinalityGadgetImplementation,
  GadgetRpcError,
  INTERNAL_ERROR_TEXT,
  type RpcContext,
  serviceDefinition,
} from "./grpc-service.ts";

const PROTO = fileURLToPath(new URL("../proto/finalitygadget.proto", import.meta.url));
/** Above 2^53 (not a safe JS number) and 2^64 - 1: exact only as bigint / decimal strings. */
const BIG = 2n ** 53n + 1n;
const MAX_U64 = 2n ** 64n - 1n;
const HASH = `0x${"ab".repeat(32)}`;

// camelCase field names (what protobuf-es and Go's generated structs use); uint64 as decimal strings so values
// beyond 2^53 survive; defaults so proto3 zero values (false, "0") are present rather than absent.
const packageDefinition = protoLoader.loadSync(PROTO, {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
type WireBlock = { blockHash: string; blockHeight: string; blockTimestamp: string };
type UnaryClientMethod = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Record<string, unknown>) => void,
) => grpc.ClientUnaryCall;
type WireClient = grpc.Client & Record<string, UnaryClientMethod>;
const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as {
  proto: { FinalityGadget: grpc.ServiceClientConstructor };
};

/** Every call made by the implementation, to see what the server decoded. */
const seen: { method: string; request: unknown; context: RpcContext }[] = [];
const logged: { msg: string; fields: Readonly<Record<string, unknown>> | undefined }[] = [];
let cancelledSignal: ((signal: AbortSignal) => void) | undefined;

const impl: FinalityGadgetImplementation = {
  async queryIsBlockBabylonFinalized(request, context) {
    seen.push({ method: "queryIsBlockBabylonFinalized", request, context });
    if (request.block?.blockHash === "0xnotfound")
      throw new GadgetRpcError(grpc.status.NOT_FOUND, "block not found");
    if (request.block?.blockHash === "0xboom") throw new Error("database at /secret/path is corrupt");
    return { isFinalized: request.block?.blockHeight === BIG };
  },
  async queryBlockRangeBabylonFinalized(request, context) {
    seen.push({ method: "queryBlockRangeBabylonFinalized", request, context });
    const last = request.blocks.at(-1);
    if (last?.blockHash === "0xnegative") return { lastFinalizedBlockHeight: -1n };
    return { lastFinalizedBlockHeight: last?.blockHeight ?? 0n };
  },
  async queryBtcStakingActivatedTimestamp(request, context) {
    seen.push({ method: "queryBtcStakingActivatedTimestamp", request, context });
    if (context.metadata.get("x-not-activated").length > 0) {
      throw new GadgetRpcError(
        grpc.status.FAILED_PRECONDITION,
        "BTC staking is not activated for the consumer chain",
      );
    }
    return { activatedTimestamp: MAX_U64 };
  },
  async queryIsBlockFinalizedByHeight(request, context) {
    seen.push({ method: "queryIsBlockFinalizedByHeight", request, context });
    if (request.blockHeight === 999n) {
      // Waits until the call is cancelled, then reports the signal.
      await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve()));
      cancelledSignal?.(context.signal);
      return { isFinalized: false };
    }
    return { isFinalized: request.blockHeight <= MAX_U64 - 1n };
  },
  async queryIsBlockFinalizedByHash(request, context) {
    seen.push({ method: "queryIsBlockFinalizedByHash", request, context });
    return { isFinalized: request.blockHash === HASH };
  },
  async queryLatestFinalizedBlock(request, context) {
    seen.push({ method: "queryLatestFinalizedBlock", request, context });
    return { block: { blockHash: HASH, blockHeight: MAX_U64, blockTimestamp: BIG } };
  },
};

let server: grpc.Server;
let port: number;
let client: WireClient;

function call(
  method: string,
  request: object,
  metadata = new grpc.Metadata(),
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const fn = client[method];
    if (!fn) throw new Error(`client has no method ${method}`);
    fn.call(client, request, metadata, { deadline: Date.now() + 10_000 }, (error, response) =>
      error ? reject(error) : resolve(response ?? {}),
    );
  });
}

async function rejection(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error("the call succeeded");
}

beforeAll(async () => {
  server = new grpc.Server();
  addFinalityGadgetService(server, impl, {
    logger: { error: (msg, fields) => logged.push({ msg, fields }) },
  });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  client = new loaded.proto.FinalityGadget(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as WireClient;
});

afterAll(async () => {
  client?.close();
  if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

describe("serviceDefinition", () => {
  it("has proto-loader's paths, names and unary shape for every method", () => {
    const ours = serviceDefinition(FinalityGadget);
    const theirs = packageDefinition["proto.FinalityGadget"] as grpc.ServiceDefinition;
    const shape = (def: grpc.ServiceDefinition) =>
      Object.values(def)
        .map((m) => ({ path: m.path, requestStream: m.requestStream, responseStream: m.responseStream }))
        .sort((a, b) => a.path.localeCompare(b.path));
    expect(shape(ours)).toEqual(shape(theirs));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(impl).sort());
    expect(ours.queryLatestFinalizedBlock?.path).toBe("/proto.FinalityGadget/QueryLatestFinalizedBlock");
    expect(ours.queryLatestFinalizedBlock?.originalName).toBe("QueryLatestFinalizedBlock");
  });

  it("refuses an implementation with a method missing", () => {
    const { queryLatestFinalizedBlock: _, ...partial } = impl;
    expect(() =>
      addFinalityGadgetService(new grpc.Server(), partial as unknown as FinalityGadgetImplementation),
    ).toThrow(/QueryLatestFinalizedBlock/);
  });
});

describe("FinalityGadget over h2c on 127.0.0.1", () => {
  const block: WireBlock = {
    blockHash: HASH,
    blockHeight: BIG.toString(),
    blockTimestamp: MAX_U64.toString(),
  };

  it("QueryIsBlockBabylonFinalized: a nested block with uint64s beyond 2^53", async () => {
    await expect(call("queryIsBlockBabylonFinalized", { block })).resolves.toEqual({ isFinalized: true });
    const last = seen.at(-1);
    expect(last?.method).toBe("queryIsBlockBabylonFinalized");
    expect(last?.request).toMatchObject({
      block: { blockHash: HASH, blockHeight: BIG, blockTimestamp: MAX_U64 },
    });
    expect(last?.context.path).toBe("/proto.FinalityGadget/QueryIsBlockBabylonFinalized");
    // proto3 false is absent on the wire; proto-loader's `defaults` brings it back.
    await expect(
      call("queryIsBlockBabylonFinalized", { block: { ...block, blockHeight: "1" } }),
    ).resolves.toEqual({ isFinalized: false });
  });

  it("QueryBlockRangeBabylonFinalized: repeated blocks, the answer exact at 2^64 - 1", async () => {
    const blocks = [block, { ...block, blockHeight: MAX_U64.toString() }];
    await expect(call("queryBlockRangeBabylonFinalized", { blocks })).resolves.toEqual({
      lastFinalizedBlockHeight: MAX_U64.toString(),
    });
    expect(seen.at(-1)?.request).toMatchObject({ blocks: [{ blockHeight: BIG }, { blockHeight: MAX_U64 }] });
    await expect(call("queryBlockRangeBabylonFinalized", { blocks: [] })).resolves.toEqual({
      lastFinalizedBlockHeight: "0",
    });
  });

  it("QueryBtcStakingActivatedTimestamp: an empty request, a uint64 answer", async () => {
    await expect(call("queryBtcStakingActivatedTimestamp", {})).resolves.toEqual({
      activatedTimestamp: MAX_U64.toString(),
    });
  });

  it("QueryIsBlockFinalizedByHeight and ByHash", async () => {
    await expect(call("queryIsBlockFinalizedByHeight", { blockHeight: BIG.toString() })).resolves.toEqual({
      isFinalized: true,
    });
    expect(seen.at(-1)?.request).toMatchObject({ blockHeight: BIG });
    await expect(call("queryIsBlockFinalizedByHeight", { blockHeight: MAX_U64.toString() })).resolves.toEqual(
      {
        isFinalized: false,
      },
    );
    await expect(call("queryIsBlockFinalizedByHash", { blockHash: HASH })).resolves.toEqual({
      isFinalized: true,
    });
    await expect(call("queryIsBlockFinalizedByHash", { blockHash: "0x00" })).resolves.toEqual({
      isFinalized: false,
    });
  });

  it("QueryLatestFinalizedBlock: a nested block in the answer", async () => {
    await expect(call("queryLatestFinalizedBlock", {})).resolves.toEqual({
      block: { blockHash: HASH, blockHeight: MAX_U64.toString(), blockTimestamp: BIG.toString() },
    });
  });

  it("a GadgetRpcError arrives with its code and message verbatim", async () => {
    const notFound = await rejection(
      call("queryIsBlockBabylonFinalized", { block: { ...block, blockHash: "0xnotfound" } }),
    );
    expect(notFound.code).toBe(grpc.status.NOT_FOUND);
    expect(notFound.details).toBe("block not found");

    const metadata = new grpc.Metadata();
    metadata.set("x-not-activated", "1");
    const notActivated = await rejection(call("queryBtcStakingActivatedTimestamp", {}, metadata));
    expect(notActivated.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(notActivated.details).toBe("BTC staking is not activated for the consumer chain");
  });

  it("an unexpected error arrives as INTERNAL with a generic text, and is logged", async () => {
    logged.length = 0;
    const error = await rejection(
      call("queryIsBlockBabylonFinalized", { block: { ...block, blockHash: "0xboom" } }),
    );
    expect(error.code).toBe(grpc.status.INTERNAL);
    expect(error.details).toBe(INTERNAL_ERROR_TEXT);
    expect(error.message).not.toContain("secret");
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields).toMatchObject({ path: "/proto.FinalityGadget/QueryIsBlockBabylonFinalized" });
    expect(String(logged[0]?.fields?.error)).toContain("/secret/path");
  });

  it("a response that cannot be encoded (a negative uint64) is INTERNAL and logged", async () => {
    logged.length = 0;
    const error = await rejection(
      call("queryBlockRangeBabylonFinalized", { blocks: [{ ...block, blockHash: "0xnegative" }] }),
    );
    expect(error.code).toBe(grpc.status.INTERNAL);
    expect(error.details).toBe(INTERNAL_ERROR_TEXT);
    expect(logged).toHaveLength(1);
  });

  it("a cancelled call aborts the handler's signal", async () => {
    const aborted = new Promise<AbortSignal>((resolve) => {
      cancelledSignal = resolve;
    });
    const fn = client.queryIsBlockFinalizedByHeight as UnaryClientMethod;
    const pending = new Promise<grpc.ServiceError | null>((resolve) => {
      const clientCall = fn.call(client, { blockHeight: "999" }, new grpc.Metadata(), {}, (error) =>
        resolve(error),
      );
      // Cancel once the server has the call.
      const started = seen.length;
      const poll = setInterval(() => {
        if (seen.length > started) {
          clearInterval(poll);
          clientCall.cancel();
        }
      }, 5);
    });
    expect((await pending)?.code).toBe(grpc.status.CANCELLED);
    const signal = await aborted;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(GadgetRpcError);
  });

  it("a call past its deadline aborts the handler's signal", async () => {
    const aborted = new Promise<AbortSignal>((resolve) => {
      cancelledSignal = resolve;
    });
    const error = await rejection(
      new Promise((resolve, reject) =>
        (client.queryIsBlockFinalizedByHeight as UnaryClientMethod).call(
          client,
          { blockHeight: "999" },
          new grpc.Metadata(),
          { deadline: Date.now() + 200 },
          (error, response) => (error ? reject(error) : resolve(response)),
        ),
      ),
    );
    expect(error.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect((await aborted).aborted).toBe(true);
  });

  it("tryShutdown stops the server and frees its port", async () => {
    const probe = new grpc.Server();
    addFinalityGadgetService(probe, impl);
    const probePort = await new Promise<number>((resolve, reject) =>
      probe.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const probeClient = new loaded.proto.FinalityGadget(
      `127.0.0.1:${probePort}`,
      grpc.credentials.createInsecure(),
    ) as unknown as WireClient;
    const probeCall = (probeClient.queryLatestFinalizedBlock as UnaryClientMethod).bind(probeClient);
    await new Promise<void>((resolve, reject) =>
      probeCall({}, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    probeClient.close();
    await new Promise<void>((resolve, reject) =>
      probe.tryShutdown((error) => (error ? reject(error) : resolve())),
    );
    // The port is free again: a plain TCP listener can take it.
    await new Promise<void>((resolve, reject) => {
      const tcp = createServer();
      tcp.once("error", reject);
      tcp.listen(probePort, "127.0.0.1", () => tcp.close(() => resolve()));
    });
  });
});
