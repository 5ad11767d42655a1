/**
 * @module `GET /v1/chains/{chain}/events`: the chain's event stream (`text/event-stream`), served by its
 * coordinator so every subscriber reads the one log (see src/coordinator/event-hub.ts). The Worker checks the
 * request and hands it over; the coordinator holds the stream.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { coordinatorStub, viaCoordinator } from "../../coordinator/client.ts";
import { CHAIN_EVENT_TYPES } from "../../coordinator/events.ts";
import { type AppDeps, type AppEnv, registry } from "../context.ts";
import { InvalidRequestError } from "../errors.ts";
import { ChainParam, problemContent } from "../schemas.ts";

const EVENT_ID = /^\d{1,15}(:\d{1,15})?$/;

const route = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/events",
  summary: "The chain's event stream (SSE)",
  description:
    "`event: finalized` (`id:` the L2 height, data `{number, hash, timestamp}`) for every height as the finalized " +
    "tip passes it, in order; `equivocation` and `slashed` (id `<tip height>:<seq>`). Resume with `Last-Event-ID` " +
    "or `?from=<height>` (the first event is then `finalized` from+1); a point older than the bounded log gets " +
    "`event: resync` (data `{oldest, tip}`): fill the gap with the range API. A `: keep-alive` comment every 15 s.",
  request: {
    params: z.object({ chain: ChainParam }),
    query: z.object({
      from: z
        .string()
        .regex(/^\d{1,15}$/, { error: "must be a decimal L2 height" })
        .optional()
        .openapi({ description: "Resume after this height (ignored when Last-Event-ID is sent)" }),
      types: z
        .string()
        .regex(new RegExp(`^(${CHAIN_EVENT_TYPES.join("|")})(,(${CHAIN_EVENT_TYPES.join("|")}))*$`), {
          error: `must be a comma-separated list of ${CHAIN_EVENT_TYPES.join(", ")}`,
        })
        .optional()
        .openapi({ description: "Only these event types (default: all)" }),
    }),
  },
  responses: {
    200: {
      description: "The stream",
      content: { "text/event-stream": { schema: z.string() } },
    },
    400: { description: "Malformed from, types or Last-Event-ID", content: problemContent },
    404: { description: "Unknown chain", content: problemContent },
    503: { description: "The chain's coordinator is unavailable", content: problemContent },
  },
});

export function registerEvents(app: OpenAPIHono<AppEnv>, _deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const chain = (await registry(c)).get(c.req.valid("param").chain);
    const lastEventId = c.req.header("last-event-id");
    if (lastEventId !== undefined && lastEventId.trim() !== "" && !EVENT_ID.test(lastEventId.trim())) {
      throw new InvalidRequestError("Last-Event-ID", "Last-Event-ID must be an event id this stream sent");
    }
    const query = new URLSearchParams();
    const { from, types } = c.req.valid("query");
    if (from !== undefined) query.set("from", from);
    if (types !== undefined) query.set("types", types);
    const headers = new Headers({ "x-chain": chain.id });
    if (lastEventId) headers.set("last-event-id", lastEventId.trim());
    const answer = await viaCoordinator(() =>
      coordinatorStub(c.env, chain.id).fetch(`https://coordinator/events?${query}`, {
        headers,
        signal: c.req.raw.signal,
      }),
    );
    // A fresh response: its headers are mutable, so CORS and the API's headers can be added.
    return new Response(answer.body, { status: answer.status, headers: answer.headers }) as never;
  });
}
