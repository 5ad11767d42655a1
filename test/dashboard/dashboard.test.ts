// The operator dashboard in headless Chromium against a fake API (test/dashboard/fake-api.ts), through the same
// runDashboardInChromium the stack e2e uses against the real Worker. The page is built first, so this file also
// runs alone.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard } from "../../dashboard/build.ts";
import { runDashboardInChromium, withDashboardPage } from "../stack/dashboard.ts";
import { type FakeApi, startFakeApi } from "./fake-api.ts";

describe("operator dashboard (Chromium, fake API)", () => {
  let fake: FakeApi | undefined;

  beforeAll(async () => {
    await buildDashboard();
    fake = await startFakeApi();
  }, 60_000);

  afterAll(async () => {
    await fake?.close();
  });

  it("shows every chain live, the missing FP's missed cells, is keyboard-usable and fits 375 px", async () => {
    const api = fake as FakeApi;
    const run = await runDashboardInChromium({
      url: api.url,
      chains: api.chains,
      missedFp: api.missedFp,
      screenshot: join(".tmp", "artifacts", "dashboard.png"),
      timeoutMs: 20_000,
    });
    expect(run.pageErrors).toEqual([]);
    for (const chain of api.chains) {
      const [first, later] = run.tips[chain] ?? [Number.NaN, Number.NaN];
      expect(first, `${chain}: first finalized tip`).toBeGreaterThan(0);
      expect(later, `${chain}: finalized tip within 10 s`).toBeGreaterThan(first);
    }
    expect(run.missedCells).toBeGreaterThan(0);
    expect(run.focusReached).toEqual(
      expect.arrayContaining([...api.chains.map((chain) => `switch:${chain}`), "heatmap"]),
    );
    expect(run.narrowScrollWidth).toBeLessThanOrEqual(375);
    // The selected chain's history replayed from the event log (from=0): its slash and equivocation.
    expect(run.events.join("\n")).toMatch(/Slashed[\s\S]*Equivocation/);
    expect(existsSync(run.screenshot) && statSync(run.screenshot).size > 0).toBe(true);
    // Every API request was answered (no 4xx/5xx: those would be console errors too).
    expect(api.requests.filter((r) => r.status >= 400)).toEqual([]);
  }, 90_000);

  it("shows unavailable history in the status line and its panels, and throws nothing", async () => {
    const failing = await startFakeApi({ unavailable: ["vote-history", "lag-history"] });
    try {
      const seen = await withDashboardPage(failing.url, 20_000, async (page, pageErrors) => {
        await page.locator('#status-line[data-state="error"]').waitFor({ timeout: 15_000 });
        await page.locator("#heatmap-note:not([hidden])").waitFor({ timeout: 15_000 });
        await page.locator('[data-testid="finalized-tip"]').first().filter({ hasText: /^\d+$/ }).waitFor();
        return {
          status: (await page.textContent("#status-line")) ?? "",
          heatmap: (await page.textContent("#heatmap-note")) ?? "",
          chart: (await page.textContent("#chart .note")) ?? "",
          pageErrors,
        };
      });
      expect(seen.status).toContain("HISTORY_UNAVAILABLE");
      expect(seen.heatmap).toMatch(/unavailable/i);
      expect(seen.chart).toMatch(/History unavailable/);
      // The browser itself logs each 503 ("Failed to load resource"); the page adds no error of its own.
      expect(seen.pageErrors.filter((e) => !e.startsWith("Failed to load resource"))).toEqual([]);
    } finally {
      await failing.close();
    }
  }, 60_000);
});
