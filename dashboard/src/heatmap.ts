/**
 * @module The vote heatmap: one row per finality provider, one column per recorded grid height (ascending, the
 * newest on the right). Each cell carries `data-fp`, `data-height` and `data-vote` (voted | late | missed |
 * equivocated, or `none` where the FP had no row at that height: no power then), a title and an aria-label
 * ("fp 1a2b…cdef height 120: missed"), and a symbol, so the vote reads without colour. Also the tally per FP the
 * FP table's participation column is computed from.
 */
import { h } from "./dom.ts";
import { shortPk } from "./format.ts";
import type { Vote, VoteHistory } from "./types.ts";

export const VOTE_SYMBOL: Record<Vote | "none", string> = {
  voted: "",
  late: "~",
  missed: "×",
  equivocated: "!",
  none: "",
};

export const VOTE_LABEL: Record<Vote | "none", string> = {
  voted: "voted",
  late: "voted late",
  missed: "missed",
  equivocated: "equivocated",
  none: "no power",
};

export type Tally = Record<Vote, number> & { rows: number; lastHeight: number | null };

/** Per FP over the history's heights: votes of each kind and the heights where it had a row (power). */
export function tally(history: VoteHistory): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  for (const height of history.heights) {
    for (const row of height.votes) {
      let t = tallies.get(row.fpBtcPk);
      if (!t) {
        t = { voted: 0, late: 0, missed: 0, equivocated: 0, rows: 0, lastHeight: null };
        tallies.set(row.fpBtcPk, t);
      }
      if (row.vote in t) t[row.vote] += 1;
      t.rows += 1;
      t.lastHeight = height.block.number;
    }
  }
  return tallies;
}

/** FPs in the order given (by power), then any the history names that the list does not. */
export function rowOrder(providers: readonly string[], history: VoteHistory): string[] {
  const order = [...providers];
  const seen = new Set(order);
  for (const height of history.heights) {
    for (const row of height.votes) {
      if (!seen.has(row.fpBtcPk)) {
        seen.add(row.fpBtcPk);
        order.push(row.fpBtcPk);
      }
    }
  }
  return order;
}

/**
 * Rebuilds the grid inside `box` (its own scroll container), keeping the reader's place (see followNewest).
 * `summary` (outside the box, so never scrolled away) says which heights are shown; the table's caption says it
 * again for screen readers.
 */
export function renderHeatmap(
  box: HTMLElement,
  summary: HTMLElement,
  history: VoteHistory,
  order: readonly string[],
): void {
  const heights = history.heights;
  const left = box.scrollLeft;
  if (heights.length === 0) {
    box.replaceChildren();
    summary.textContent = "No grid heights recorded yet.";
    return;
  }
  const first = heights[0]?.block.number;
  const last = heights[heights.length - 1]?.block.number;
  const described = `The last ${heights.length} recorded grid heights (${first}–${last}), newest on the right; one row per finality provider.`;
  summary.textContent = described;
  const header = h(
    "tr",
    {},
    h("th", { scope: "col", class: "fp" }, "Finality provider"),
    ...heights.map((height) =>
      h(
        "th",
        { scope: "col", "data-height": height.block.number },
        h("span", {}, String(height.block.number)),
      ),
    ),
  );
  const votesAt = heights.map((height) => new Map(height.votes.map((row) => [row.fpBtcPk, row.vote])));
  const rows = order.map((fp) =>
    h(
      "tr",
      {},
      h("th", { scope: "row", class: "fp", title: fp }, h("code", {}, shortPk(fp))),
      ...heights.map((height, i) => {
        const vote = votesAt[i]?.get(fp) ?? "none";
        const label = `fp ${shortPk(fp)} height ${height.block.number}: ${VOTE_LABEL[vote]}`;
        return h(
          "td",
          {
            class: `cell vote-${vote}`,
            "data-fp": fp,
            "data-height": height.block.number,
            "data-vote": vote,
            title: label,
            "aria-label": label,
          },
          h("span", { "aria-hidden": "true" }, VOTE_SYMBOL[vote]),
        );
      }),
    ),
  );
  box.replaceChildren(
    h(
      "table",
      { class: "heatmap" },
      h("caption", { class: "sr-only" }, `Votes. ${described}`),
      h("thead", {}, header),
      h("tbody", {}, ...rows),
    ),
  );
  box.scrollLeft = box.dataset.following === "false" ? left : box.scrollWidth;
}

const atRightEnd = (box: HTMLElement) => box.scrollLeft + box.clientWidth >= box.scrollWidth - 4;

/**
 * Keeps the grid at its right end (the newest heights) while the reader has not scrolled away from it, through
 * re-renders and resizes (a phone turned, a narrower window). `data-following` holds the state.
 */
export function followNewest(box: HTMLElement): void {
  box.dataset.following = "true";
  box.addEventListener("scroll", () => {
    box.dataset.following = String(atRightEnd(box));
  });
  new ResizeObserver(() => {
    if (box.dataset.following !== "false") box.scrollLeft = box.scrollWidth;
  }).observe(box);
}

/** The legend: the same cell classes and symbols as the grid. */
export function renderLegend(list: HTMLElement): void {
  const kinds: (Vote | "none")[] = ["voted", "late", "missed", "equivocated", "none"];
  list.replaceChildren(
    ...kinds.map((kind) =>
      h(
        "li",
        {},
        h("span", { class: `cell swatch vote-${kind}`, "aria-hidden": "true" }, VOTE_SYMBOL[kind]),
        ` ${VOTE_LABEL[kind]}`,
      ),
    ),
  );
}
