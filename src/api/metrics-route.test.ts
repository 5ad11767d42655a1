import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { FP, fakeEnv, fakeReaders, memoryKv } from "../../test/support/fake-readers.ts";
import { BabylonUnavailableError } from "../babylon/index.ts";
import { advanceTip } from "../cache/index.ts";
import { coordinatorStub } from "../coordinator/client.ts";
import { countInIsolate, flushCounters } from "../coordinator/isolate-counters.ts";
import { createApp } from "./app.ts";
import { recordUpstreamRead } from "./upstream-timing.ts";

function setup(env: Partial<Record<string, string>> = {}) {
  const kv = memoryKv();
  const fake = fakeReaders(31);
  const app = createApp({ deps: { readers: () => fake.readers } });
  const base = fakeEnv(kv);
  Object.assign(base, env);
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers }, base);
  return { kv, fake, env: base, get };
}

const family = (families: ParsedFamily[], name: string) => families.find((f) => f.name === name);
const value = (families: ParsedFamily[], name: string, labels: Record<string, string> = {}) =>
  family(families, name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    ?.value;

describe("GET /metrics", () => {
  it("parses as Prometheus text, and its finalized height is /status's", async () => {
    const { get, kv, fake } = setup();
    await advanceTip(kv as unknown as KVNamespace, "op-devnet", {
      height: 20,
      hash: fake.hash(20),
      timestamp: 1_000 + 20,
    });
    fake.vote([10, 15, 20]);
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusTextFormat(await res.text());
    const status = (await (await get("/v1/chains/op-devnet/status")).json()) as {
      finalizedTip: { number: number };
      l2Head: { number: number };
      lag: { blocks: number };
    };
    expect(value(families, "finality_edge_finalized_height", { chain: "op-devnet" })).toBe(
      String(status.finalizedTip.number),
    );
    expect(value(families, "finality_edge_l2_head_height")).toBe(String(status.l2Head.number));
    expect(value(families, "finality_edge_lag_blocks")).toBe(String(status.lag.blocks));
    expect(value(families, "finality_edge_up")).toBe("1");
    expect(value(families, "finality_edge_total_voting_power_sats")).toBe("300");
    expect(value(families, "finality_edge_fp_voting_power_sats", { fp: FP.a })).toBe("100");
    expect(value(families, "finality_edge_fp_slashed", { fp: FP.c })).toBe("0");
    expect(value(families, "finality_edge_fp_last_voted_height", { fp: FP.a })).toBe("20");
    // c never voted: no sample rather than a made-up height.
    expect(value(families, "finality_edge_fp_last_voted_height", { fp: FP.c })).toBeUndefined();
    expect(family(families, "finality_edge_relayer_batch_size")?.type).toBe("HISTOGRAM");
    for (const f of families) expect(f.name).toMatch(/^finality_edge_/);
  });

  it("sums the isolates' upstream-latency buckets and refusal counts held by the coordinator", async () => {
    const { get, env } = setup();
    recordUpstreamRead("op-devnet", "babylon", 0.02, false);
    recordUpstreamRead("op-devnet", "babylon", 3, true);
    countInIsolate("op-devnet", "refused.secp256k1_error", 2);
    // Handed over as the app does after a request; a name outside the allowed prefixes is dropped.
    countInIsolate("op-devnet", "accepted.vote", 1_000);
    await flushCounters((chain, counts) => coordinatorStub(env, chain).addCounters(chain, counts));
    const text = await (await get("/metrics")).text();
    const families = parsePrometheusTextFormat(text);
    expect(family(families, "finality_edge_upstream_read_duration_seconds")?.type).toBe("HISTOGRAM");
    // The parser drops a histogram's labels: read the babylon series from the text itself.
    const sample = (suffix: string, extra = "") =>
      Number(
        new RegExp(
          `^finality_edge_upstream_read_duration_seconds_${suffix}\\{chain="op-devnet",upstream="babylon"${extra}\\} (\\S+)$`,
          "m",
        ).exec(text)?.[1],
      );
    expect(sample("count")).toBeGreaterThanOrEqual(2);
    expect(sample("bucket", ',le="0.025"')).toBeGreaterThanOrEqual(1);
    expect(sample("bucket", ',le="\\+Inf"')).toBe(sample("count"));
    expect(sample("sum")).toBeGreaterThanOrEqual(3.02);
    expect(
      Number(value(families, "finality_edge_upstream_read_errors_total", { upstream: "babylon" })),
    ).toBeGreaterThanOrEqual(1);
    expect(value(families, "finality_edge_submissions_refused_total", { code: "secp256k1_error" })).toBe("2");
    expect(value(families, "finality_edge_submissions_accepted_total", { kind: "vote" })).toBe("0");
  });

  it("still answers when a chain's upstreams fail: up 0, no made-up heights", async () => {
    const { get, fake } = setup();
    fake.fail(new BabylonUnavailableError("/status", new Error("down")));
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    const families = parsePrometheusTextFormat(await res.text());
    expect(value(families, "finality_edge_up")).toBe("0");
    expect(family(families, "finality_edge_finalized_height")?.metrics ?? []).toEqual([]);
  });

  it("needs the bearer token when METRICS_TOKEN is set", async () => {
    const { get } = setup({ METRICS_TOKEN: "scrape-secret" });
    const none = await get("/metrics");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(await none.json()).toMatchObject({ code: "unauthorized", field: "Authorization" });
    expect((await get("/metrics", { authorization: "Bearer wrong" })).status).toBe(403);
    expect((await get("/metrics", { authorization: "Bearer scrape-secret" })).status).toBe(200);
  });
});
