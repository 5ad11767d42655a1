/**
 * @module The protobuf boundary: module state is JSON in the KV store; requests and responses are
 * encoded and decoded with the babylon-proto-ts codecs only here, at the query edge.
 */
import type { BlockContext, QueryHandler } from "../../chain/module.ts";
import { queryError } from "./query-errors.ts";

/** The part of a ts-proto `MessageFns<T>` the emulator uses. */
export type ProtoCodec<T> = {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
};

/** A gRPC query handler: decodes the request, runs `answer`, encodes the response. */
export function grpcQuery<Req, Res>(
  request: ProtoCodec<Req>,
  response: ProtoCodec<Res>,
  answer: (req: Req, ctx: BlockContext) => Res,
): QueryHandler {
  return (bytes, ctx) => {
    let decoded: Req;
    try {
      decoded = request.decode(bytes);
    } catch (error) {
      throw queryError.undecodable((error as Error).message);
    }
    return response.encode(answer(decoded, ctx)).finish();
  };
}
