// The demo: `?demo=1` loads the bundled Go service offline; the overview shows its counts, the
// function explorer draws a call-graph neighbourhood and a closure, and (when the explain engine
// is built in) the first demo log line is explained with a multi-hop path and highlighted source.
import { join } from "node:path";
import { APP, ARTIFACTS, check, overviewValue, withBrowser } from "./lib.mjs";

const expect = JSON.parse(process.env.REFRACT_DEMO_EXPECT);

await withBrowser("demo", async (page) => {
  const t0 = Date.now();
  await page.goto(`${APP}?demo=1`);
  await page.locator("#chain li").first().waitFor({ timeout: 60000 });
  await page.click("#tab-overview");
  const functions = await overviewValue(page, "functions");
  const shownMs = Date.now() - t0;
  const goFiles = await overviewValue(page, "go_files");
  const strings = await overviewValue(page, "error_strings");
  check(goFiles === expect.go_files, `go files ${goFiles} != native ${expect.go_files}`);
  check(functions === expect.functions, `functions ${functions} != native ${expect.functions}`);
  check(strings === expect.distinct_strings, `error strings ${strings} != native ${expect.distinct_strings}`);
  // Every stage reached its total.
  for (const stage of ["read", "parse", "link", "closure"]) {
    const count = await page.locator(`.stage[data-stage="${stage}"] .count`).textContent();
    const [done, total] = count.split("/").map((s) => parseInt(s, 10));
    check(total === undefined || isNaN(total) || done === total, `stage ${stage}: ${count}`);
  }
  console.log(`demo overview shown ${shownMs} ms after navigation; ${functions} functions`);
  await page.screenshot({ path: join(ARTIFACTS, "overview.png"), fullPage: true });

  // Function explorer: a function that owns strings, its neighbourhood and closure.
  await page.click("#tab-functions");
  await page.fill("#func-search", expect.probe_function);
  await page.locator(".hits li a").first().click();
  await page.locator("#callgraph .node.center").waitFor();
  const nodes = await page.locator("#callgraph .node").count();
  check(nodes >= 2, `neighbourhood has ${nodes} nodes`);
  await page.locator("#closure li").first().waitFor();
  await page.locator("#source-code .ln.mark").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "functions.png"), fullPage: true });

  {
    await page.click("#tab-explain");
    await page.locator("#chain li").first().waitFor({ timeout: 30000 });
    const hops = await page.locator("#chain li").count();
    check(hops >= 2, `explained path has ${hops} hops`);
    await page.locator("#chain li").nth(hops - 1).click();
    // The root cause's format call is marked, its text highlighted in the line.
    await page.locator("#source-code .ln.mark mark").waitFor();
    const marks = await page.locator("#message mark").count();
    check(marks >= 2, `message highlights: ${marks}`);
    check(page.url().includes("#log="), "hash state holds the line");
    await page.screenshot({ path: join(ARTIFACTS, "explain.png"), fullPage: true });
  }
});
