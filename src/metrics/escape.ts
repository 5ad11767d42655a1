/** @module Escaping for the text exposition format: the only two places free text appears. */

/** HELP text: backslash and line feed are escaped (a raw line feed would end the line). */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === "\\" ? "\\\\" : "\\n"));
}

/** Label values additionally escape the double quote that delimits them. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\\n"]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : '\\"'));
}
