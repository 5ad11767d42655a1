/**
 * @module `@finality-edge/sdk`: a typed client for a Finality Edge — is this rollup block or transaction
 * BTC-finalized (with the evidence), wait for it, follow the finalized chain, and submit finality providers'
 * randomness commitments and votes. Runs in browsers, Workers and Node (only `fetch`).
 *
 * Verifying an answer without trusting the edge lives in `@finality-edge/sdk/verify` (it brings the crypto and,
 * for the Babylon level, CosmJS), so reading finality costs a dApp none of that.
 */
export type { CallOptions } from "./actions/context.ts";
export type { GetFinalityProvidersOptions } from "./actions/get-finality-providers.ts";
export { MAX_RANGE_BLOCKS } from "./actions/get-finalized-prefix.ts";
export { MAX_MESSAGES_PER_REQUEST, type SubmitOptions } from "./actions/submit-messages.ts";
export type { WaitForTxFinalityOptions } from "./actions/wait-for-tx-finality.ts";
export type { WatchFinalizedOptions } from "./actions/watch-finalized.ts";
export {
  createFinalityClient,
  type EventsMode,
  type FinalityClient,
  type FinalityClientOptions,
} from "./client.ts";
export {
  AbortedError,
  FinalityEdgeError,
  HttpStatusError,
  InvalidRequestError,
  InvalidResponseError,
  isRetryable,
  NetworkError,
  type NotFoundCode,
  NotFoundError,
  type Problem,
  RateLimitedError,
  SubmissionRefusedError,
  TimeoutError,
  UpstreamUnavailableError,
} from "./errors/index.ts";
export {
  EDGE_EVENT_TYPES,
  type EdgeEvent,
  type EdgeEventType,
  type EquivocationEvent,
  type FinalizedEvent,
  type ResyncEvent,
  type SlashedEvent,
  type WatchEventsOptions,
} from "./events/edge-events.ts";
export type { FinalityEvents, SubscribeOptions, Unsubscribe } from "./events/types.ts";
export type { FetchFn } from "./transport/create-transport.ts";
export type { RetryOptions } from "./transport/retry.ts";
export type {
  AcceptedSubmission,
  BlockFinality,
  BlockId,
  BlockRef,
  Chain,
  ChainStatus,
  CommitPublicRandomnessMsg,
  EquivocationEvidence,
  FinalityProviders,
  FinalitySignatureMsg,
  FinalityStatus,
  Hash,
  L2Block,
  Submission,
  SubmissionMetrics,
  TxFinality,
} from "./types.ts";
export { VERSION } from "./version.ts";
