/**
 * @module The webhook operations as they cross the Durable Object's RPC boundary: one plain request in, one
 * plain result out. Errors do not keep their class across RPC, so a refusal travels as its code and texts and
 * the Worker raises it again ({@link raiseWebhookError}) for the API's one error table.
 */
import { BaseError } from "../errors/base.ts";
import type { ChainEventType } from "./events.ts";
import type { DeliveryView, WebhookStore, WebhookView } from "./webhooks.ts";

export type WebhookOp =
  | { op: "create"; url: string; events: ChainEventType[] }
  | { op: "list" }
  | { op: "delete"; id: string }
  | { op: "deliveries"; id: string; limit: number; cursor?: string };

export type WebhookOpError = { code: string; shortMessage: string; details?: string; field?: string };

export type WebhookOpResult =
  | { ok: true; created: { webhook: WebhookView; secret: string } }
  | { ok: true; list: WebhookView[] }
  | { ok: true; deleted: boolean }
  | { ok: true; deliveries: { deliveries: DeliveryView[]; next?: string } | null }
  | { ok: false; error: WebhookOpError };

export function runWebhookOp(store: WebhookStore, op: WebhookOp, now: number): WebhookOpResult {
  try {
    switch (op.op) {
      case "create":
        return { ok: true, created: store.create({ url: op.url, events: op.events }, now) };
      case "list":
        return { ok: true, list: store.list() };
      case "delete":
        return { ok: true, deleted: store.remove(op.id) };
      case "deliveries":
        return {
          ok: true,
          deliveries: store.deliveries(op.id, {
            limit: op.limit,
            ...(op.cursor ? { cursor: op.cursor } : {}),
          }),
        };
    }
  } catch (error) {
    if (!(error instanceof BaseError)) throw error;
    return {
      ok: false,
      error: {
        code: error.code,
        shortMessage: error.shortMessage,
        ...(error.details ? { details: error.details } : {}),
        ...(error.field ? { field: error.field } : {}),
      },
    };
  }
}

/** A refusal from the coordinator, raised again in the Worker with its code (mapped to HTTP in one place). */
export class CoordinatorRefusalError extends BaseError {
  override name = "CoordinatorRefusalError";
}

export function raiseWebhookError(error: WebhookOpError): never {
  throw new CoordinatorRefusalError(error.code, error.shortMessage, {
    ...(error.details ? { details: error.details } : {}),
    ...(error.field ? { field: error.field } : {}),
  });
}
