/** @module `createFinalityClient`: one edge, one chain, every call bound to one transport. */
import { commitPublicRandomness } from "./actions/commit-public-randomness.ts";
import type { CallOptions, ClientContext } from "./actions/context.ts";
import { getBlockFinality } from "./actions/get-block-finality.ts";
import { getChains } from "./actions/get-chains.ts";
import { getEquivocation } from "./actions/get-equivocation.ts";
import { type GetFinalityProvidersOptions, getFinalityProviders } from "./actions/get-finality-providers.ts";
import { getFinalizedPrefix } from "./actions/get-finalized-prefix.ts";
import { getStatus } from "./actions/get-status.ts";
import { getSubmission } from "./actions/get-submission.ts";
import { getSubmissionMetrics } from "./actions/get-submission-metrics.ts";
import { getTxFinality } from "./actions/get-tx-finality.ts";
import { submitFinalitySignatures } from "./actions/submit-finality-signatures.ts";
import type { SubmitOptions } from "./actions/submit-messages.ts";
import { type WaitForTxFinalityOptions, waitForTxFinality } from "./actions/wait-for-tx-finality.ts";
import { type WatchFinalizedOptions, watchFinalized } from "./actions/watch-finalized.ts";
import { InvalidRequestError } from "./errors/index.ts";
import type { EdgeEvent, WatchEventsOptions } from "./events/edge-events.ts";
import { createPollingEvents } from "./events/polling.ts";
import { createStreamEvents } from "./events/stream.ts";
import type { FinalityEvents, Unsubscribe } from "./events/types.ts";
import { chainParam } from "./params.ts";
import { createTransport, type FetchFn } from "./transport/create-transport.ts";
import type { RetryOptions } from "./transport/retry.ts";
import type {
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
  Hash,
  L2Block,
  Submission,
  SubmissionMetrics,
  TxFinality,
} from "./types.ts";

export type FinalityClientOptions = {
  /** The edge's base URL, e.g. `https://finality.example`. */
  url: string;
  /** The consumer chain id the calls are about (as listed by `getChains()`). */
  chain: string;
  /** Default: the global `fetch`. In a Worker, a service binding's `fetch` works too. */
  fetch?: FetchFn | undefined;
  /** Sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Per request try, body included (default 10 000 ms). */
  timeoutMs?: number | undefined;
  /** Retries of 502/503/429 and network failures (every call is idempotent). */
  retry?: RetryOptions | undefined;
  /**
   * How `waitForTxFinality` and `watchFinalized` learn of changes. `"auto"` (default): the edge's event stream,
   * polling for good where the edge has none (in a Cloudflare Worker `"auto"` polls: a stream belongs to the request
   * that opened it). `"stream"`: the stream only (an edge without one is an error to each call). `"poll"`: never
   * open the stream (then `watchEvents` throws).
   */
  events?: "auto" | "stream" | "poll" | undefined;
};

export type EventsMode = NonNullable<FinalityClientOptions["events"]>;

export type FinalityClient = {
  readonly url: string;
  readonly chain: string;
  getChains(options?: CallOptions): Promise<Chain[]>;
  getBlockFinality(blockId: BlockId, options?: CallOptions): Promise<BlockFinality>;
  getTxFinality(hash: Hash, options?: CallOptions): Promise<TxFinality>;
  getFinalizedPrefix(
    blocks: readonly { number: number | bigint; hash: Hash }[],
    options?: CallOptions,
  ): Promise<BlockRef | null>;
  getStatus(options?: CallOptions): Promise<ChainStatus>;
  getFinalityProviders(options?: GetFinalityProvidersOptions): Promise<FinalityProviders>;
  getSubmission(id: string, options?: CallOptions): Promise<Submission>;
  getSubmissionMetrics(options?: CallOptions): Promise<SubmissionMetrics>;
  getEquivocation(
    fpBtcPk: string,
    height: number | bigint,
    options?: CallOptions,
  ): Promise<EquivocationEvidence>;
  commitPublicRandomness(
    msgs: CommitPublicRandomnessMsg | readonly CommitPublicRandomnessMsg[],
    options?: SubmitOptions,
  ): Promise<AcceptedSubmission[]>;
  submitFinalitySignatures(
    msgs: FinalitySignatureMsg | readonly FinalitySignatureMsg[],
    options?: SubmitOptions,
  ): Promise<AcceptedSubmission[]>;
  waitForTxFinality(hash: Hash, options?: WaitForTxFinalityOptions): Promise<TxFinality>;
  watchFinalized(
    onBlock: (block: L2Block) => void | Promise<void>,
    options?: WatchFinalizedOptions,
  ): Unsubscribe;
  /**
   * The edge's event stream, typed: `finalized` (every height, in order), `equivocation`, `slashed`, and `resync`
   * when the stream could not resume where asked. Shares the client's one connection; reconnects and resumes by
   * itself. Where the edge has no stream, `onError` gets its answer once and nothing more comes.
   */
  watchEvents(onEvent: (event: EdgeEvent) => void | Promise<void>, options?: WatchEventsOptions): Unsubscribe;
};

