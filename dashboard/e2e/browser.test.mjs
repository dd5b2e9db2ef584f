/**
 * Browser tests of the dashboard in real headless Chromium (Debian's, driven by playwright-core).
 *
 *   BASE_URL=http://127.0.0.1:8082 node --test e2e/browser.test.mjs     (the running stack: query-service)
 *   npm run test:browser:fixtures                                        (the fixture server, development only)
 *
 * Checks: the page loads without console errors; live power updates when the stream pushes a new reading;
 * each time frame renders 6/24/7/30/12 buckets; a reading's in-browser verification passes and a tampered one
 * fails. Screenshots (desktop 1280x800, phone 390x844) go to e2e/artifacts/.
 * LIVE_TIMEOUT_MS (default 45000) bounds the wait for a new reading (the simulator sends one every 10 s);
 * ANCHOR_TIMEOUT_MS (default 120000) the wait for a first anchored batch.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { ensureChromium } from "./chromium.mjs";

const BASE_URL = process.env.BASE_URL;
const LIVE_TIMEOUT_MS = Number(process.env.LIVE_TIMEOUT_MS ?? 45_000);
const ANCHOR_TIMEOUT_MS = Number(process.env.ANCHOR_TIMEOUT_MS ?? 120_000);
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "artifacts");
const EXPECTED_BUCKETS = { hour: 6, day: 24, week: 7, month: 30, year: 12 };
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Seconds from the dashboard's age text: "just now", "12 s ago", "1 min 5 s ago", "2 h 3 min ago". */
/** Resolution of an age text in seconds: its smallest unit ("6 h 19 min" is truncated to the minute). */
function ageResolution(text) {
  const units = { d: 86400, h: 3600, min: 60, s: 1 };
  let smallest = 1;
  for (const [, , u] of text.matchAll(/(\d+) (d|h|min|s)\b/g)) smallest = units[u];
  return smallest;
}

function parseAge(text) {
  if (text.trim() === "just now") return 0;
  const units = { d: 86400, h: 3600, min: 60, s: 1 };
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+) (d|h|min|s)\b/g)) total += Number(n) * units[u];
  return total;
}

