export { BaseError, type BaseErrorOptions } from "./base.ts";
export { RouteNotFoundError } from "./http.ts";
