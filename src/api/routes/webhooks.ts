/**
 * @module Webhooks, for operators (bearer `ADMIN_TOKEN`): `POST /v1/chains/{chain}/webhooks` (body `{url,
 * events}`; the signing secret is in this answer only), `GET …/webhooks`, `DELETE …/webhooks/{id}`,
 * `GET …/webhooks/{id}/deliveries`. The Worker checks the body and the URL policy; the chain's coordinator keeps
 * the webhooks and delivers from its alarm (see src/coordinator/webhooks.ts for signing and retries).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { coordinatorStub, viaCoordinator } from "../../coordinator/client.ts";
import { CHAIN_EVENT_TYPES, type ChainEventType } from "../../coordinator/events.ts";
import { raiseWebhookError, type WebhookOp, type WebhookOpResult } from "../../coordinator/webhook-ops.ts";
import { BaseError } from "../../errors/base.ts";
import { checkWebhookUrl } from "../../webhooks/url-policy.ts";
import { requireAdmin } from "../admin-auth.ts";
import { type AppDeps, type AppEnv, registry } from "../context.ts";
import { jsonBody } from "../json-body.ts";
import { ChainParam, problemContent } from "../schemas.ts";

class WebhookNotFoundError extends BaseError {
  override name = "WebhookNotFoundError";
  constructor(id: string) {
    super("webhook_not_found", "Webhook not found", {
      field: "id",
      details: `No webhook ${id} on this chain.`,
    });
  }
}

const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(CHAIN_EVENT_TYPES as [ChainEventType, ...ChainEventType[]])),
    createdAt: z.number(),
    disabled: z.boolean(),
    disabledAt: z.number().nullable(),
    disabledReason: z.string().nullable(),
    consecutiveFailures: z.number(),
    lastDeliveryAt: z.number().nullable(),
    lastStatus: z.number().nullable(),
  })
  .openapi("Webhook");

const DeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    type: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number(),
    nextAttemptAt: z.number().nullable(),
    lastStatus: z.number().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.number(),
    deliveredAt: z.number().nullable(),
  })
  .openapi("WebhookDelivery");

const CreateBody = z
  .object({
    url: z.string().openapi({ example: "https://bridge.example/hooks/finality" }),
    events: z
      .array(z.enum(CHAIN_EVENT_TYPES as [ChainEventType, ...ChainEventType[]]))
      .min(1, { error: "must name at least one event type" }),
  })
  .strict()
  .openapi("CreateWebhook");

const WebhookId = z.string().regex(/^wh_[0-9a-f]{16}$/, { error: "must be a webhook id" });
const admin = {
  401: { description: "No admin token", content: problemContent },
  403: { description: "Wrong admin token, or webhooks are off (no ADMIN_TOKEN)", content: problemContent },
  404: { description: "Unknown chain or webhook", content: problemContent },
  503: { description: "The chain's coordinator is unavailable", content: problemContent },
};
const security = [{ adminToken: [] }];

const createRouteDef = createRoute({
  method: "post",
  path: "/v1/chains/{chain}/webhooks",
  summary: "Create a webhook",
  description:
    'Deliveries are POSTs signed with `Finality-Edge-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` ' +
    "keyed with the secret returned here (once). `https` only; no private or link-local targets; redirects are " +
    "not followed. Failed deliveries are retried with backoff for at least 24 h; a webhook failing repeatedly is " +
    "disabled (see the list).",
  security,
  request: {
    params: z.object({ chain: ChainParam }),
    body: { required: true, content: { "application/json": { schema: CreateBody } } },
  },
  responses: {
    201: {
      description: "Created; `secret` is shown only now",
      content: { "application/json": { schema: z.object({ webhook: WebhookSchema, secret: z.string() }) } },
    },
    400: { description: "Bad url or events (field and rule named)", content: problemContent },
    409: { description: "The chain has as many webhooks as it takes", content: problemContent },
    ...admin,
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/webhooks",
  summary: "List webhooks",
  security,
  request: { params: z.object({ chain: ChainParam }) },
  responses: {
    200: {
      description: "The webhooks (never their secrets)",
      content: { "application/json": { schema: z.object({ webhooks: z.array(WebhookSchema) }) } },
    },
    ...admin,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/chains/{chain}/webhooks/{id}",
  summary: "Delete a webhook (and its pending deliveries)",
  security,
  request: { params: z.object({ chain: ChainParam, id: WebhookId }) },
  responses: {
    204: { description: "Deleted" },
    400: { description: "Malformed id", content: problemContent },
    ...admin,
  },
});

const deliveriesRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/webhooks/{id}/deliveries",
  summary: "A webhook's deliveries, newest first",
  security,
  request: {
    params: z.object({ chain: ChainParam, id: WebhookId }),
    query: z.object({
      limit: z
        .string()
        .regex(/^([1-9]|[1-9]\d|100)$/, { error: "must be 1 to 100" })
        .optional(),
      cursor: z
        .string()
        .regex(/^\d{1,15}$/, { error: "must be a cursor from an earlier page" })
        .optional(),
    }),
  },
  responses: {
    200: {
      description: "One page; `next` is the cursor of the following page",
      content: {
        "application/json": {
          schema: z.object({ deliveries: z.array(DeliverySchema), next: z.string().optional() }),
        },
      },
    },
    400: { description: "Malformed id, limit or cursor", content: problemContent },
    ...admin,
  },
});

async function run(
  c: Context<AppEnv>,
  chainId: string,
  op: WebhookOp,
): Promise<WebhookOpResult & { ok: true }> {
  const chain = (await registry(c)).get(chainId);
  const result = await viaCoordinator(() => coordinatorStub(c.env, chain.id).webhooks(chain.id, op));
  if (!result.ok) raiseWebhookError(result.error);
  return result;
}

const noStore = { "cache-control": "no-store" };

export function registerWebhooks(app: OpenAPIHono<AppEnv>, _deps: AppDeps): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer" });
  app.use("/v1/chains/:chain/webhooks", requireAdmin);
  app.use("/v1/chains/:chain/webhooks/*", requireAdmin);
  app.on("POST", "/v1/chains/:chain/webhooks", jsonBody(8 * 1024));

  app.openapi(createRouteDef, async (c) => {
    const { chain } = c.req.valid("param");
    const body = c.req.valid("json");
    const allowLoopback = c.env.WEBHOOK_ALLOW_LOOPBACK === "true";
    const url = checkWebhookUrl(body.url, { allowLoopback }).href;
    const result = await run(c, chain, { op: "create", url, events: body.events });
    if (!("created" in result)) throw new Error("coordinator answered another operation");
    return c.json(result.created, 201, noStore);
  });

  app.openapi(listRoute, async (c) => {
    const result = await run(c, c.req.valid("param").chain, { op: "list" });
    if (!("list" in result)) throw new Error("coordinator answered another operation");
    return c.json({ webhooks: result.list }, 200, noStore);
  });

  app.openapi(deleteRoute, async (c) => {
    const { chain, id } = c.req.valid("param");
    const result = await run(c, chain, { op: "delete", id });
    if (!("deleted" in result) || !result.deleted) throw new WebhookNotFoundError(id);
    return c.body(null, 204) as never;
  });

  app.openapi(deliveriesRoute, async (c) => {
    const { chain, id } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const result = await run(c, chain, {
      op: "deliveries",
      id,
      limit: limit === undefined ? 20 : Number(limit),
      ...(cursor ? { cursor } : {}),
    });
    if (!("deliveries" in result) || result.deliveries === null) throw new WebhookNotFoundError(id);
    return c.json(result.deliveries, 200, noStore);
  });
}
