/**
 * @module The dApp (examples/dapp) in headless Chromium against a running stack: build the bundle, serve it on a
 * free loopback port, click "send", wait (bounded) until the page says BTC-finalized and verified, and save a
 * screenshot. Debian's chromium driven by playwright-core (Playwright's own browser download does not work here).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import { buildDapp } from "../../examples/dapp/build.ts";
import { startStaticServer } from "../../examples/dapp/static-server.ts";

export const CHROMIUM = "/usr/bin/chromium";
/** Shared with the dashboard's browser check (test/stack/dashboard.ts). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export type DappRun = {
  txHash: string;
  status: string;
  verified: string;
  timeline: string[];
  /** Uncaught errors and console errors of the page. */
  pageErrors: string[];
  screenshot: string;
};

export type DappRunOptions = {
  edge: string;
  rpc: string;
  chain: string;
  /** Where the bundle is built. */
  outDir: string;
  screenshot: string;
  timeoutMs: number;
};

export async function runDappInChromium(o: DappRunOptions): Promise<DappRun> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Debian's chromium is not at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) — the dApp step needs a browser`,
    );
  }
  await buildDapp(o.outDir);
  const server = await startStaticServer(o.outDir, 0);
  const profile = mkdtempSync(join(tmpdir(), "dapp-chromium-"));
  const pageErrors: string[] = [];
  try {
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1000, height: 760 },
      timeout: 30_000,
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (m) => {
        if (m.type() === "error") pageErrors.push(m.text());
      });
      const query = new URLSearchParams({ edge: o.edge, rpc: o.rpc, chain: o.chain });
      await page.goto(`${server.url}/?${query}`, { timeout: 15_000 });
      await page.waitForSelector('#status[data-state="idle"]', { timeout: 15_000 });
      await page.click("#send");
      // Done either way: verified, or the page gave up (then the assertion shows why).
      await page
        .locator('#verified[data-verified="true"], #status[data-state="failed"]')
        .first()
        .waitFor({ timeout: o.timeoutMs });
      mkdirSync(dirname(o.screenshot), { recursive: true });
      await page.screenshot({ path: o.screenshot, fullPage: true });
      const text = async (selector: string) => ((await page.textContent(selector)) ?? "").trim();
      return {
        txHash: await text("#tx"),
        status: `${await page.getAttribute("#status", "data-state")}: ${await text("#status")}`,
        verified: await text("#verified"),
        timeline: await page.locator("#log li").allTextContents(),
        pageErrors,
        screenshot: o.screenshot,
      };
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
