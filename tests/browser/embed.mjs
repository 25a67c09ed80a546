// Embedding: a host page on another origin frames the app with ?embed=1 and drives it by
// postMessage (PING/PONG, refract:load with an ArrayBuffer, refract:progress, then
// refract:result — or refract:error when this build has no explain engine for the log line).
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
  const hasExplain = await page.frameLocator("#refract").locator("#tab-explain").count();
  if (hasExplain) {
    const results = await page.evaluate(() => window.refractResults);
    check(Array.isArray(results) && results.length === 1, "one result per log line");
    check(results[0].paths.length >= 1 && results[0].paths[0].hops.length >= 2, "a multi-hop path");
  } else {
    check(log.includes("error: this build has no explain engine"), "explain-less build reports it");
  }
  await page.screenshot({ path: join(ARTIFACTS, "embed.png"), fullPage: true });
});
