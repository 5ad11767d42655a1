/** Small helpers the benches share: a nearest-rank quantile and a sleep. */

/** The `q` quantile (0..1) of `xs`, nearest rank from below (unsorted input is fine). */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
