/**
 * @module protobuf-es service descriptors served by @grpc/grpc-js: the generated `GenService` (here the finality
 * gadget's, generated/proto/finalitygadget_pb.ts) becomes a grpc-js `ServiceDefinition` (path
 * `/<package>.<Service>/<Method>`, unary, protobuf binary through `toBinary`/`fromBinary`), and a typed object of
 * async functions becomes its implementation. A function answers with a message (or its init shape) or throws a
 * {@link GadgetRpcError} carrying the gRPC status to send; anything else it throws is logged and sent as INTERNAL
 * with a generic text, so no internal detail reaches the caller.
 */
import {
  create,
  type DescMessage,
  type DescMethod,
  fromBinary,
  type MessageInitShape,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import * as grpc from "@grpc/grpc-js";
import { FinalityGadget } from "../generated/proto/finalitygadget_pb.ts";

/**
 * An error an implementation throws on purpose: the caller receives exactly this gRPC status `code` and
 * `message` (op-node matches some texts, e.g. "BTC staking is not activated for the consumer chain", verbatim).
 * Not a BaseError: its `code` is a gRPC status number, not a Finality Edge error code.
 */
export class GadgetRpcError extends Error {
  override name = "GadgetRpcError";
  readonly code: grpc.status;
  /** Trailing metadata sent with the status, when there is any. */
  readonly metadata: grpc.Metadata | undefined;

  constructor(
    code: grpc.status,
    message: string,
    options: { cause?: unknown; metadata?: grpc.Metadata } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.metadata = options.metadata;
  }
}

/** The text sent with INTERNAL for an error that is not a {@link GadgetRpcError}. */
export const INTERNAL_ERROR_TEXT = "internal error";

/** What a handler gets besides the request. */
export type RpcContext = {
  /** The method's full path, `/proto.FinalityGadget/QueryLatestFinalizedBlock`. */
  readonly path: string;
  /** The caller's request metadata. */
  readonly metadata: grpc.Metadata;
  /** Aborted when the call ends before the handler does (the client cancels, disconnects or its deadline passes). */
  readonly signal: AbortSignal;
};

/** One unary method: the decoded request in, a response (message or init shape) out. */
export type UnaryHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: RpcContext,
) => Promise<MessageInitShape<O>>;

/** One handler per method of a service whose methods are `M`, keyed like the descriptor (`localName`). */
export type ServiceHandlers<M extends GenServiceMethods> = {
  [K in keyof M]: UnaryHandler<M[K]["input"], M[K]["output"]>;
};

/** An implementation of a generated service descriptor (`typeof FinalityGadget`). */
export type ServiceImplementation<S> = S extends GenService<infer M> ? ServiceHandlers<M> : never;

/** The finality gadget's implementation: `queryIsBlockBabylonFinalized`, `queryBlockRangeBabylonFinalized`, … */
export type FinalityGadgetImplementation = ServiceImplementation<typeof FinalityGadget>;

/** Where unexpected handler errors are reported (fp-daemon's `Logger` fits). */
export type RpcErrorLogger = { error(msg: string, fields?: Readonly<Record<string, unknown>>): void };

export type AddServiceOptions = {
  /** Default: one line on stderr per unexpected error. */
  logger?: RpcErrorLogger;
};

const defaultLogger: RpcErrorLogger = {
  error: (msg, fields) => console.error(msg, fields ?? {}),
};

/** Protobuf binary as the Buffer grpc-js wants, without copying. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const methodPath = (method: DescMethod): string => `/${method.parent.typeName}/${method.name}`;

function unaryMethods(service: Pick<GenService<GenServiceMethods>, "methods" | "typeName">): DescMethod[] {
  for (const method of service.methods) {
    if (method.methodKind !== "unary") {
      throw new Error(
        `${service.typeName}.${method.name} is ${method.methodKind}: only unary methods are supported`,
      );
    }
  }
  return service.methods;
}

/**
 * The grpc-js definition of a generated service, keyed by each method's `localName` (`originalName` is the
 * proto name). Serves a server (`addService`) and a client (`grpc.makeGenericClientConstructor`) alike.
 */
