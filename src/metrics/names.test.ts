import { describe, expect, it } from "vitest";
import { MetricsError, MetricsRegistry } from "./index.ts";

function refusal(register: () => unknown): MetricsError {
  try {
    register();
  } catch (err) {
    if (err instanceof MetricsError) return err;
    throw err;
  }
  throw new Error("expected a MetricsError");
}

describe("names checked at registration", () => {
  it("accepts the names the data model allows", () => {
    const registry = new MetricsRegistry();
    for (const name of ["a", "_x", ":rule:rate5m", "fp_votes_total", "A1:b_2"]) {
      expect(() => registry.gauge({ name, help: "ok", labelNames: ["_l", "L9", "fp_id"] })).not.toThrow();
    }
  });

  it.each(["", "1abc", "has-dash", "has space", "dot.name", "ünï", "new\nline"])(
    "refuses metric name %j with invalid_metric",
    (name) => {
      const err = refusal(() => new MetricsRegistry().counter({ name, help: "h" }));
      expect(err).toMatchObject({ code: "invalid_metric", field: "name", metric: name });
    },
  );

  it.each(["__reserved", "has:colon", "9lives", "dash-ed", "", "sp ace"])(
    "refuses label name %j with invalid_metric",
    (label) => {
      const err = refusal(() => new MetricsRegistry().gauge({ name: "g", help: "h", labelNames: [label] }));
      expect(err).toMatchObject({ code: "invalid_metric", field: "labelNames", metric: "g" });
      expect(err.shortMessage).toContain(JSON.stringify(label));
    },
  );

  it("refuses duplicate label names and a histogram's own le", () => {
    expect(
      refusal(() => new MetricsRegistry().gauge({ name: "g", help: "h", labelNames: ["a", "a"] })).code,
    ).toBe("invalid_metric");
    expect(
      refusal(() =>
        new MetricsRegistry().histogram({ name: "h", help: "h", labelNames: ["le"], buckets: [1] }),
      ).code,
    ).toBe("invalid_metric");
  });

  it.each([
    [[]],
    [[2, 1]],
    [[1, 1]],
    [[Number.NaN]],
    [[Number.NEGATIVE_INFINITY, 1]],
    [[Number.POSITIVE_INFINITY]],
  ])("refuses histogram buckets %j", (buckets) => {
    const err = refusal(() => new MetricsRegistry().histogram({ name: "h", help: "h", buckets }));
    expect(err).toMatchObject({ code: "invalid_metric", field: "buckets" });
  });

  it("refuses a missing help text", () => {
    const err = refusal(() =>
      new MetricsRegistry().counter({ name: "c", help: undefined as unknown as string }),
    );
    expect(err).toMatchObject({ code: "invalid_metric", field: "help" });
  });
});
