import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { escapeHelp, escapeLabelValue } from "./escape.ts";
import { formatSampleValue, MetricsRegistry, PROMETHEUS_CONTENT_TYPE, renderFamilies } from "./index.ts";

describe("text exposition format 0.0.4", () => {
  it("names the content type scrapers negotiate", () => {
    expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("writes HELP, TYPE and samples line by line, ending with a line feed", () => {
    const registry = new MetricsRegistry();
    registry.gauge({ name: "up", help: "One when up." }).labels().set(1);
    const h = registry.histogram({ name: "lat", help: "Latency.", labelNames: ["m"], buckets: [0.5] });
    h.observe({ m: 'q"\\\n' }, 0.25);
    expect(registry.render()).toBe(
      [
        "# HELP up One when up.",
        "# TYPE up gauge",
        "up 1",
        "# HELP lat Latency.",
        "# TYPE lat histogram",
        'lat_bucket{m="q\\"\\\\\\n",le="0.5"} 1',
        'lat_bucket{m="q\\"\\\\\\n",le="+Inf"} 1',
        'lat_sum{m="q\\"\\\\\\n"} 0.25',
        'lat_count{m="q\\"\\\\\\n"} 1',
        "",
      ].join("\n"),
    );
  });

  it("renders an empty registry as an empty body and a family without series as HELP and TYPE", () => {
    expect(new MetricsRegistry().render()).toBe("");
    expect(renderFamilies([{ name: "e", help: "", type: "counter", samples: [] }])).toBe(
      "# HELP e \n# TYPE e counter\n",
    );
  });

  it("escapes backslash and newline in HELP, and also the quote in label values", () => {
    expect(escapeHelp('a\\b\nc"d')).toBe('a\\\\b\\nc"d');
    expect(escapeLabelValue('a\\b\nc"d')).toBe('a\\\\b\\nc\\"d');
    // The backslash is escaped first in effect: a literal "\n" (two characters) stays distinguishable.
    expect(escapeLabelValue("\\n")).toBe("\\\\n");
  });

  it.each([
    [0, "0"],
    [-0, "0"],
    [42, "42"],
    [-7, "-7"],
    [2 ** 53, "9007199254740992"],
    [123_456_789_012, "123456789012"],
    [0.1, "0.1"],
    [1e-7, "1e-7"],
    [1.5e300, "1.5e+300"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
    [Number.NaN, "NaN"],
  ])("formats %d as %s", (value, text) => {
    expect(formatSampleValue(value)).toBe(text);
  });

  it("writes special values the parser reads back", () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge({ name: "g", help: "g", labelNames: ["k"] });
    g.set({ k: "pos" }, Number.POSITIVE_INFINITY);
    g.set({ k: "neg" }, Number.NEGATIVE_INFINITY);
    g.set({ k: "nan" }, Number.NaN);
    g.set({ k: "tiny" }, 1e-7);
    // The parser keeps values as text; Go's ParseFloat (Prometheus) reads exactly these spellings.
    const values = parsePrometheusTextFormat(registry.render())[0]?.metrics.map((m) => m.value);
    expect(values).toEqual(["+Inf", "-Inf", "NaN", "1e-7"]);
  });
});
