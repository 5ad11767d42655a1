import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { MetricsError, MetricsRegistry } from "./index.ts";

const TRICKY = {
  windowsPath: "C:\\DIR\\FILE.TXT",
  quoted: 'say "hi"',
  multiline: "line one\nline two",
  backslashN: "literal \\n, not a newline",
  punctuation: 'a},b="c",d{',
  unicode: "ünïcödé 💥",
  empty: "",
};

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no family ${name} in ${families.map((f) => f.name).join(", ")}`);
  return found;
}

/**
 * The parser folds every series of a histogram into one (labels, `_sum` and `_count` of labelled histograms are
 * lost), so labelled histograms are read as untyped: each sample line then comes back with its labels and value.
 */
function flatSamples(text: string): { name: string; labels: Record<string, string>; value: string }[] {
  const untyped = text.replace(/^# TYPE (\S+) \S+$/gm, "# TYPE $1 untyped");
  return parsePrometheusTextFormat(untyped).flatMap((f) =>
    f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {}, value: m.value ?? "" })),
  );
}

describe("MetricsRegistry.render", () => {
  it("writes every metric type so an independent parser reads back families, types, values and buckets", () => {
    const registry = new MetricsRegistry();
    const votes = registry.counter({
      name: "fp_votes_total",
      help: "Finality votes sent.",
      labelNames: ["fp", "chain"],
    });
    const restarts = registry.counter({ name: "fp_restarts_total", help: "Restarts." });
    const height = registry.gauge({
      name: "fp_last_voted_height",
      help: "Last voted height.",
      labelNames: ["fp"],
    });
    const latency = registry.histogram({
      name: "fp_submit_seconds",
      help: "Submission latency.",
      buckets: [0.05, 0.1, 0.5, 1],
    });

    votes.inc({ fp: "fp-1", chain: "edge-devnet-l2" });
    votes.inc({ fp: "fp-1", chain: "edge-devnet-l2" }, 2);
    votes.labels({ fp: TRICKY.windowsPath, chain: TRICKY.quoted }).inc(5);
    height.set({ fp: "fp-1" }, 123_456_789n);
    height.labels({ fp: "fp-2" }).set(Number.NaN);
    for (const seconds of [0.01, 0.05, 0.07, 0.3, 2, 0.2]) latency.observe({}, seconds);

    const families = parsePrometheusTextFormat(registry.render());
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ["fp_votes_total", "COUNTER"],
      ["fp_restarts_total", "COUNTER"],
      ["fp_last_voted_height", "GAUGE"],
      ["fp_submit_seconds", "HISTOGRAM"],
    ]);
    expect(family(families, "fp_votes_total")).toEqual({
      name: "fp_votes_total",
      help: "Finality votes sent.",
      type: "COUNTER",
      metrics: [
        { labels: { fp: "fp-1", chain: "edge-devnet-l2" }, value: "3" },
        { labels: { fp: TRICKY.windowsPath, chain: TRICKY.quoted }, value: "5" },
      ],
    });
    // An unlabelled metric is exported from registration on, at zero.
    expect(family(families, "fp_restarts_total").metrics).toEqual([{ value: "0" }]);
    expect(restarts.labels().value).toBe(0);
    expect(family(families, "fp_last_voted_height").metrics).toEqual([
      { labels: { fp: "fp-1" }, value: "123456789" },
      { labels: { fp: "fp-2" }, value: "NaN" },
    ]);
    expect(family(families, "fp_submit_seconds").metrics).toEqual([
      {
        buckets: { "0.05": "2", "0.1": "3", "0.5": "5", "1": "5", "+Inf": "6" },
        sum: String(0.01 + 0.05 + 0.07 + 0.3 + 2 + 0.2),
        count: "6",
      },
    ]);
  });

  it("writes labelled histograms cumulatively per label set, le last, with _sum and _count", () => {
    const registry = new MetricsRegistry();
    const rpc = registry.histogram({
      name: "rpc_seconds",
      help: "RPC latency.",
      labelNames: ["method"],
      buckets: [1, 2.5, Number.POSITIVE_INFINITY],
    });
    const status = rpc.labels({ method: "status" });
    status.observe(1);
    status.observe(3);
    rpc.observe({ method: TRICKY.multiline }, 2);
    expect(status).toMatchObject({ count: 2, sum: 4 });

    const text = registry.render();
    expect(text).toContain('rpc_seconds_bucket{method="status",le="1"} 1\n');
    expect(flatSamples(text)).toEqual([
      { name: "rpc_seconds_bucket", labels: { method: "status", le: "1" }, value: "1" },
      { name: "rpc_seconds_bucket", labels: { method: "status", le: "2.5" }, value: "1" },
      { name: "rpc_seconds_bucket", labels: { method: "status", le: "+Inf" }, value: "2" },
      { name: "rpc_seconds_sum", labels: { method: "status" }, value: "4" },
      { name: "rpc_seconds_count", labels: { method: "status" }, value: "2" },
      { name: "rpc_seconds_bucket", labels: { method: TRICKY.multiline, le: "1" }, value: "0" },
      { name: "rpc_seconds_bucket", labels: { method: TRICKY.multiline, le: "2.5" }, value: "1" },
      { name: "rpc_seconds_bucket", labels: { method: TRICKY.multiline, le: "+Inf" }, value: "1" },
      { name: "rpc_seconds_sum", labels: { method: TRICKY.multiline }, value: "2" },
      { name: "rpc_seconds_count", labels: { method: TRICKY.multiline }, value: "1" },
    ]);
  });

  it("round-trips every tricky label value and help text through the parser", () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge({
      name: "tricky",
      help: 'Help with \\ and\nnewline and "quotes"',
      labelNames: ["v"],
    });
    const values = Object.values(TRICKY);
    values.forEach((value, i) => {
      gauge.set({ v: value }, i);
    });
    const [parsed] = parsePrometheusTextFormat(registry.render());
    expect(parsed?.help).toBe('Help with \\ and\nnewline and "quotes"');
    expect(parsed?.metrics).toEqual(values.map((v, i) => ({ labels: { v }, value: String(i) })));
  });

  it("hands out one child per label set: a kept child and inc() with labels share the series", () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: "c_total", help: "c", labelNames: ["fp"] });
    const child = counter.labels({ fp: "a" });
    child.inc();
    counter.inc({ fp: "a" }, 2);
    expect(child.value).toBe(3);
    expect(counter.labels({ fp: "a" }).value).toBe(3);
    // Fetching a child exports its series at zero before anything happened on it.
    counter.labels({ fp: "b" });
    expect(registry.render()).toBe(
      '# HELP c_total c\n# TYPE c_total counter\nc_total{fp="a"} 3\nc_total{fp="b"} 0\n',
    );
  });

  it("moves gauges both ways", () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge({ name: "in_flight", help: "In flight." });
    const only = gauge.labels();
    only.inc();
    only.inc(4);
    gauge.dec({}, 2);
    only.dec();
    expect(only.value).toBe(2);
  });
});

describe("computed metrics", () => {
  it("run their collect callback on every render and export what it returns", () => {
    const registry = new MetricsRegistry();
    let power = 10;
    let calls = 0;
    registry.gauge({
      name: "fp_voting_power",
      help: "Voting power.",
      labelNames: ["fp"],
      collect: () => {
        calls += 1;
        return [
          { labels: { fp: "fp-1" }, value: power },
          { labels: { fp: "fp-2" }, value: 2n ** 40n },
        ];
      },
    });
    registry.counter({ name: "kv_reads_total", help: "Reads.", collect: () => [{ value: calls * 100 }] });

    const first = parsePrometheusTextFormat(registry.render());
    power = 25;
    const second = parsePrometheusTextFormat(registry.render());
    expect(calls).toBe(2);
    expect(family(first, "fp_voting_power").metrics.map((m) => m.value)).toEqual(["10", String(2 ** 40)]);
    expect(family(second, "fp_voting_power").metrics.map((m) => m.value)).toEqual(["25", String(2 ** 40)]);
    expect(family(second, "kv_reads_total")).toMatchObject({ type: "COUNTER", metrics: [{ value: "200" }] });
  });

  it("turn a throwing callback or an unusable reading into metric_collect_failed naming the metric", () => {
    const cases: [string, () => Iterable<{ labels: { fp: string }; value: number }>][] = [
      [
        "throws",
        () => {
          throw new Error("store closed");
        },
      ],
      ["wrong label", () => [{ labels: { fpp: "x" } as unknown as { fp: string }, value: 1 }]],
      ["not a number", () => [{ labels: { fp: "x" }, value: "1" as unknown as number }]],
      [
        "twice",
        () => [
          { labels: { fp: "x" }, value: 1 },
          { labels: { fp: "x" }, value: 2 },
        ],
      ],
    ];
    for (const [why, collect] of cases) {
      const registry = new MetricsRegistry();
      registry.gauge({ name: "broken", help: why, labelNames: ["fp"], collect });
      let thrown: unknown;
      try {
        registry.render();
      } catch (err) {
        thrown = err;
      }
      expect(thrown, why).toBeInstanceOf(MetricsError);
      expect(thrown, why).toMatchObject({ code: "metric_collect_failed", metric: "broken" });
    }
  });
});

describe("misuse", () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter({ name: "m_total", help: "m", labelNames: ["fp"] });

  it("refuses labels that do not match the declared names", () => {
    for (const labels of [{}, { fp: "a", extra: "b" }, { fpp: "a" }, { fp: 1 }, null, ["a"]]) {
      expect(() => counter.inc(labels as unknown as { fp: string })).toThrow(
        expect.objectContaining({ code: "invalid_metric_labels", metric: "m_total" }),
      );
    }
  });

  it("refuses a counter going down and NaN observations", () => {
    for (const by of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => counter.inc({ fp: "a" }, by)).toThrow(
        expect.objectContaining({ code: "invalid_metric_value" }),
      );
    }
    const histogram = registry.histogram({ name: "h", help: "h", buckets: [1] });
    expect(() => histogram.observe({}, Number.NaN)).toThrow(
      expect.objectContaining({ code: "invalid_metric_value" }),
    );
    expect(histogram.labels().count).toBe(0);
  });

  it("refuses a second metric whose samples would collide with an existing one", () => {
    const r = new MetricsRegistry();
    r.histogram({ name: "latency", help: "l", buckets: [1] });
    for (const name of ["latency", "latency_count", "latency_sum", "latency_bucket"]) {
      expect(() => r.gauge({ name, help: "g" })).toThrow(expect.objectContaining({ code: "invalid_metric" }));
    }
    r.counter({ name: "x_count", help: "x" });
    expect(() => r.histogram({ name: "x", help: "x", buckets: [1] })).toThrow(MetricsError);
  });

  it("keeps types honest at compile time", () => {
    const r = new MetricsRegistry();
    const labelled = r.gauge({ name: "typed", help: "t", labelNames: ["fp", "chain"] });
    // @ts-expect-error a declared label is missing
    expect(() => labelled.set({ fp: "a" }, 1)).toThrow(MetricsError);
    // @ts-expect-error a labelled metric needs its labels to fetch a child
    expect(() => labelled.labels()).toThrow(MetricsError);
    const computed = r.gauge({ name: "computed", help: "c", collect: () => [{ value: 1 }] });
    // @ts-expect-error a computed gauge is read, never set
    expect(computed.set).toBeUndefined();
  });
});
