/** @module Errors that exist only to describe an HTTP-level outcome (routing, not domain). */
import { BaseError } from "./base.ts";

/** No route matches the request path. */
export class RouteNotFoundError extends BaseError {
  override name = "RouteNotFoundError";
  constructor(path: string) {
    super("route_not_found", "No such endpoint", { details: `Nothing is served at ${path}.` });
  }
}
