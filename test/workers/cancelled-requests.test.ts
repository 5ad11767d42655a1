import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CHAINS_CONFIG_KEY } from "../../src/cache/keys.ts";

// workerd cancels a request's pending subrequests when it ends, and a promise created by a request that has ended
// can never settle in another. Each call below is its own request to the Worker (`exports.default.fetch`); the
// first one's caller gives up while its Babylon subrequest (300 ms through a delay proxy) is in flight, and the
// requests sent meanwhile, which need the same chain state, must each be answered on their own.
const ROUNDS = 12;
// One chain id per round, all on the same slow Babylon: each round starts with nothing cached for its chain, so
// the first request's loads are in flight when its caller gives up, and the others must do their own.
const chainIds = Array.from({ length: ROUNDS }, (_, round) => `edge-slow-${round}`);
const path = (round: number) => `http://edge.test/v1/chains/${chainIds[round]}/finality-signatures`;
const b64 = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));
/** A well-formed vote for a key the allowlist does not hold: refusing it needs the allowlist from Babylon. */
const strangerVote = (seed: number) =>
  JSON.stringify({
    fp_pubkey_hex: seed.toString(16).padStart(8, "0").repeat(8),
    height: 5,
    pub_rand: b64(1),
    proof: { total: 1, index: 0, leaf_hash: b64(2), aunts: [] },
    block_hash: b64(3),
    signature: b64(4),
  });
const post = (round: number, body: string, signal?: AbortSignal) =>
  exports.default.fetch(path(round), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    ...(signal ? { signal } : {}),
  });

beforeAll(async () => {
  const [slow] = JSON.parse(inject("slowChains")) as object[];
  await env.FINALITY_KV.put(CHAINS_CONFIG_KEY, JSON.stringify(chainIds.map((id) => ({ ...slow, id }))));
});
afterAll(async () => {
  await env.FINALITY_KV.delete(CHAINS_CONFIG_KEY);
});

describe("a request that ends mid-subrequest", () => {
  it("never hangs or fails a concurrent request that needs the same chain state", async () => {
    const answers: { status: number; ms: number; code: string }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const giveUp = new AbortController();
      const first = post(round, strangerVote(1_000 + round), giveUp.signal).catch(() => undefined);
      setTimeout(() => giveUp.abort(), 20 + round * 40);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const others = Array.from({ length: 3 }, async (_, k) => {
        const started = Date.now();
        // A request that waits on another's cancelled promise never ends: give up on it well before the runtime.
        const hung = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`round ${round}: a concurrent request hung`)), 10_000),
        );
        const res = await Promise.race([post(round, strangerVote(10_000 + round * 10 + k)), hung]);
        const body = (await res.json()) as { code: string };
        answers.push({ status: res.status, ms: Date.now() - started, code: body.code });
      });
      await Promise.all([first, ...others]);
    }
    console.log(
      `cancelled requests: ${answers.length} answers, ${JSON.stringify([...new Set(answers.map((a) => `${a.status} ${a.code}`))])}, ms ${answers.map((a) => a.ms).join(" ")}`,
    );
    expect(answers).toHaveLength(ROUNDS * 3);
    // The first requests' subrequests really were cut off mid-flight (the proxy saw their callers leave).
    const { babylonRpcUrl } = (JSON.parse(inject("slowChains")) as { babylonRpcUrl: string }[])[0] ?? {};
    const stats = (await (await fetch(`${babylonRpcUrl}/__stats`)).json()) as { abandoned: number };
    expect(stats.abandoned).toBeGreaterThan(0);
    for (const a of answers) expect(`${a.status} ${a.code}`).toBe("403 finality_provider_not_allowed");
  }, 120_000);
});
