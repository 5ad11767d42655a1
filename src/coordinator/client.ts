/**
 * @module The Worker's side of a chain's coordinator: the Durable Object stub for a chain, and the submission
 * books the accept path and the queue consumer write through. A coordinator that cannot be reached is an
 * upstream failure (503 with Retry-After), never a 5xx of the Worker's own.
 */
import { UpstreamUnavailableError } from "../errors/upstream.ts";
import type { SubmissionBook } from "../submission/accept.ts";
import type { ConsumerBook } from "../submission/consume.ts";
import type { EquivocationEvidence } from "../submission/evidence.ts";
import type { RelayDelta } from "../submission/metrics.ts";
import type { SubmissionRecord } from "../submission/records.ts";
import type {
  AcceptOutcome,
  AcceptPlan,
  LedgerSnapshot,
  SnapshotRequest,
  SubmissionUpdate,
} from "./ledger.ts";
import type { WebhookOp, WebhookOpResult } from "./webhook-ops.ts";

type Awaitable<T> = T | Promise<T>;

/** The coordinator's RPC surface (the Durable Object class implements it; answers may be sync there). */
export type CoordinatorRpc = {
  snapshot(chain: string, request: SnapshotRequest): Awaitable<LedgerSnapshot>;
  accept(chain: string, plan: AcceptPlan): Awaitable<AcceptOutcome>;
  unsent(chain: string, ids: string[]): Awaitable<void>;
  records(chain: string, ids: string[]): Awaitable<Record<string, SubmissionRecord>>;
  apply(chain: string, updates: SubmissionUpdate[], relay: RelayDelta): Awaitable<void>;
  record(chain: string, id: string): Awaitable<SubmissionRecord | null>;
  evidence(chain: string, fpHex: string, height: number): Awaitable<EquivocationEvidence | null>;
  counters(chain: string): Awaitable<Record<string, number>>;
  addCounters(chain: string, counts: Record<string, number>): Awaitable<void>;
  tick(chain: string): Awaitable<{ tip: number | null }>;
  webhooks(chain: string, op: WebhookOp): Awaitable<WebhookOpResult>;
};

/** What a caller holds: every call is a promise across the RPC boundary. */
export type RemoteCoordinator = {
  [K in keyof CoordinatorRpc]: (
    ...args: Parameters<CoordinatorRpc[K]>
  ) => Promise<Awaited<ReturnType<CoordinatorRpc[K]>>>;
};

type Namespace = DurableObjectNamespace;

/** The stub of `chain`'s coordinator (one Durable Object per chain id). */
export function coordinatorStub(env: { CHAIN_COORDINATOR: Namespace }, chain: string) {
  return env.CHAIN_COORDINATOR.get(env.CHAIN_COORDINATOR.idFromName(chain)) as unknown as RemoteCoordinator &
    DurableObjectStub;
}

/** Runs a coordinator call; its failure becomes the 503 the API maps (and the consumer retries on). */
export async function viaCoordinator<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    throw new UpstreamUnavailableError("coordinator", "The chain's coordinator is unavailable", {
      details: "Nothing was accepted. Retry later.",
      cause: error,
    });
  }
}

export function submissionBook(env: { CHAIN_COORDINATOR: Namespace }, chain: string): SubmissionBook {
  const stub = () => coordinatorStub(env, chain);
  return {
    snapshot: (request) => viaCoordinator(() => stub().snapshot(chain, request)),
    accept: (plan) => viaCoordinator(() => stub().accept(chain, plan)),
    unsent: (ids) => viaCoordinator(() => stub().unsent(chain, ids)),
  };
}

export function consumerBook(env: { CHAIN_COORDINATOR: Namespace }, chain: string): ConsumerBook {
  const stub = () => coordinatorStub(env, chain);
  return {
    records: (ids) => viaCoordinator(() => stub().records(chain, ids)),
    apply: (updates, relay) => viaCoordinator(() => stub().apply(chain, updates, relay)),
  };
}
