// Shared set-up of the real-browser tests: Debian's chromium driven by playwright-core (installed
// by `cargo xtask install web` into <repo>/.tools), every request recorded, screenshots saved.
// Environment (set by `cargo xtask test`): REFRACT_APP_URL (dist/ served by xtask), REFRACT_HOST_URL
// (dist/ again on another origin), REFRACT_TOOLS, REFRACT_ARTIFACTS, REFRACT_FIXTURE_ZIP,
// REFRACT_EXPECT (JSON of `refract index --json` for the fixture).
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(join(process.env.REFRACT_TOOLS, "node_modules", "x.js"));
const { chromium } = require("playwright-core");

export const APP = process.env.REFRACT_APP_URL;
export const HOST = process.env.REFRACT_HOST_URL;
export const ARTIFACTS = process.env.REFRACT_ARTIFACTS;
mkdirSync(ARTIFACTS, { recursive: true });

export function check(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

export async function withBrowser(name, fn) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const requests = [];
  const errors = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const started = Date.now();
  try {
    await fn(page, { requests, errors });
    // No request may leave localhost.
    const foreign = requests.filter((u) => {
      if (u.startsWith("data:") || u.startsWith("blob:")) return false;
      const h = new URL(u).hostname;
      return h !== "127.0.0.1" && h !== "localhost";
    });
    check(foreign.length === 0, `requests left localhost: ${foreign.join(", ")}`);
    console.log(`ok ${name} (${Date.now() - started} ms, ${requests.length} requests)`);
  } catch (e) {
    await page.screenshot({ path: join(ARTIFACTS, `${name}-failure.png`), fullPage: true }).catch(() => {});
    console.error(`FAILED ${name}: ${e.message}`);
    if (errors.length) console.error(`page errors:\n  ${errors.join("\n  ")}`);
    await browser.close();
    process.exit(1);
  }
  await browser.close();
}

export async function overviewValue(page, key) {
  const el = page.locator(`#overview dd[data-k="${key}"]`);
  await el.waitFor({ timeout: 60000 });
  return parseInt(await el.textContent(), 10);
}

export function tmp() {
  return mkdtempSync(join(tmpdir(), "refract-browser-"));
}
