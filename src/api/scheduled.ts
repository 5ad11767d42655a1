/**
 * @module The cron's work: move every chain's finalized tip (`tip/{chain}`) forward along consecutive grid
 * heights, with bounded work per run. Each step decides the next grid block with the same cached rule the read
 * API uses; a finalized grid block decided by its own quorum advances the tip (see `decideWithCache`). The walk
 * stops at the first grid block that is not finalized or not produced yet. Chains fail independently.
 */
import { loadChainRegistry } from "../chains/index.ts";
import { cachedContractConfig, decideWithCache, readTip } from "../finality/sources.ts";
import { flushAcceptCounts, foldAcceptCounts } from "../submission/accept-counters.ts";
import { requeueStale } from "../submission/pending.ts";
import { type AppDeps, defaultDeps } from "./context.ts";

/** Grid blocks decided per chain per run (each costs about one votes and one power look-up). */
export const DEFAULT_TIP_STEPS = 16;

export type TipAdvance = { chain: string; from: number | null; to: number | null; error?: string };

export async function advanceFinalizedTips(
  env: Env,
  deps: Pick<AppDeps, "readers"> = defaultDeps,
  maxSteps = DEFAULT_TIP_STEPS,
): Promise<TipAdvance[]> {
  const registry = await loadChainRegistry(env);
  return Promise.all(
    registry.list().map(async (chain): Promise<TipAdvance> => {
      const readers = deps.readers(chain, env);
      const cache = {
        chain: chain.id,
        kv: env.FINALITY_KV,
        readers,
        quorum: { numerator: BigInt(chain.quorum.numerator), denominator: BigInt(chain.quorum.denominator) },
      };
      const start = await readTip(cache.kv, chain.id);
      const from = start === null ? null : Number(start.number);
      let to = from;
      try {
        const config = await cachedContractConfig(cache);
        const a = BigInt(config.activationHeight);
        const interval = BigInt(config.interval);
        let next = start === null || start.number < a ? a : start.number + interval;
        for (let step = 0; step < maxSteps; step++, next += interval) {
          const block = await readers.blockAt(next);
          if (!block) break;
          const { decision } = await decideWithCache({ ...cache, canonical: block }, block);
          if (!decision.finalized) break;
          to = Number(block.number);
        }
        return { chain: chain.id, from, to };
      } catch (error) {
        console.error(`scheduled: advancing the tip of ${chain.id} failed`, error);
        return { chain: chain.id, from, to, error: error instanceof Error ? error.name : "Error" };
      }
    }),
  );
}

/**
 * Sends accepted submissions that stayed unsettled for `REQUEUE_AFTER_SECONDS` (default 120) to the queue again
 * (at most 100 per chain and run): a queue that lost them must not lose them for good.
 */
export async function requeueStaleSubmissions(env: Env): Promise<{ chain: string; requeued: number }[]> {
  const registry = await loadChainRegistry(env);
  const olderThanMs = (Number(env.REQUEUE_AFTER_SECONDS) || 120) * 1000;
  return Promise.all(
    registry.list().map(async (chain) => {
      try {
        const requeued = await requeueStale(env.FINALITY_KV, env.SUBMISSIONS, chain.id, {
          olderThanMs,
          max: 100,
        });
        if (requeued > 0)
          console.warn(`scheduled: ${chain.id}: ${requeued} unsettled submissions sent again`);
        return { chain: chain.id, requeued };
      } catch (error) {
        console.error(`scheduled: requeueing ${chain.id} failed`, error);
        return { chain: chain.id, requeued: 0 };
      }
    }),
  );
}

/** Writes this isolate's accept counters and folds every chain's deltas into its total. */
export async function foldSubmissionCounters(env: Env): Promise<{ chain: string; folded: number }[]> {
  await flushAcceptCounts(env.FINALITY_KV);
  const registry = await loadChainRegistry(env);
  return Promise.all(
    registry.list().map(async (chain) => {
      try {
        return { chain: chain.id, folded: await foldAcceptCounts(env.FINALITY_KV, chain.id) };
      } catch (error) {
        console.error(`scheduled: folding the counters of ${chain.id} failed`, error);
        return { chain: chain.id, folded: 0 };
      }
    }),
  );
}