/**
 * A client for one chain on one edge. Between calls it keeps plain values (the last ETag and body per URL) and,
 * while anything waits or watches, one connection to the edge's event stream; in a Worker `events: "auto"` polls
 * instead, so one client may serve many requests of a Worker.
 */
export function createFinalityClient(options: FinalityClientOptions): FinalityClient {
  if (typeof options?.url !== "string" || !URL.canParse(options.url)) {
    throw new InvalidRequestError("Invalid argument", {
      code: "invalid_request",
      field: "url",
      details: `url must be an absolute URL, got ${JSON.stringify(options?.url)}`,
    });
  }
  const ctx: ClientContext = { transport: createTransport(options), chain: chainParam(options.chain) };
  const mode = eventsMode(options.events);
  const polling = createPollingEvents(ctx);
  const stream =
    mode === "poll"
      ? undefined
      : createStreamEvents(ctx, { fallback: mode === "auto" ? polling : undefined });
  const events: FinalityEvents =
    stream !== undefined && (mode === "stream" || !inCloudflareWorker()) ? stream : polling;
  return {
    url: ctx.transport.url,
    chain: ctx.chain,
    getChains: (o) => getChains(ctx, o),
    getBlockFinality: (blockId, o) => getBlockFinality(ctx, blockId, o),
    getTxFinality: (hash, o) => getTxFinality(ctx, hash, o),
    getFinalizedPrefix: (blocks, o) => getFinalizedPrefix(ctx, blocks, o),
    getStatus: (o) => getStatus(ctx, o),
    getFinalityProviders: (o) => getFinalityProviders(ctx, o),
    getSubmission: (id, o) => getSubmission(ctx, id, o),
    getSubmissionMetrics: (o) => getSubmissionMetrics(ctx, o),
    getEquivocation: (fpBtcPk, height, o) => getEquivocation(ctx, fpBtcPk, height, o),
    commitPublicRandomness: (msgs, o) => commitPublicRandomness(ctx, msgs, o),
    submitFinalitySignatures: (msgs, o) => submitFinalitySignatures(ctx, msgs, o),
    waitForTxFinality: (hash, o) => waitForTxFinality(events, hash, o),
    watchFinalized: (onBlock, o) => watchFinalized(ctx, events, onBlock, o),
    watchEvents(onEvent, o) {
      if (stream === undefined) {
        throw new InvalidRequestError("watchEvents needs the event stream", {
          code: "invalid_request",
          field: "events",
          details: 'the client was created with events: "poll"',
        });
      }
      return stream.watchEvents(onEvent, o);
    },
  };
}

function eventsMode(mode: unknown): EventsMode {
  if (mode === undefined) return "auto";
  if (mode === "auto" || mode === "stream" || mode === "poll") return mode;
  throw new InvalidRequestError("Invalid argument", {
    code: "invalid_request",
    field: "events",
    details: `events must be "auto", "stream" or "poll", got ${JSON.stringify(mode)}`,
  });
}

/**
 * workerd cancels a request's I/O when that request ends, so a connection shared by a module-scope client would die
 * with the request that opened it and hang every other request waiting on it. Polling keeps each wait's I/O in its
 * own request.
 */
function inCloudflareWorker(): boolean {
  return typeof navigator !== "undefined" && navigator.userAgent === "Cloudflare-Workers";
}
