/**
 * @module The time-series chart (uPlot), last hour: L2 head over block time, finalized tip over the time the edge
 * proved it, and each finalized block's time to finality (proof time − block time, right axis: the lag, which
 * the two height lines are too close to show). Seeded from `lag-history`, extended by polls and events. The series
 * have their own x values, so they are joined on the union of times with gaps spanned. The canvas is hidden from assistive
 * technology; the caption's summary line is its text alternative.
 */
import uPlot from "uplot";
import { h, setText } from "./dom.ts";
import { formatTime, nowSeconds } from "./format.ts";
import type { LagPoint } from "./types.ts";

const WINDOW_S = 3600;
const HEIGHT = 240;

export type Chart = {
  /** Replaces everything (a new chain, or its history arrived). */
  reset(points: LagPoint[]): void;
  addHead(timestamp: number, number: number): void;
  /** `blockTimestamp` (the block's own time) adds its time to finality. */
  addTip(finalizedAt: number, number: number, blockTimestamp?: number): void;
  /** A note under the chart ("history unavailable"), or "" for none. */
  setNote(text: string): void;
};

/** Colours come from CSS custom properties, so light and dark schemes stay in the stylesheet. */
function colours(element: HTMLElement) {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    head: read("--chart-head", "#1f5fbf"),
    tip: read("--chart-tip", "#b35900"),
    ttf: read("--chart-ttf", "#6b4fa0"),
    axis: read("--muted", "#4f5868"),
    grid: read("--grid", "#d8dce3"),
  };
}

export function createChart(container: HTMLElement): Chart {
  const head = new Map<number, number>();
  const tip = new Map<number, number>();
  /** finalizedAt → seconds from the block's time to then. */
  const ttf = new Map<number, number>();
  const plotBox = h("div", { class: "plot", "aria-hidden": "true" });
  const summary = h("p", { class: "chart-summary" });
  const note = h("p", { class: "note", hidden: true });
  container.replaceChildren(plotBox, summary, note);
  let plot: uPlot | null = null;
  let scheduled = false;

  const data = (): uPlot.AlignedData => {
    const since = nowSeconds() - WINDOW_S;
    for (const series of [head, tip, ttf]) for (const t of series.keys()) if (t < since) series.delete(t);
    const xs = [...new Set([...head.keys(), ...tip.keys()])].sort((a, b) => a - b);
    return [xs, ...[head, tip, ttf].map((series) => xs.map((t) => series.get(t) ?? null))];
  };

  const build = () => {
    plot?.destroy();
    const c = colours(container);
    const axis = { stroke: c.axis, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
    plot = new uPlot(
      {
        width: Math.max(260, plotBox.clientWidth || container.clientWidth),
        height: HEIGHT,
        scales: { x: { time: true }, s: { range: (_u, _min, max) => [0, Math.max(5, max * 1.2)] } },
        series: [
          {},
          { label: "L2 head", stroke: c.head, width: 2, spanGaps: true },
          // Dashed as well as another colour: the two lines differ without colour.
          { label: "Finalized tip", stroke: c.tip, width: 2, dash: [6, 4], spanGaps: true },
          {
            label: "Time to finality (s)",
            stroke: c.ttf,
            width: 1,
            dash: [2, 3],
            scale: "s",
            spanGaps: true,
          },
        ],
        axes: [
          axis,
          { ...axis, size: 64, label: "block" },
          { ...axis, scale: "s", side: 1, size: 48, label: "s", grid: { show: false } },
        ],
        legend: { live: false },
      },
      data(),
      plotBox,
    );
  };

  const summarise = () => {
    const last = (series: Map<number, number>) => {
      let latest: [number, number] | null = null;
      for (const entry of series) if (!latest || entry[0] > latest[0]) latest = entry;
      return latest;
    };
    const lh = last(head);
    const lt = last(tip);
    const lf = last(ttf);
    setText(
      summary,
      `Last hour: ${head.size} head and ${tip.size} tip points. ` +
        `Latest head ${lh ? `${lh[1]} at ${formatTime(lh[0])}` : "–"}, ` +
        `latest finalized tip ${lt ? `${lt[1]} at ${formatTime(lt[0])}` : "–"}` +
        `${lf ? `, ${Math.round(lf[1])} s after its block` : ""}.`,
    );
  };

  // One redraw per frame however many points arrive (a burst of finalized events).
  const redraw = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (!plot) build();
      else plot.setData(data());
      summarise();
    });
  };

  new ResizeObserver(() => {
    const width = plotBox.clientWidth;
    if (plot && width > 0 && Math.abs(width - plot.width) > 1) plot.setSize({ width, height: HEIGHT });
  }).observe(plotBox);
  // Canvas colours are fixed when drawn: rebuild when the colour scheme changes.
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    build();
  });

  const put = (series: Map<number, number>, t: number, n: number) => {
    if (!Number.isFinite(t) || !Number.isFinite(n)) return;
    series.set(t, Math.max(n, series.get(t) ?? n));
  };

  return {
    reset(points) {
      head.clear();
      tip.clear();
      ttf.clear();
      for (const p of points) {
        put(head, p.timestamp, p.number);
        put(tip, p.finalizedAt, p.number);
        put(ttf, p.finalizedAt, p.finalizedAt - p.timestamp);
      }
      redraw();
    },
    addHead(timestamp, number) {
      put(head, timestamp, number);
      redraw();
    },
    addTip(finalizedAt, number, blockTimestamp) {
      put(tip, finalizedAt, number);
      if (blockTimestamp !== undefined) put(ttf, finalizedAt, Math.max(0, finalizedAt - blockTimestamp));
      redraw();
    },
    setNote(text) {
      note.hidden = text === "";
      setText(note, text);
    },
  };
}
