/**
 * @module One compact live line per chain, from the Worker's public API (and how many of the chain's FP daemons
 * are running): latest block, finalized tip, lag, FPs voting, and the share of power those FPs hold.
 */
import type { FpDaemons } from "./fp-daemons.ts";

type Status = {
  l2Head: { number: number };
  finalizedTip: { number: number } | null;
  lag: { blocks: number; seconds: number } | null;
  totalPower: string;
};
type Providers = {
  providers: { fpBtcPk: string; power: string; slashed: boolean; recentVotes: { count: number } }[];
};

export async function chainStatusLine(
  edgeUrl: string,
  chain: string,
  fps: FpDaemons | undefined,
): Promise<string> {
  try {
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${edgeUrl}/v1/chains/${chain}${path}`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    };
    const [status, table, daemons] = await Promise.all([
      get<Status>("/status"),
      get<Providers>("/finality-providers?window=10"),
      fps?.status(chain),
    ]);
    const total = table.providers.reduce((sum, p) => sum + BigInt(p.power), 0n);
    const voting = table.providers.filter((p) => p.recentVotes.count > 0 && !p.slashed);
    const votingPower = voting.reduce((sum, p) => sum + BigInt(p.power), 0n);
    const share = total > 0n ? Number((votingPower * 1000n) / total) / 10 : 0;
    const running = daemons ? daemons.filter((d) => d.running).length : voting.length;
    const tip = status.finalizedTip ? String(status.finalizedTip.number) : "-";
    const lag = status.lag ? `${status.lag.blocks} blk / ${status.lag.seconds} s` : "-";
    return (
      `${chain.padEnd(16)} latest ${String(status.l2Head.number).padStart(6)}  finalized ${tip.padStart(6)}  ` +
      `lag ${lag.padEnd(13)} FPs voting ${voting.length}/${table.providers.length} (daemons up ${running})  ` +
      `power ${share.toFixed(1)}%`
    );
  } catch (error) {
    return `${chain.padEnd(16)} unavailable: ${error instanceof Error ? error.message : error}`;
  }
}
