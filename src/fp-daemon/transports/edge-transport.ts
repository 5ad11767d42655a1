/**
 * @module The `edge` transport: submissions through Finality Edge's REST API with the SDK's client, one try per
 * call (the daemon's outbox owns retries and backoff), answers read as the daemon's outcomes.
 */
import {
  createFinalityClient,
  type FetchFn,
  FinalityEdgeError,
  NetworkError,
  NotFoundError,
  TimeoutError,
} from "../../../sdk/src/index.ts";
import type { MessageKind } from "../store.ts";
import {
  BUDGET_CODES,
  type CheckOutcome,
  type ContractBody,
  type SendOutcome,
  type Transport,
  WAIT_CODES,
} from "./transport.ts";

export type EdgeTransportOptions = {
  url: string;
  chain: string;
  timeoutMs: number;
  fetch?: FetchFn;
};

/** The index the edge names in `field` (`[3].signature`) when a request holds several messages. */
function refusedIndex(field: string | undefined): number {
  const match = field === undefined ? null : /^\[(\d+)\]/.exec(field);
  return match ? Number(match[1]) : 0;
}

export function describe(error: FinalityEdgeError): string {
  return error.details ?? error.shortMessage;
}

/** An SDK error as a send outcome: a 4xx other than 429 is about a message; everything else may pass. */
export function sendOutcomeOf(error: unknown): SendOutcome {
  if (!(error instanceof FinalityEdgeError)) throw error;
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return { kind: "transient", code: error.code, detail: describe(error) };
  }
  const { status, code } = error;
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    if (WAIT_CODES.has(code)) return { kind: "wait", code, detail: describe(error) };
    return { kind: "refused", index: refusedIndex(error.field), code, detail: describe(error) };
  }
  const retryAfter = error.retryAfter ?? 0;
  return {
    kind: "transient",
    code,
    detail: describe(error),
    ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

export function createEdgeTransport(options: EdgeTransportOptions): Transport {
  const client = createFinalityClient({
    url: options.url,
    chain: options.chain,
    timeoutMs: options.timeoutMs,
    retry: { attempts: 1 },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    name: "edge",
    async send(kind: MessageKind, bodies: readonly ContractBody[]): Promise<SendOutcome> {
      try {
        const list = [...bodies] as never[];
        const answers =
          kind === "commit"
            ? await client.commitPublicRandomness(list)
            : await client.submitFinalitySignatures(list);
        return { kind: "accepted", submissionIds: answers.map((a) => a.id), included: false };
      } catch (error) {
        return sendOutcomeOf(error);
      }
    },
    async check(_kind: MessageKind, submissionId: string | null): Promise<CheckOutcome> {
      if (submissionId === null) return { kind: "lost", detail: "no submission id" };
      try {
        const record = await client.getSubmission(submissionId);
        switch (record.status) {
          case "submitted":
          case "duplicate":
            return { kind: "included" };
          case "failed":
            // The chain already holds this very vote: nothing is lost.
            if (record.code === "duplicated_finality_sig") return { kind: "included" };
            // Refused for now, not for good: the relay spent the budget, or the commit was not there yet.
            if (WAIT_CODES.has(record.code) || BUDGET_CODES.has(record.code))
              return { kind: "lost", detail: `${record.code}: ${record.message}` };
            return { kind: "refused", code: record.code, detail: record.message };
          default:
            return { kind: "pending" };
        }
      } catch (error) {
        // The edge has no record of an id it accepted (e.g. its state was reset): send the message again.
        if (error instanceof NotFoundError) return { kind: "lost", detail: describe(error) };
        if (error instanceof FinalityEdgeError) return { kind: "pending" };
        throw error;
      }
    },
    async close() {},
  };
}
