/**
 * @module Equivocations and slashes, newest first: the stream's replay of the logged history (`from=0`) on load,
 * then live ones. Ids dedupe what a reconnect could send twice.
 */
import { h } from "./dom.ts";
import { shortPk } from "./format.ts";
import type { EquivocationEvent, SlashedEvent } from "./types.ts";

const KEPT = 200;

export type EventsList = {
  clear(): void;
  equivocation(data: EquivocationEvent, id: string): void;
  slashed(data: SlashedEvent, id: string): void;
  /** The log no longer holds the oldest events. */
  truncated(): void;
};

export function createEventsList(list: HTMLOListElement, empty: HTMLElement, note: HTMLElement): EventsList {
  const seen = new Set<string>();
  const add = (kind: string, id: string, ...text: (Node | string)[]) => {
    if (id && seen.has(id)) return;
    if (id) seen.add(id);
    list.prepend(
      h(
        "li",
        { "data-event": kind },
        h("strong", {}, kind === "slashed" ? "Slashed" : "Equivocation"),
        " ",
        ...text,
      ),
    );
    while (list.children.length > KEPT) list.lastElementChild?.remove();
    empty.hidden = true;
  };
  const fp = (pk: string) => h("code", { title: pk }, shortPk(pk));
  return {
    clear() {
      seen.clear();
      list.replaceChildren();
      empty.hidden = false;
      note.hidden = true;
    },
    equivocation(data, id) {
      const via = data.source === "babylon" ? "seen on Babylon" : "relayed by the edge";
      const submission = data.submissionId ? `, submission ${data.submissionId}` : "";
      add(
        "equivocation",
        id,
        "fp ",
        fp(data.fpBtcPkHex),
        ` signed two blocks at height ${data.height} (${via}${submission})`,
      );
    },
    slashed(data, id) {
      const at = [
        data.babylonHeight === null ? null : `Babylon height ${data.babylonHeight}`,
        data.btcHeight === null ? null : `BTC height ${data.btcHeight}`,
      ].filter(Boolean);
      add("slashed", id, "fp ", fp(data.fpBtcPkHex), at.length > 0 ? ` at ${at.join(", ")}` : "");
    },
    truncated() {
      note.hidden = false;
    },
  };
}
