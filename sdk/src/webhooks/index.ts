/**
 * @module `@finality-edge/sdk/webhooks`: for webhook receivers — check a delivery's `Finality-Edge-Signature`
 * (the edge signs with this same code), and the shape of a delivery's body. WebCrypto only: Node, Workers, Deno.
 */
export type { ChainEventType, WebhookBody } from "../../../src/coordinator/events.ts";
export {
  DEFAULT_TOLERANCE_SEC,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from "../../../src/webhooks/signature.ts";
