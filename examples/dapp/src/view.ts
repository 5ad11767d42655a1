/**
 * @module The page's DOM: a few elements looked up once by id, written with `textContent` only (answers come from
 * the network). `data-state` / `data-verified` attributes carry the state for CSS and for the browser test.
 */

export type Tone = "idle" | "busy" | "pending" | "finalized" | "failed";

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export function createView() {
  const send = byId<HTMLButtonElement>("send");
  const status = byId("status");
  const verified = byId("verified");
  const log = byId<HTMLOListElement>("log");
  let started = performance.now();
  const field = (id: string, text: string, href?: string) => {
    const element = byId(id);
    element.textContent = text;
    if (href !== undefined) element.title = href;
  };
  return {
    send,
    field,
    setStatus(tone: Tone, text: string) {
      status.dataset.state = tone;
      status.textContent = text;
    },
    setVerified(state: "yes" | "no" | "checking", text: string) {
      verified.dataset.verified = state === "yes" ? "true" : state === "no" ? "false" : "";
      verified.textContent = text;
    },
    /** Timeline stamps count from here (the click). */
    startClock() {
      started = performance.now();
      log.replaceChildren();
    },
    /** One line of the live timeline, stamped with the seconds since the click. */
    note(text: string) {
      const item = document.createElement("li");
      const at = document.createElement("time");
      at.textContent = `+${((performance.now() - started) / 1000).toFixed(1)} s`;
      item.append(at, ` ${text}`);
      log.append(item);
    },
  };
}

export type View = ReturnType<typeof createView>;
