/**
 * @module Provider submissions of any length: sent in chunks the edge takes (≤ 100 messages), each retried on
 * 502/503/429 and network errors per `Retry-After` (safe: a message's id is its content address, so a resend is
 * answered with the same id or as `duplicate`), answered one entry per message in the caller's order.
 */
import { InvalidRequestError, InvalidResponseError, type Problem } from "../errors/index.ts";
import type { ApiRequestBody } from "../transport/api-types.ts";
import type { AcceptedSubmission } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

/** Most messages the edge takes in one request. */
export const MAX_MESSAGES_PER_REQUEST = 100;

export type SubmitOptions = CallOptions & {
  /** Messages per request, 1–100 (default 100). */
  chunkSize?: number | undefined;
};

const PATHS = {
  commit: "/v1/chains/{chain}/public-randomness",
  vote: "/v1/chains/{chain}/finality-signatures",
} as const;

/** What either route takes: one of its messages or an array of them (the document's `oneOf`). */
type MessagesBody = ApiRequestBody<(typeof PATHS)[keyof typeof PATHS], "post">;

/** Problems about the request as a whole; every other 4xx from these routes is about one message. */
const REQUEST_LEVEL_CODES = new Set([
  "invalid_request",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "unknown_chain",
  "route_not_found",
]);

/**
 * The problem with `field` naming the message by its index in the caller's whole list. The edge prefixes the
 * index within the request (`[2].signature`) when a request holds several messages and names the bare field
 * when it holds one; both become `[offset + i]…`.
 */
export function reindexProblem(problem: Problem, offset: number, single: boolean): Problem {
  const field = problem.field;
  const indexed = field === undefined ? null : /^\[(\d+)\](.*)$/.exec(field);
  if (indexed) return { ...problem, field: `[${offset + Number(indexed[1])}]${indexed[2]}` };
  if (!single || REQUEST_LEVEL_CODES.has(problem.code) || problem.status >= 500) return problem;
  return { ...problem, field: field ? `[${offset}].${field}` : `[${offset}]` };
}

export async function submitMessages(
  ctx: ClientContext,
  kind: keyof typeof PATHS,
  messages: unknown,
  options: SubmitOptions = {},
): Promise<AcceptedSubmission[]> {
  const list: unknown[] = Array.isArray(messages) ? messages : [messages];
  const size = options.chunkSize ?? MAX_MESSAGES_PER_REQUEST;
  if (!Number.isInteger(size) || size < 1 || size > MAX_MESSAGES_PER_REQUEST) {
    throw new InvalidRequestError("Invalid argument", {
      code: "invalid_request",
      field: "chunkSize",
      details: `chunkSize must be an integer from 1 to ${MAX_MESSAGES_PER_REQUEST}, got ${size}`,
    });
  }
  list.forEach((message, i) => {
    if (!isObject(message)) {
      throw new InvalidRequestError("Invalid argument", {
        code: "invalid_request",
        field: `[${i}]`,
        details: `each message must be a JSON object (the contract's execute body), got ${typeof message}`,
      });
    }
  });
  const answers: AcceptedSubmission[] = [];
  for (let offset = 0; offset < list.length; offset += size) {
    const chunk = list.slice(offset, offset + size);
    const { body } = await ctx.transport.request({
      method: "post",
      path: PATHS[kind],
      params: { chain: ctx.chain },
      // Only checked to be objects here: the edge answers each malformed message with a problem naming it.
      body: chunk as MessagesBody,
      signal: options.signal,
      accept: (b) => isObject(b) && Array.isArray(b.submissions),
      mapProblem: (problem) => reindexProblem(problem, offset, chunk.length === 1),
    });
    if (body.submissions.length !== chunk.length) {
      throw new InvalidResponseError(
        `${chunk.length} messages were answered with ${body.submissions.length} submissions`,
        { status: 202 },
      );
    }
    answers.push(...body.submissions);
  }
  return answers;
}
