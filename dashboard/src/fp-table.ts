/**
 * @module The finality-provider table: key (short, full in the title), power and share of the total,
 * participation over the heatmap's heights (voted + late, over the heights where the FP had a row), last voted
 * height, recent votes as the server counts them, slashed.
 */
import { h } from "./dom.ts";
import { formatBtc, formatRatio, formatShare, shortPk } from "./format.ts";
import type { Tally } from "./heatmap.ts";
import type { ProvidersAnswer } from "./types.ts";

export function renderFpTable(
  table: HTMLTableElement,
  chain: string,
  providers: ProvidersAnswer,
  tallies: ReadonlyMap<string, Tally> | null,
  heightCount: number,
): void {
  const columns = [
    "Finality provider",
    "Power",
    "Share",
    `Participation (last ${heightCount} heights)`,
    "Last voted height",
    `Recent votes`,
    "Slashed",
  ];
  const rows = providers.providers.map((fp) => {
    const t = tallies?.get(fp.fpBtcPk);
    const participation = t
      ? `${formatRatio(t.voted + t.late, t.rows)} (${t.voted + t.late}/${t.rows})`
      : "–";
    return h(
      "tr",
      { "data-provider": fp.fpBtcPk, "data-slashed": fp.slashed },
      h("th", { scope: "row", title: fp.fpBtcPk }, h("code", {}, shortPk(fp.fpBtcPk))),
      h("td", { class: "num" }, formatBtc(fp.power)),
      h("td", { class: "num" }, formatShare(fp.power, providers.totalPower)),
      h("td", { class: "num" }, participation),
      h("td", { class: "num" }, fp.lastVotedHeight === null ? "never" : String(fp.lastVotedHeight)),
      h("td", { class: "num" }, `${fp.recentVotes.count}/${fp.recentVotes.window}`),
      h("td", {}, fp.slashed ? h("strong", { class: "slashed" }, "slashed") : "no"),
    );
  });
  table.replaceChildren(
    h(
      "caption",
      {},
      `Finality providers of ${chain} at BTC height ${providers.btcHeight}: ${providers.providers.length}, ` +
        `total power ${formatBtc(providers.totalPower)}`,
    ),
    h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      ...(rows.length > 0
        ? rows
        : [h("tr", {}, h("td", { colspan: columns.length }, "No finality providers."))]),
    ),
  );
}
