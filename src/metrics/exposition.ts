/** @module The Prometheus text exposition format, version 0.0.4. */
import { escapeHelp, escapeLabelValue } from "./escape.ts";
import type { MetricFamily, Sample } from "./family.ts";
import { formatSampleValue } from "./format-value.ts";

/** The `Content-Type` a scrape answer carries. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function sampleLine(sample: Sample): string {
  const labels = sample.labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",");
  return `${sample.name}${labels ? `{${labels}}` : ""} ${formatSampleValue(sample.value)}\n`;
}

/** HELP and TYPE before the family's samples; every line, the last included, ends with a line feed. */
export function renderFamilies(families: Iterable<MetricFamily>): string {
  let text = "";
  for (const family of families) {
    text += `# HELP ${family.name} ${escapeHelp(family.help)}\n`;
    text += `# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) text += sampleLine(sample);
  }
  return text;
}
