/**
 * @module Learns the targets through the public API before the load: the chains (`GET /v1/chains` unless given),
 * each chain's real FP keys (`…/finality-providers`), its head and tip (`…/status`) and the real votes of its
 * finalized tip (`…/blocks/{tip}/finality` voters). A failed lookup leaves that fact empty; the generators then
 * fall back to random keys and heights.
 */
import type { Agent } from "node:http";
import { getJson } from "./http-client.ts";
import type { ChainFacts } from "./targets.ts";
import { sampleTip } from "./tip-sampler.ts";

type Chains = { chains: { id: string }[] };
type Providers = { providers: { fpBtcPk: string }[] };
type Block = {
  block: { number: number; hash: string };
  voters: { fpBtcPk: string; pubRand: string; signature: string }[];
};

export async function discoverChains(agent: Agent, base: URL, timeoutMs: number): Promise<string[]> {
  return (await getJson<Chains>(agent, base, "/v1/chains", timeoutMs)).chains.map((c) => c.id);
}

export async function discoverFacts(
  agent: Agent,
  base: URL,
  chain: string,
  timeoutMs: number,
): Promise<{ facts: ChainFacts; problems: string[] }> {
  const facts: ChainFacts = { id: chain, fpKeys: [], head: 1, tip: 0, knownHashes: [], votes: [] };
  const problems: string[] = [];
  const path = (rest: string) => `/v1/chains/${encodeURIComponent(chain)}${rest}`;
  try {
    facts.fpKeys = (
      await getJson<Providers>(agent, base, path("/finality-providers?window=1"), timeoutMs)
    ).providers.map((p) => p.fpBtcPk);
  } catch (error) {
    problems.push(`${chain} FP keys: ${error instanceof Error ? error.message : error}`);
  }
  const status = await sampleTip(agent, base, facts, "before", timeoutMs);
  if (status.error) problems.push(`${chain} status: ${status.error}`);
  if (status.tip !== null) {
    try {
      const block = await getJson<Block>(agent, base, path(`/blocks/${status.tip}/finality`), timeoutMs);
      facts.votes = block.voters.map((v) => ({
        fpBtcPk: v.fpBtcPk,
        height: block.block.number,
        blockHash: block.block.hash,
        pubRand: v.pubRand,
        signature: v.signature,
      }));
    } catch (error) {
      problems.push(`${chain} votes: ${error instanceof Error ? error.message : error}`);
    }
  }
  return { facts, problems };
}
