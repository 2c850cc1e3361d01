// Drives the operators' dashboard in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): loads /dashboard with an operator token, waits until it lists the exchanges,
// starts a sender (the command after --), and waits until the page's numbers move. Prints one
// JSON line of what it saw; saves a screenshot. Exit 1 with the reason on stderr when it fails.
//
// node dashboard_check.mjs URL TOKEN SCREENSHOT.png EXCHANGE -- SENDER ARGS...
import { spawn } from "node:child_process";
import { chromium } from "playwright-core";

const [url, token, screenshot, watched, separator, ...sender] = process.argv.slice(2);
if (separator !== "--" || sender.length === 0) {
  console.error("usage: dashboard_check.mjs URL TOKEN SCREENSHOT EXCHANGE -- SENDER ARGS...");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(url + "#token=" + encodeURIComponent(token));

  const row = (id) => page.locator(`#exchanges tr[data-exchange="${id}"]`);
  await row(watched).waitFor({ timeout: 20000 });
  const exchanges = await page.locator("#exchanges tr").evaluateAll((rows) =>
    rows.map((r) => ({ id: r.dataset.exchange, state: r.querySelector(".state").textContent })));
  const messages = async () => Number((await row(watched).locator("td.messages").textContent()).replace(/,/g, ""));
  const before = await messages();
  const addressAfterLoad = page.url();

  const child = spawn(sender[0], sender.slice(1), { stdio: ["ignore", "ignore", "inherit"] });
  const senderExit = new Promise((resolve) => child.on("exit", (code) => resolve(code)));

  // The page polls every two seconds; give it up to 30 s to show the new messages and a rate.
  let after = before, rate = 0, updates = new Set();
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    await page.waitForTimeout(500);
    after = await messages();
    rate = Math.max(rate, Number(await page.locator("#rate-messages").textContent()) || 0);
    updates.add(await page.evaluate(() => document.body.dataset.updated));
    if (after > before && rate > 0 && updates.size >= 3) break;
  }
  const exitCode = await senderExit;
  await page.screenshot({ path: screenshot, fullPage: true });
  const chartPainted = await page.evaluate(() => {
    const c = document.getElementById("chart");
    const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && (pixels[i] !== pixels[i + 1] || pixels[i + 1] !== pixels[i + 2])) coloured++;
    return coloured;
  });
  console.log(JSON.stringify({ exchanges, before, after, rate, updates: updates.size, senderExit: exitCode,
                               chartPainted, tokenInAddress: addressAfterLoad.includes("token="), consoleErrors }));
} catch (error) {
  console.error("dashboard_check: " + error.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
