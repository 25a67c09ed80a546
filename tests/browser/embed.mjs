// Embedding: a host page on another origin frames the app with ?embed=1 and drives it by
// postMessage (PING/PONG, refract:load with an ArrayBuffer, refract:progress, then
// refract:result with one `refract trace --json` object for the log line).
import { join } from "node:path";
import { APP, HOST, ARTIFACTS, check, withBrowser } from "./lib.mjs";

await withBrowser("embed", async (page) => {
  check(new URL(APP).origin !== new URL(HOST).origin, "host and app must be different origins");
  await page.goto(`${HOST}embed-example.html?auto=1&app=${encodeURIComponent(APP)}`);
  await page.waitForFunction(() => /result:|error:/.test(document.getElementById("log").textContent), null, { timeout: 60000 });
  const log = await page.locator("#log").textContent();
  check(log.includes("PONG received"), "PONG");
  for (const stage of ["read", "parse", "link", "closure"]) {
    check(log.includes(`progress ${stage}`), `progress for ${stage}`);
  }
  check(!log.includes("error:"), `the app reported an error: ${log}`);
  const results = await page.evaluate(() => window.refractResults);
  check(Array.isArray(results) && results.length === 1, "one result per log line");
  check(results[0].paths.length >= 1 && results[0].paths[0].hops.length >= 2, "a multi-hop path");
  for (const k of ["log", "paths", "root", "candidates"]) check(k in results[0], `result has ${k}`);
  await page.screenshot({ path: join(ARTIFACTS, "embed.png"), fullPage: true });
});
