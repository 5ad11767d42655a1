/** @module The one place the gadget's error codes become gRPC and HTTP statuses. */
import { status as GrpcStatus } from "@grpc/grpc-js";
import type { GadgetErrorCode } from "../src/gadget/errors.ts";

export function grpcStatusOf(code: GadgetErrorCode): GrpcStatus {
  switch (code) {
    case "invalid_argument":
      return GrpcStatus.INVALID_ARGUMENT;
    case "not_found":
      return GrpcStatus.NOT_FOUND;
    // op-node matches the text, not the code; FAILED_PRECONDITION says "not yet" to any other client.
    case "not_activated":
      return GrpcStatus.FAILED_PRECONDITION;
    case "unavailable":
      return GrpcStatus.UNAVAILABLE;
    case "internal":
      return GrpcStatus.INTERNAL;
  }
}

export function httpStatusOf(code: GadgetErrorCode): number {
  switch (code) {
    case "invalid_argument":
      return 400;
    case "not_found":
      return 404;
    case "not_activated":
    case "unavailable":
      return 503;
    case "internal":
      return 502;
  }
}
