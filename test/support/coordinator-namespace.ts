/**
 * A Durable Object namespace for Node tests of the Worker app: each name gets the real coordinator
 * (src/coordinator/coordinator.ts) over its own SQLite, as the ChainCoordinator class binds it in workerd, with
 * the calls made as the RPC stub makes them (structured clones in, promises out). Alarms are recorded, not run.
 */
import { createCoordinator } from "../../src/coordinator/coordinator.ts";
import type { FinalityReaders } from "../../src/finality/sources.ts";
import { sqliteStore } from "./sqlite-store.ts";

export function coordinatorNamespace(env: () => Env, readers?: () => FinalityReaders) {
  const objects = new Map<string, ReturnType<typeof createCoordinator>>();
  const alarms = new Map<string, number | null>();
  const pending: Promise<unknown>[] = [];
  const object = (name: string) => {
    let coordinator = objects.get(name);
    if (!coordinator) {
      coordinator = createCoordinator({
        sql: sqliteStore(),
        env: env(),
        setAlarm: (at) => void alarms.set(name, at),
        getAlarm: async () => alarms.get(name) ?? null,
        waitUntil: (p) => void pending.push(p.catch(() => undefined)),
        ...(readers ? { readers: () => readers() } : {}),
      });
      coordinator.migrate();
      objects.set(name, coordinator);
    }
    return coordinator;
  };
  const clone = <T>(value: T): T => structuredClone(value);
  const namespace = {
    idFromName: (name: string) => ({ name, toString: () => name }),
    get(id: { name: string }) {
      const target = object(id.name);
      return new Proxy(
        {},
        {
          get(_t, method: string) {
            if (method === "then") return undefined;
            if (method === "fetch") {
              return async (input: string | Request, init?: RequestInit) =>
                target.subscribe(new Request(input, init));
            }
            return async (...args: unknown[]) => {
              const fn = (target as Record<string, (...a: unknown[]) => unknown>)[method];
              if (!fn) throw new Error(`no RPC method ${method}`);
              return clone(await fn(...args.map(clone)));
            };
          },
        },
      );
    },
  };
  return {
    namespace: namespace as unknown as DurableObjectNamespace,
    alarms,
    settle: () => Promise.all(pending),
  };
}
