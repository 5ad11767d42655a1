import type { Transport } from "../transport/create-transport.ts";

/** What every call works with: the client's transport and the chain it was created for. */
export type ClientContext = { readonly transport: Transport; readonly chain: string };

/** Options every call takes. */
export type CallOptions = { signal?: AbortSignal | undefined };

/** Cheap shape checks of 2xx bodies (the transport throws `InvalidResponseError` when one fails). */
export const isObject = (body: unknown): body is Record<string, unknown> =>
  typeof body === "object" && body !== null && !Array.isArray(body);

export const isDecision = (body: unknown): boolean =>
  isObject(body) && typeof body.finalized === "boolean" && typeof body.status === "string";
