/**
 * @module The vote history (D1) against the running stack: the edge's participation over a range of recorded grid
 * heights, and the same counts recomputed here from the contract's `block_voters` of each height's canonical
 * block (read straight from Babylon's RPC, not through the edge).
 */
import { createFinalityQueryClient, getBlockVoters } from "../../src/babylon/index.ts";

export type Participation = {
  gridHeights: number;
  recordedTo: number | null;
  providers: { fpBtcPk: string; gridHeights: number; votes: number; late: number; missed: number }[];
};

export type VoteHistory = {
  recordedTo: number | null;
  heights: { block: { number: number; hash: string }; votes: { fpBtcPk: string; vote: string }[] }[];
};

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Votes per FP over `[from, to]`, from the contract: for each recorded grid height (the edge's list of heights and
 * hashes, which the test checks separately against the L2), the FPs in `block_voters`.
 */
export async function recountFromContract(o: {
  babylonRpcUrl: string;
  contractAddress: string;
  heights: readonly { number: number; hash: string }[];
}): Promise<Map<string, number>> {
  const client = createFinalityQueryClient(o.babylonRpcUrl, o.contractAddress, { timeoutMs: 10_000 });
  const counts = new Map<string, number>();
  for (let i = 0; i < o.heights.length; i += 10) {
    const chunk = o.heights.slice(i, i + 10);
    const voters = await Promise.all(
      chunk.map((h) => getBlockVoters(client, { height: h.number, hash: h.hash })),
    );
    for (const list of voters)
      for (const fp of new Set(list.map((v) => v.fpBtcPk.toLowerCase())))
        counts.set(fp, (counts.get(fp) ?? 0) + 1);
  }
  return counts;
}

export const participationOf = (edge: string, chain: string, from: number, to: number) =>
  json<Participation>(`${edge}/v1/chains/${chain}/participation?from=${from}&to=${to}`);

export const voteHistoryOf = (edge: string, chain: string, query: string) =>
  json<VoteHistory>(`${edge}/v1/chains/${chain}/vote-history?${query}`);
