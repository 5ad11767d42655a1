/**
 * @module Types of the edge's HTTP API, read off the generated `paths` (sdk/src/generated/openapi.ts): what the
 * typed transport takes and returns per route, so a route whose document changes fails to compile here.
 */
import type { paths } from "../generated/openapi.ts";

export type ApiPath = keyof paths;
export type ApiMethod = "get" | "post";

type Operation<P extends ApiPath, M extends ApiMethod> = paths[P][M];

/** The JSON body a route answers with `status` (200 unless told). */
export type ApiResponse<P extends ApiPath, M extends ApiMethod, S extends number = 200> =
  Operation<P, M> extends { responses: { [K in S]: { content: { "application/json": infer T } } } }
    ? T
    : never;

/** The JSON body a route takes. */
export type ApiRequestBody<P extends ApiPath, M extends ApiMethod> =
  Operation<P, M> extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

/** The path parameters a route's template names (`{chain}`, `{blockId}`, …). */
export type ApiPathParams<P extends ApiPath, M extends ApiMethod> =
  Operation<P, M> extends { parameters: { path: infer X } } ? X : never;

/** The query parameters a route takes. */
export type ApiQuery<P extends ApiPath, M extends ApiMethod> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never;