describe("dashboard in headless Chromium", { timeout: 240_000 }, () => {
  let context;
  let page;
  let profile;
  const consoleErrors = [];

  before(async () => {
    assert.ok(BASE_URL, "BASE_URL is required, e.g. BASE_URL=http://127.0.0.1:8082 (the running stack)");
    mkdirSync(ARTIFACTS, { recursive: true });
    const executablePath = ensureChromium();
    profile = mkdtempSync(join(tmpdir(), "ww-chromium-"));
    // launchPersistentContext passes a fresh --user-data-dir (the profile folder made above)
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 800 },
      locale: "en-GB",
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test("the page loads without console errors", async () => {
    const res = await page.goto(BASE_URL, { waitUntil: "load" });
    assert.equal(res.status(), 200);
    await page.locator('[data-testid="installation-picker"] option').first().waitFor({ state: "attached" });
    const installations = await page.locator('[data-testid="installation-picker"] option').count();
    assert.ok(installations >= 1, "at least one installation in the picker");
    await page.waitForFunction(() => document.querySelector('[data-testid="live-power"]')?.getAttribute("data-timestamp") !== "", null, { timeout: 20_000 });
    await page.locator('[data-testid="status-panel"] [data-testid="overall"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="records"] tbody tr').first().waitFor({ timeout: 20_000 });
    assert.deepEqual(consoleErrors, []);
  });

  test("live power updates when a new reading arrives over the stream", async () => {
    const live = page.locator('[data-testid="live-power"]');
    const before = Number(await live.getAttribute("data-timestamp"));
    assert.ok(before > 0, "a first reading is shown");
    await page.waitForFunction(
      (t) => Number(document.querySelector('[data-testid="live-power"]')?.getAttribute("data-timestamp")) > t,
      before,
      { timeout: LIVE_TIMEOUT_MS },
    );
    const after = Number(await live.getAttribute("data-timestamp"));
    assert.ok(after > before, `reading time moved from ${before} to ${after}`);
    assert.equal(await page.locator('[data-testid="stream-state"]').getAttribute("data-state"), "open");
    const power = await live.getAttribute("data-power-w");
    assert.ok(power !== "" && Number.isFinite(Number(power)), `power shown: ${power}`);
    // the age shown is the shown reading's age at the clock tick it was rendered with (data-now, Unix ms), and
    // that tick follows the real clock (checked twice, 1.5 s apart)
    let previousTick = 0;
    for (let i = 0; i < 2; i++) {
      const { text, ts, tick, now } = await page.evaluate(() => {
        const age = document.querySelector('[data-testid="reading-age"]');
        return {
          text: age.textContent,
          tick: Number(age.getAttribute("data-now")),
          ts: Number(document.querySelector('[data-testid="live-power"]').getAttribute("data-timestamp")),
          now: Date.now(),
        };
      });
      const shown = parseAge(text);
      const exact = Math.max(0, (tick - ts) / 1000);
      // shown is the exact age truncated to its smallest unit (1 ms of slack for floating point)
      assert.ok(exact - shown >= -0.001 && exact - shown < ageResolution(text) + 0.001,
        `age "${text}" vs ${exact.toFixed(3)} s at the rendered tick`);
      assert.ok(tick > previousTick && now - tick >= 0 && now - tick < 10_000,
        `rendered tick ${tick} follows the clock (now ${now}, previous tick ${previousTick})`);
      previousTick = tick;
      await page.waitForTimeout(1500);
    }
  });

  for (const [frame, count] of Object.entries(EXPECTED_BUCKETS)) {
    test(`the ${frame} frame renders ${count} buckets`, async () => {
      await page.locator(`[data-testid="frame-${frame}"]`).click();
      await page.waitForFunction(
        (f) => {
          const el = document.querySelector('[data-testid="chart"]');
          return el?.getAttribute("data-frame") === f && el.getAttribute("data-buckets") !== "" && el.getAttribute("data-loading") === "false";
        },
        frame,
        { timeout: 20_000 },
      );
      assert.equal(await page.locator('[data-testid="chart"]').getAttribute("data-buckets"), String(count));
      assert.equal(await page.locator('[data-testid="chart-table"] tbody tr').count(), count);
      assert.match(await page.locator('[data-testid="chart-total"]').textContent(), /\d.*(Wh|kWh|MWh|GWh)$/);
      assert.match(await page.locator('[data-testid="chart-tz"]').textContent(), /Times in \S+ \(/);
      // the canvas is really drawn
      const box = await page.locator('[data-testid="chart"] canvas').first().boundingBox();
      assert.ok(box && box.width > 200 && box.height > 150, "chart canvas has a size");
      await page.waitForTimeout(400); // let the bar animation finish before any screenshot
      if (frame === "day") await page.evaluate(() => window.scrollTo(0, 0));
      if (frame === "day") await page.screenshot({ path: join(ARTIFACTS, "desktop.png"), fullPage: true });
    });
  }

  test("in-browser verification passes for an anchored reading and fails when tampered", async () => {
    // an anchored row of the latest records, or else a reading of the last anchored batch (status panel)
    await page.waitForFunction(() => document.querySelector('[data-testid="verify-button"], [data-testid="verify-batch"]'), null, { timeout: ANCHOR_TIMEOUT_MS });
    const row = page.locator('[data-testid="verify-button"]').first();
    if (await row.count()) await row.click();
    else await page.locator('[data-testid="verify-batch"]').click();
    const dialog = page.locator('[data-testid="verify-dialog"]');
    await dialog.waitFor();
    const verdict = page.locator('[data-testid="verdict"]');
    await page.waitForFunction(() => ["pass", "fail"].includes(document.querySelector('[data-testid="verdict"]')?.getAttribute("data-verdict")), null, { timeout: 30_000 });
    const steps = async () =>
      Object.fromEntries(
        await page.locator('[data-testid="verify-steps"] li').evaluateAll((lis) => lis.map((li) => [li.getAttribute("data-step"), li.getAttribute("data-state")])),
      );
    const details = async () => (await page.locator('[data-testid="verify-steps"]').innerText()).replace(/\s+/g, " ");
    assert.equal(await verdict.getAttribute("data-verdict"), "pass", `steps: ${await details()}`);
    assert.deepEqual(await steps(), { decode: "pass", key: "pass", signature: "pass", leaf: "pass", merkle: "pass", chain: "pass" });
    await page.screenshot({ path: join(ARTIFACTS, "verify-pass.png") });

    await page.locator('[data-testid="tamper"]').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.getAttribute("data-verdict") === "fail", null, { timeout: 30_000 });
    const tampered = await steps();
    assert.equal(tampered.signature, "fail");
    assert.equal(tampered.leaf, "fail");
    assert.equal(tampered.merkle, "fail");
    assert.equal(tampered.chain, "fail");
    await page.screenshot({ path: join(ARTIFACTS, "verify-tampered.png") });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  test("the status panel verifies a reading of the last anchored batch", async () => {
    await page.locator('[data-testid="verify-batch"]').click();
    await page.locator('[data-testid="verify-dialog"]').waitFor();
    await page.waitForFunction(() => ["pass", "fail"].includes(document.querySelector('[data-testid="verdict"]')?.getAttribute("data-verdict")), null, { timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="verdict"]').getAttribute("data-verdict"), "pass");
    assert.match(page.url(), /verify=\d+%3A\d+/);
    await page.locator('[data-testid="verify-dialog"] button[aria-label="Close"]').click();
    await page.locator('[data-testid="verify-dialog"]').waitFor({ state: "detached" });
    assert.doesNotMatch(page.url(), /verify=/);
  });

  test("the time zone can be switched and labels follow it", async () => {
    await page.locator('[data-testid="tz-picker"]').selectOption("UTC");
    await page.waitForFunction(() => document.querySelector('[data-testid="chart-tz"]')?.textContent === "Times in UTC (UTC+00:00)", null, { timeout: 10_000 });
    assert.match(page.url(), /tz=UTC/);
    await page.waitForFunction(() => document.querySelector('[data-testid="chart"]')?.getAttribute("data-loading") === "false", null, { timeout: 20_000 });
    const firstTime = await page.locator('[data-testid="records"] tbody tr td .when').first().textContent();
    assert.match(firstTime, /^\d{2}:\d{2}:\d{2} UTC$/);
    await page.locator('[data-testid="tz-picker"]').selectOption("");
    await page.waitForFunction(() => !/tz=/.test(location.hash), null, { timeout: 5_000 });
  });

  test("phone width renders without horizontal overflow, and no console errors overall", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="frame-day"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="chart"]')?.getAttribute("data-buckets") === "24", null, { timeout: 20_000 });
    await page.waitForTimeout(400);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px at 390px`);
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header belongs at the top of a full-page shot
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, "phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.deepEqual(consoleErrors, []);
  });
});
