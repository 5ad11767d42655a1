/** @module Sample values as Prometheus reads them (Go's ParseFloat syntax). */

/**
 * `+Inf`, `-Inf` and `NaN` are spelled as Prometheus expects. Everything else is JavaScript's shortest
 * round-trip form: integers up to 1e21 (every exactly representable count or height) without an exponent,
 * other values as `0.25`, `1e-7` or `1.5e+300`, all of which Go parses back to the same float64.
 */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value); // -0 prints as "0"
}
