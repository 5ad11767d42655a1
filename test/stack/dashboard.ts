/**
 * @module The operator dashboard (dashboard/, served at `/`) in headless Chromium against whatever serves it — the
 * stack's Worker or the test's fake (test/dashboard/fake-api.ts): wait until every chain's card shows a finalized
 * tip, read each tip twice (it must move within 10 s), select the chain of an FP known to miss heights with the
 * keyboard and count its missed heatmap cells, walk the page with Tab, save a screenshot, and measure the page at a
 * phone's 375 px. Debian's chromium driven by playwright-core, launched as test/stack/dapp.ts does.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "./dapp.ts";

export type DashboardRunOptions = {
  /** The origin serving the page and the API, no trailing slash. */
  url: string;
  chains: string[];
  /** An FP that misses heights: its chain is selected and its missed cells waited for. */
  missedFp?: { chain: string; fpBtcPk: string };
  screenshot: string;
  /** Bound of each wait (page load, every chain shown, missed cells). */
  timeoutMs: number;
};

export type DashboardRun = {
  /** Uncaught errors and console errors of the page. */
  pageErrors: string[];
  /** Per chain: the finalized tip first read, and a later one (greater, if it moved within 10 s). NaN: unreadable. */
  tips: Record<string, [number, number]>;
  /** `[data-fp=<missedFp>][data-vote="missed"]` cells in the selected chain's heatmap (0 without missedFp). */
  missedCells: number;
  screenshot: string;
  /** What Tab reached from the top of the page, in order: `switch:<chain>` buttons and `heatmap`. */
  focusReached: string[];
  /** The page's scroll width at a 375 px viewport (≤ 375: no horizontal page scroll). */
  narrowScrollWidth: number;
  /** The page at 375 px: `screenshot` with `-375` before its extension. */
  narrowScreenshot: string;
  /** The selected chain's equivocation and slashing list, newest first. */
  events: string[];
};

const TIP_MOVE_MS = 10_000;
const TABS = 80;

const tipSelector = (chain: string) => `[data-chain="${chain}"] [data-testid="finalized-tip"]`;

async function readTip(page: Page, chain: string): Promise<number> {
  const text = (await page.textContent(tipSelector(chain), { timeout: 2_000 }).catch(() => null)) ?? "";
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

/** Presses Tab from the top of the page, naming the switch buttons and the heatmap as they get focus. */
async function walkFocus(page: Page): Promise<string[]> {
  // A focused body makes it the starting point of sequential focus navigation: the next Tab is the page's first stop.
  // Scripts run in the page are strings here: this file is typed for Node, without the DOM's names.
  await page.evaluate(
    "document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex')",
  );
  const reached: string[] = [];
  for (let i = 0; i < TABS; i++) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate<string | null>(`(() => {
      const active = document.activeElement;
      if (!active || !active.dataset) return null;
      if (active.dataset.select) return "switch:" + active.dataset.select;
      return active.dataset.testid === "heatmap" ? "heatmap" : null;
    })()`);
    if (name && !reached.includes(name)) reached.push(name);
    if (name === "heatmap") break;
  }
  return reached;
}

/**
 * Opens `${url}/` in a fresh headless Chromium (its own profile, removed after), runs `use` with the page and the
 * list its uncaught errors and console errors are collected into, and closes the browser whatever happens.
 */
export async function withDashboardPage<T>(
  url: string,
  timeoutMs: number,
  use: (page: Page, pageErrors: string[]) => Promise<T>,
): Promise<T> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Debian's chromium is not at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) — the dashboard check needs a browser`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
  const pageErrors: string[] = [];
  try {
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
      timeout: 30_000,
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (m) => {
        if (m.type() === "error") pageErrors.push(m.text());
      });
      await page.goto(`${url}/`, { timeout: timeoutMs });
      return await use(page, pageErrors);
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export function runDashboardInChromium(o: DashboardRunOptions): Promise<DashboardRun> {
  return withDashboardPage(o.url, o.timeoutMs, async (page, pageErrors) => {
    for (const chain of o.chains) {
      await page
        .locator(tipSelector(chain))
        .filter({ hasText: /^\s*\d+\s*$/ })
        .waitFor({ timeout: o.timeoutMs });
    }
    const first = new Map<string, number>();
    for (const chain of o.chains) first.set(chain, await readTip(page, chain));
    const firstReadAt = Date.now();

    let missedCells = 0;
    if (o.missedFp) {
      const { chain, fpBtcPk } = o.missedFp;
      // Keyboard only: focus the chain's switch button and press Enter.
      await page.focus(`[data-select="${chain}"]`, { timeout: o.timeoutMs });
      await page.keyboard.press("Enter");
      const cells = page.locator(
        `#detail[data-detail-chain="${chain}"] [data-fp="${fpBtcPk}"][data-vote="missed"]`,
      );
      await cells
        .first()
        .waitFor({ timeout: o.timeoutMs })
        .catch(() => undefined);
      missedCells = await cells.count();
    }

    const later = new Map(first);
    while (Date.now() - firstReadAt < TIP_MOVE_MS) {
      for (const chain of o.chains) later.set(chain, await readTip(page, chain));
      if (o.chains.every((chain) => (later.get(chain) ?? Number.NaN) > (first.get(chain) ?? Number.NaN)))
        break;
      await page.waitForTimeout(250);
    }

    const focusReached = await walkFocus(page);
    mkdirSync(dirname(o.screenshot), { recursive: true });
    await page.screenshot({ path: o.screenshot, fullPage: true });
    const events = (await page.locator("#events li").allTextContents()).map((t) => t.trim());

    await page.setViewportSize({ width: 375, height: 800 });
    // The chart follows its box on the next resize observation and frame.
    await page.waitForTimeout(400);
    const narrowScrollWidth = await page.evaluate<number>("document.documentElement.scrollWidth");
    const narrowScreenshot = o.screenshot.replace(/(\.png)?$/, "-375.png");
    await page.screenshot({ path: narrowScreenshot, fullPage: true });

    const tips: Record<string, [number, number]> = {};
    for (const chain of o.chains)
      tips[chain] = [first.get(chain) ?? Number.NaN, later.get(chain) ?? Number.NaN];
    return {
      pageErrors,
      tips,
      missedCells,
      screenshot: o.screenshot,
      focusReached,
      narrowScrollWidth,
      narrowScreenshot,
      events,
    };
  });
}
