// parse-prometheus-text-format 1.1.1 ships no types. Its CommonJS `module.exports = parse` arrives as the
// default import under Node's ESM interop (and vitest's), which is how the tests import it.
declare module "parse-prometheus-text-format" {
  /** One series. Values stay strings, exactly as written. Histograms carry `buckets`/`sum`/`count` instead. */
  export type ParsedMetric = {
    value?: string;
    labels?: Record<string, string>;
    timestamp_ms?: string;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  };
  export type ParsedFamily = {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: ParsedMetric[];
  };
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
