/**
 * @module The cron's work, a safety net: it wakes every chain's coordinator, which moves the finalized tip,
 * re-sends submissions a queue lost and keeps its own alarm running. The tip does not wait for the cron: the
 * coordinator evaluates it when votes land and on its alarm. Chains fail independently.
 */
import { loadChainRegistry } from "../chains/index.ts";
import { coordinatorStub } from "../coordinator/client.ts";

export type CoordinatorTick = { chain: string; tip: number | null; error?: string };

export async function tickCoordinators(env: Env): Promise<CoordinatorTick[]> {
  const registry = await loadChainRegistry(env);
  return Promise.all(
    registry.list().map(async (chain): Promise<CoordinatorTick> => {
      try {
        return { chain: chain.id, ...(await coordinatorStub(env, chain.id).tick(chain.id)) };
      } catch (error) {
        console.error(`scheduled: the coordinator of ${chain.id} failed`, error);
        return { chain: chain.id, tip: null, error: error instanceof Error ? error.name : "Error" };
      }
    }),
  );
}
