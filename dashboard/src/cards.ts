/**
 * @module One summary card per chain, all shown at once (one column on a phone): the header numbers and the
 * chain switcher's button. `[data-chain="<id>"] [data-testid="finalized-tip"]` holds just the tip's number.
 */
import type { ChainState } from "./chain-state.ts";
import { h, setText } from "./dom.ts";
import { formatBtc } from "./format.ts";
import type { ChainInfo } from "./types.ts";

const LIVE_TEXT: Record<ChainState["live"], string> = {
  connecting: "connecting…",
  sse: "live (event stream)",
  polling: "polling every 3 s",
};

type CardFields = {
  head: HTMLElement;
  tip: HTMLElement;
  lag: HTMLElement;
  btc: HTMLElement;
  power: HTMLElement;
  fps: HTMLElement;
  live: HTMLElement;
  button: HTMLButtonElement;
};

export type Cards = {
  render(state: ChainState): void;
  markSelected(id: string): void;
};

export function createCards(list: HTMLElement, chains: ChainInfo[], onSelect: (id: string) => void): Cards {
  const fields = new Map<string, CardFields>();
  list.replaceChildren();
  chains.forEach((chain, i) => {
    const titleId = `card-title-${i}`;
    const field = (testid: string) => h("dd", { "data-testid": testid }, "–");
    const f: CardFields = {
      head: field("l2-head"),
      tip: field("finalized-tip"),
      lag: field("lag"),
      btc: field("btc-height"),
      power: field("total-power"),
      fps: field("fp-count"),
      live: field("live"),
      button: h(
        "button",
        {
          type: "button",
          class: "select",
          "data-select": chain.id,
          "aria-pressed": "false",
          "aria-controls": "detail",
        },
        "Show details",
        h("span", { class: "sr-only" }, ` of ${chain.id}`),
      ),
    };
    f.button.addEventListener("click", () => onSelect(chain.id));
    const row = (label: string, dd: HTMLElement) => h("div", {}, h("dt", {}, label), dd);
    const quorum = `quorum ${chain.quorum.numerator}/${chain.quorum.denominator}`;
    list.append(
      h(
        "li",
        {},
        h(
          "section",
          { class: "card", "data-chain": chain.id, "aria-labelledby": titleId },
          h("h3", { id: titleId }, chain.id),
          h("p", { class: "meta" }, `${chain.contract?.bsnId ?? "no contract"} · ${quorum}`),
          h(
            "dl",
            { class: "pairs" },
            row("L2 head", f.head),
            row("Finalized tip", f.tip),
            row("Lag", f.lag),
            row("BTC height", f.btc),
            row("Total power", f.power),
            row("Finality providers", f.fps),
            row("Updates", f.live),
          ),
          f.button,
        ),
      ),
    );
    fields.set(chain.id, f);
  });

  return {
    render(state) {
      const f = fields.get(state.id);
      if (!f) return;
      setText(f.head, state.head ? String(state.head.number) : "–");
      setText(f.tip, state.tip ? String(state.tip.number) : "none yet");
      const blocks = state.lag?.blocks;
      setText(f.lag, state.lag ? `${blocks} block${blocks === 1 ? "" : "s"} / ${state.lag.seconds} s` : "–");
      setText(f.btc, state.btcHeight === null ? "–" : String(state.btcHeight));
      setText(f.power, formatBtc(state.totalPower));
      setText(f.fps, state.fpCount === null ? "–" : String(state.fpCount));
      setText(f.live, LIVE_TEXT[state.live]);
      f.live.dataset.live = state.live;
    },
    markSelected(id) {
      for (const [chain, f] of fields) {
        const selected = chain === id;
        f.button.setAttribute("aria-pressed", String(selected));
        f.button.closest(".card")?.toggleAttribute("data-selected", selected);
      }
    },
  };
}
