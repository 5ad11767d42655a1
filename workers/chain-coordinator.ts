/**
 * @module `ChainCoordinator`: one SQLite-backed Durable Object per chain. Thin: it binds the coordinator's
 * library (src/coordinator/) to the object's storage, alarm and connections. Every method takes the chain id
 * (the object's name) so the alarm, which has no caller, knows it from storage.
 */
import { DurableObject } from "cloudflare:workers";
import type { CoordinatorRpc } from "../src/coordinator/client.ts";
import { type Coordinator, createCoordinator } from "../src/coordinator/coordinator.ts";
import type { SqlStore } from "../src/coordinator/sql.ts";

export class ChainCoordinator extends DurableObject<Env> implements CoordinatorRpc {
  private readonly coordinator: Coordinator;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql: SqlStore = {
      exec: (query, ...bindings) => ctx.storage.sql.exec(query, ...bindings),
      transaction: (fn) => ctx.storage.transactionSync(fn),
    };
    this.coordinator = createCoordinator({
      sql,
      env,
      setAlarm: (at) => ctx.storage.setAlarm(at),
      getAlarm: () => ctx.storage.getAlarm(),
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
    ctx.blockConcurrencyWhile(async () => this.coordinator.migrate());
  }

  // RPC methods are the prototype's (Workers RPC exposes no instance properties), each a one-line delegation.
  snapshot(...a: Parameters<CoordinatorRpc["snapshot"]>) {
    return this.coordinator.snapshot(...a);
  }
  accept(...a: Parameters<CoordinatorRpc["accept"]>) {
    return this.coordinator.accept(...a);
  }
  unsent(...a: Parameters<CoordinatorRpc["unsent"]>) {
    return this.coordinator.unsent(...a);
  }
  records(...a: Parameters<CoordinatorRpc["records"]>) {
    return this.coordinator.records(...a);
  }
  apply(...a: Parameters<CoordinatorRpc["apply"]>) {
    return this.coordinator.apply(...a);
  }
  record(...a: Parameters<CoordinatorRpc["record"]>) {
    return this.coordinator.record(...a);
  }
  evidence(...a: Parameters<CoordinatorRpc["evidence"]>) {
    return this.coordinator.evidence(...a);
  }
  counters(...a: Parameters<CoordinatorRpc["counters"]>) {
    return this.coordinator.counters(...a);
  }
  addCounters(...a: Parameters<CoordinatorRpc["addCounters"]>) {
    return this.coordinator.addCounters(...a);
  }
  tick(chain: string) {
    return this.coordinator.tick(chain, "cron");
  }
  webhooks(...a: Parameters<CoordinatorRpc["webhooks"]>) {
    return this.coordinator.webhooks(...a);
  }

  /** The event stream (`GET …/events`, forwarded by the Worker with the chain in `x-chain`). */
  override async fetch(request: Request): Promise<Response> {
    return this.coordinator.subscribe(request);
  }

  override async alarm(): Promise<void> {
    await this.coordinator.tick(null, "alarm");
  }
}
