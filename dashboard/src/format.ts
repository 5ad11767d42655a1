/** @module How numbers, keys and times read on the page. */

const SATS_PER_BTC = 100_000_000;

/** "…a1b2c3d4" style: enough to tell FPs apart; the full key goes in a title. */
export function shortPk(pk: string): string {
  return pk.length > 12 ? `${pk.slice(0, 8)}…${pk.slice(-4)}` : pk;
}

export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? "–" : n.toLocaleString("en-US");
}

/** Satoshis (a decimal string) as BTC. Number is exact here: 21 M BTC is 2.1e15 sats, below 2^53. */
export function formatBtc(sats: string | null | undefined): string {
  const n = Number(sats);
  if (sats === null || sats === undefined || !Number.isFinite(n)) return "–";
  return `${(n / SATS_PER_BTC).toLocaleString("en-US", { maximumFractionDigits: 8 })} BTC`;
}

export function formatShare(part: string | number, total: string | number): string {
  const t = Number(total);
  if (!Number.isFinite(t) || t <= 0) return "–";
  return `${((Number(part) / t) * 100).toFixed(1)} %`;
}

export function formatRatio(numerator: number, denominator: number): string {
  return denominator > 0 ? `${((numerator / denominator) * 100).toFixed(0)} %` : "–";
}

/** A unix time (seconds) as local wall-clock time. */
export function formatTime(unixSeconds: number | null | undefined): string {
  if (unixSeconds === null || unixSeconds === undefined) return "–";
  return new Date(unixSeconds * 1000).toLocaleTimeString("en-GB");
}

export function nowSeconds(): number {
  return Date.now() / 1000;
}
