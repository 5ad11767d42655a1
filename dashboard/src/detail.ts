/**
 * @module The detail panel of the selected chain: chart, heatmap, FP table, events, counters. It renders what it
 * is given; main.ts fetches. Switching chains resets every view, so nothing of the previous chain lingers.
 */
import { createChart } from "./chart.ts";
import { renderCounters } from "./counters.ts";
import { byId, setText } from "./dom.ts";
import { createEventsList } from "./events.ts";
import { renderFpTable } from "./fp-table.ts";
import { followNewest, renderHeatmap, renderLegend, rowOrder, type Tally, tally } from "./heatmap.ts";
import type { LagPoint, ProvidersAnswer, SubmissionMetrics, VoteHistory } from "./types.ts";

export function createDetail() {
  const root = byId("detail");
  const title = byId("detail-title");
  const chart = createChart(byId("chart"));
  const heatmap = byId("heatmap");
  const heatmapSummary = byId("heatmap-summary");
  const heatmapNote = byId("heatmap-note");
  const fpTable = byId<HTMLTableElement>("fp-table");
  const counters = byId("counters");
  const events = createEventsList(
    byId<HTMLOListElement>("events"),
    byId("events-empty"),
    byId("events-note"),
  );
  renderLegend(byId("legend"));
  followNewest(heatmap);

  let chain: string | null = null;
  let providers: ProvidersAnswer | null = null;
  let history: VoteHistory | null = null;
  let tallies: Map<string, Tally> | null = null;

  const byPower = (p: ProvidersAnswer) =>
    [...p.providers]
      .sort((a, b) => Number(b.power) - Number(a.power) || a.fpBtcPk.localeCompare(b.fpBtcPk))
      .map((fp) => fp.fpBtcPk);

  const renderVotes = () => {
    if (!chain) return;
    if (history)
      renderHeatmap(heatmap, heatmapSummary, history, rowOrder(providers ? byPower(providers) : [], history));
    if (providers) renderFpTable(fpTable, chain, providers, tallies, history?.heights.length ?? 0);
  };

  return {
    events,
    chain: () => chain,
    show(id: string, known: ProvidersAnswer | null) {
      chain = id;
      providers = known;
      history = null;
      tallies = null;
      root.dataset.detailChain = id;
      setText(title, `Details of ${id}`);
      chart.reset([]);
      chart.setNote("Loading the last hour…");
      heatmap.replaceChildren();
      heatmap.dataset.following = "true";
      heatmapSummary.textContent = "Loading…";
      heatmapNote.hidden = true;
      fpTable.replaceChildren();
      counters.replaceChildren();
      events.clear();
      renderVotes();
    },
    lagHistory(points: LagPoint[]) {
      chart.reset(points);
      chart.setNote(points.length === 0 ? "No history recorded in the last hour yet." : "");
    },
    lagHistoryUnavailable(message: string) {
      chart.setNote(`History unavailable (${message}); the chart shows live updates only.`);
    },
    head(timestamp: number, number: number) {
      chart.addHead(timestamp, number);
    },
    tip(finalizedAt: number, number: number, blockTimestamp?: number) {
      chart.addTip(finalizedAt, number, blockTimestamp);
    },
    providers(p: ProvidersAnswer) {
      providers = p;
      renderVotes();
    },
    history(h: VoteHistory) {
      history = h;
      tallies = tally(h);
      heatmapNote.hidden = true;
      renderVotes();
    },
    historyUnavailable(message: string) {
      heatmapNote.hidden = false;
      setText(heatmapNote, `Vote history unavailable (${message}).`);
    },
    metrics(m: SubmissionMetrics) {
      renderCounters(counters, m);
    },
  };
}

export type Detail = ReturnType<typeof createDetail>;
