/** @module The examples that generate load or move devnet funds talk to loopback services only. */

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Throws unless `url` is an absolute http(s) URL on a loopback host; returns it parsed. */
export function assertLoopbackUrl(url: string, what: string): URL {
  if (!URL.canParse(url)) throw new Error(`${what} ${url}: not an absolute URL`);
  const parsed = new URL(url);
  if (!/^https?:$/.test(parsed.protocol)) throw new Error(`${what} ${url}: http(s) only`);
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) throw new Error(`${what} ${url}: loopback only (127.0.0.1)`);
  return parsed;
}
