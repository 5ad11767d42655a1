export { BaseError, type BaseErrorOptions } from "./base.ts";
export { RouteNotFoundError } from "./http.ts";
export { type Upstream, UpstreamUnavailableError } from "./upstream.ts";
