/**
 * @module The status line: what is failing right now, one entry per source (a poll, a stream), cleared when that
 * source works again. It is a live region, so it changes only when the set of problems changes; the time of the
 * last successful update sits beside it, outside the live region.
 */
import { setText } from "./dom.ts";
import { formatTime, nowSeconds } from "./format.ts";

const SHOWN = 3;

export type StatusLine = {
  fail(source: string, message: string): void;
  ok(source: string): void;
};

export function createStatusLine(line: HTMLElement, updated: HTMLElement): StatusLine {
  const problems = new Map<string, string>();
  const render = () => {
    const messages = [...problems.values()];
    line.dataset.state = messages.length > 0 ? "error" : "ok";
    const more = messages.length > SHOWN ? ` (+${messages.length - SHOWN} more)` : "";
    setText(
      line,
      messages.length > 0
        ? `Problem: ${messages.slice(0, SHOWN).join("; ")}${more}`
        : "All data is up to date.",
    );
  };
  render();
  return {
    fail(source, message) {
      if (problems.get(source) === message) return;
      problems.set(source, message);
      render();
    },
    ok(source) {
      setText(updated, `Last update ${formatTime(nowSeconds())}`);
      if (problems.delete(source)) render();
    },
  };
}