export function serviceDefinition<M extends GenServiceMethods>(
  service: GenService<M>,
): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of unaryMethods(service)) {
    definition[method.localName] = {
      path: methodPath(method),
      requestStream: false,
      responseStream: false,
      originalName: method.name,
      requestSerialize: (value) => asBuffer(toBinary(method.input, value as MessageShape<DescMessage>)),
      requestDeserialize: (bytes) => fromBinary(method.input, bytes),
      responseSerialize: (value) => asBuffer(toBinary(method.output, value as MessageShape<DescMessage>)),
      responseDeserialize: (bytes) => fromBinary(method.output, bytes),
    };
  }
  return definition;
}

/**
 * Registers `impl` for `service` on `server`. Every method must be implemented. A handler's response is encoded
 * inside the same error boundary as the handler, so a response that cannot be encoded (a negative uint64, say)
 * is logged and sent as INTERNAL like any other unexpected error.
 */
export function addService<M extends GenServiceMethods>(
  server: grpc.Server,
  service: GenService<M>,
  impl: ServiceHandlers<M>,
  options: AddServiceOptions = {},
): void {
  const logger = options.logger ?? defaultLogger;
  const handlers = impl as unknown as Record<string, UnaryHandler<DescMessage, DescMessage> | undefined>;
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  const generic = serviceDefinition(service);
  for (const method of unaryMethods(service)) {
    const handler = handlers[method.localName];
    if (typeof handler !== "function") {
      throw new Error(`no handler for ${service.typeName}.${method.name} (impl.${method.localName})`);
    }
    const path = methodPath(method);
    // The handler below hands grpc-js bytes it has already encoded.
    definition[method.localName] = {
      ...(generic[method.localName] as grpc.MethodDefinition<unknown, unknown>),
      responseSerialize: (bytes) => bytes as Buffer,
    };
    const unary: grpc.handleUnaryCall<MessageShape<DescMessage>, Buffer> = (call, callback) => {
      void answer(call, callback);
    };
    const answer = async (
      call: grpc.ServerUnaryCall<MessageShape<DescMessage>, Buffer>,
      callback: grpc.sendUnaryData<Buffer>,
    ): Promise<void> => {
      const controller = new AbortController();
      const onCancelled = () => controller.abort(new GadgetRpcError(grpc.status.CANCELLED, "call cancelled"));
      call.once("cancelled", onCancelled);
      if (call.cancelled) onCancelled();
      let bytes: Buffer;
      try {
        const context: RpcContext = { path, metadata: call.metadata, signal: controller.signal };
        const init = await handler.call(impl, call.request, context);
        bytes = asBuffer(toBinary(method.output, create(method.output, init)));
      } catch (error) {
        callback(toStatus(error, path, logger));
        return;
      } finally {
        call.off("cancelled", onCancelled);
      }
      callback(null, bytes);
    };
    implementation[method.localName] = unary;
  }
  server.addService(definition, implementation);
}

/** {@link addService} for the finality gadget (`/proto.FinalityGadget/…`). */
export function addFinalityGadgetService(
  server: grpc.Server,
  impl: FinalityGadgetImplementation,
  options: AddServiceOptions = {},
): void {
  addService(server, FinalityGadget, impl, options);
}

function toStatus(error: unknown, path: string, logger: RpcErrorLogger): Partial<grpc.StatusObject> {
  // OK is not an error status: a GadgetRpcError carrying it is a bug, treated like any other.
  if (error instanceof GadgetRpcError && error.code !== grpc.status.OK) {
    return {
      code: error.code,
      details: error.message,
      ...(error.metadata ? { metadata: error.metadata } : {}),
    };
  }
  try {
    logger.error("gadget rpc failed unexpectedly", { path, error });
  } catch {
    // A failing logger must not keep the caller waiting for an answer.
  }
  return { code: grpc.status.INTERNAL, details: INTERNAL_ERROR_TEXT };
}
