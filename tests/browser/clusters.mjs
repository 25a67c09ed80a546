// The Clusters tab on the bundled demo: `?demo=1` loads the repository, its log file and its OTLP
// traces; the tab must show what the native `refract cluster --logs … --traces … --repo … --json`
// computes (run here), the icicle must have cells, and the broken-trace report must show the demo's
// broken traces as documented in static/demo/README.md (4 without root + 1 cycle, 3 + 4 with
// orphans, 1 with two roots, 1 cycle, 1 trace with ≤ 0 durations), the one template split over two
// code paths must show the split, and Cancel must stop a long run on the coordinator.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP, ARTIFACTS, check, withBrowser } from "./lib.mjs";

const root = join(import.meta.dirname, "..", "..");
const demo = join(root, "static", "demo");
const native = JSON.parse(
  execFileSync(
    "cargo",
    [
      "run", "--quiet", "-p", "refract", "--", "cluster",
      "--logs", join(demo, "logs", "checkoutd.log"),
      "--traces", join(demo, "traces", "checkout-otlp.json"),
      "--repo", join(demo, "repo"),
      "--json",
    ],
    { cwd: root, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "inherit"] },
  ),
);

async function num(page, sel) {
  const t = await page.locator(sel).first().textContent();
  return parseInt(t, 10);
}

await withBrowser("clusters", async (page) => {
  const t0 = Date.now();
  await page.goto(`${APP}?demo=1`);
  await page.click("#tab-clusters");
  // The final run is the one with the repository's code paths.
  await page.locator('#clusters[data-state="done"][data-paths="1"]').waitFor({ timeout: 120000 });
  console.log(`clusters with code paths shown ${Date.now() - t0} ms after navigation`);

  // Log clusters: the same clusters, counts and splits as the native CLI.
  const logs = native.logs;
  const summary = page.locator("#log-summary");
  check(
    parseInt(await summary.getAttribute("data-clusters"), 10) === logs.clusters.length,
    `log clusters ${await summary.getAttribute("data-clusters")} != native ${logs.clusters.length}`,
  );
  check(
    parseInt(await summary.getAttribute("data-records"), 10) === logs.ingest.records,
    `log records != native ${logs.ingest.records}`,
  );
  // Shown most severe first by default (an incident wants the errors, not the info noise).
  const RANK = { panic: 13, fatal: 11, error: 9, warn: 7, "": 6, info: 4, debug: 2, trace: 0 };
  const worstShown = () => page.locator("tr.log-cluster").evaluateAll((rows) => rows.map((r) => r.dataset.worst));
  const nativeWorst = logs.clusters.map((c) => (c.levels.length ? c.levels[0][0] : ""));
  let worst = await worstShown();
  check(worst.length === logs.clusters.length, `${worst.length} rows shown of ${logs.clusters.length}`);
  check(worst.every((w, i) => i === 0 || RANK[worst[i - 1]] >= RANK[w]), `not most severe first: ${worst}`);
  check(worst[0] === [...nativeWorst].sort((a, b) => RANK[b] - RANK[a])[0], `first row's level ${worst[0]}`);
  check(nativeWorst.includes("info") && nativeWorst.includes("error"), `the demo logs mix levels: ${nativeWorst}`);
  // "error and worse" hides the clusters whose lines all had lower levels.
  await page.selectOption("#log-min-level", "error");
  worst = await worstShown();
  const keep = nativeWorst.filter((w) => w === "" || RANK[w] >= RANK.error).length;
  check(worst.length === keep && worst.every((w) => w === "" || RANK[w] >= RANK.error), `error filter shows ${worst}`);
  check(parseInt(await page.locator("#log-hidden").getAttribute("data-hidden"), 10) === logs.clusters.length - keep,
    `hidden count ${await page.locator("#log-hidden").textContent()}`);
  await page.selectOption("#log-min-level", "");
  // Most lines first: the native CLI's order.
  await page.selectOption("#log-order", "lines");
  const counts = await page.locator("tr.log-cluster").evaluateAll((rows) =>
    rows.map((r) => parseInt(r.dataset.count, 10)));
  const nativeCounts = logs.clusters.map((c) => c.count);
  check(JSON.stringify(counts) === JSON.stringify(nativeCounts),
    `log cluster counts ${counts} != native ${nativeCounts}`);
  const templates = await page.locator("tr.log-cluster code.template").allTextContents();
  check(templates[0] === logs.clusters[0].template, `first template ${templates[0]}`);
  const splits = await page.locator('tr.log-cluster[data-split="1"]').count();
  check(splits === logs.clusters.filter((c) => c.split).length, `split clusters ${splits}`);
  const paths = await page.locator("li.path-split").count();
  const nativePaths = logs.clusters.reduce((n, c) => n + c.paths.length, 0);
  check(paths === nativePaths && paths > 0, `code-path rows ${paths} != native ${nativePaths}`);
  // The demo's split (static/demo/README.md): capture and ship jobs of erased orders, one template,
  // two code paths (Fulfiller.capture / Fulfiller.ship), shown open with both paths and counts.
  const splitRow = page.locator('tr.log-cluster[data-split="1"]');
  check(splits === 1, `the demo has one split template, shown ${splits}`);
  check(
    (await splitRow.locator("code.template").textContent()) ===
      "job failed: worker <*>: job <*> <*> <*> order <*>: store: not found",
    `split template ${await splitRow.locator("code.template").textContent()}`,
  );
  check(await splitRow.getAttribute("data-count") === "5", "split template has 5 lines");
  const splitSummary = splitRow.locator("details.paths summary");
  check((await splitSummary.textContent()) === "split over 2 code paths", `split summary ${await splitSummary.textContent()}`);
  check(await splitRow.locator("details.paths").evaluate((d) => d.open), "the split is shown open");
  const splitPaths = await splitRow.locator("li.path-split").evaluateAll((lis) =>
    lis.map((li) => [li.dataset.count, [...li.querySelectorAll("code")].map((c) => c.textContent).join(" <- ")]));
  splitPaths.sort();
  check(splitPaths.length === 2, `two paths in the split, got ${splitPaths.length}`);
  check(splitPaths[0][0] === "2" && splitPaths[0][1].includes("Fulfiller).capture") &&
    splitPaths[1][0] === "3" && splitPaths[1][1].includes("Fulfiller).ship") &&
    splitPaths.every(([, p]) => p.endsWith("store.OrderRepo).Get")),
    `split paths ${JSON.stringify(splitPaths)}`);
  check(await splitRow.locator("li.path-split").first().isVisible(), "split paths are visible");
  check((await page.locator("svg.hist rect").count()) > 0, "time histograms have bars");

  // Trace error-chain clusters.
  const tr = native.traces;
  const ts = page.locator("#trace-summary");
  check(parseInt(await ts.getAttribute("data-clusters"), 10) === tr.chains.clusters.length,
    `trace clusters != native ${tr.chains.clusters.length}`);
  check(tr.chains.clusters.length > 0, "the demo has error-chain clusters");
  const tcounts = await page.locator("tr.trace-cluster").evaluateAll((rows) =>
    rows.map((r) => parseInt(r.dataset.count, 10)));
  check(JSON.stringify(tcounts) === JSON.stringify(tr.chains.clusters.map((c) => c.count)),
    `trace cluster counts ${tcounts}`);
  const firstId = tr.chains.clusters[0].example_trace_ids[0];
  check((await page.locator("tr.trace-cluster").first().textContent()).includes(firstId),
    "example trace id shown");
  check((await page.locator("#drill-error li").count()) > 0, "error-type drill-down");
  check((await page.locator("#drill-service li").count()) > 0, "service drill-down");

  // Broken traces: native numbers, and the demo's documented facts.
  const b = tr.broken;
  const broken = {};
  for (const k of ["traces", "no_root_traces", "traces_with_orphans", "multiple_root_traces",
    "cycle_traces", "nonpositive_duration_spans", "orphan_spans"]) {
    broken[k] = await num(page, `#broken dd[data-k="${k}"]`);
    check(broken[k] === b[k], `broken ${k}: ${broken[k]} != native ${b[k]}`);
  }
  check(broken.traces === 222, `demo has 222 traces, shown ${broken.traces}`);
  check(broken.no_root_traces === 4 + 1, `4 no-root traces + the cycle: ${broken.no_root_traces}`);
  check(broken.traces_with_orphans === 3 + 4, `3 orphan traces + the 4 root-less: ${broken.traces_with_orphans}`);
  check(broken.multiple_root_traces === 1, `one trace with two roots: ${broken.multiple_root_traces}`);
  check(broken.cycle_traces === 1, `one trace with a cycle: ${broken.cycle_traces}`);
  check(broken.nonpositive_duration_spans >= 1, `zero/negative durations: ${broken.nonpositive_duration_spans}`);
  check((await page.locator("#broken-services tbody tr").count()) === b.per_service.length,
    "per-service broken rows");

  // The icicle: cells, error cells, and zooming into a node narrows it to that node.
  const cells = await page.locator("#flame g.cell rect").count();
  check(cells > 1, `flame graph has ${cells} cells`);
  check((await page.locator("#flame g.error").count()) > 0, "flame graph marks error steps");
  await page.screenshot({ path: join(ARTIFACTS, "clusters.png"), fullPage: true });
  await page.locator("#flame g.cell").nth(1).click();
  await page.locator("#flame-reset").waitFor();
  const zoomed = await page.locator("#flame g.cell rect").count();
  check(zoomed < cells, `zoomed flame has ${zoomed} cells, whole had ${cells}`);
  await page.click("#flame-reset");

  // An example line of a cluster opens in the Explain view.
  await page.locator("a.explain-example").first().click();
  await page.locator("#chain li").first().waitFor({ timeout: 30000 });

  // Cancel: a long run on the coordinator (the repository is loaded, so every distinct line is
  // explained) is stopped; the tab says so, keeps the inputs, and the coordinator sends no more
  // progress for it (its replies would be counted in data-stale).
  await page.click("#tab-clusters");
  const dir = mkdtempSync(join(tmpdir(), "refract-cancel-"));
  const big = join(dir, "big.log");
  const hex = (n) => n.toString(16).padStart(20, "0");
  const lines = [];
  for (let i = 0; i < 300000; i++) {
    lines.push(`E1121 10:${String(i % 60).padStart(2, "0")}:00.000000       1 handlers.go:83] cancel order ord_${hex(i * 7919)} failed: update order status: store: version conflict\n`);
  }
  writeFileSync(big, lines.join(""));
  // (The page keeps a handle, not a copy: the file must stay until the worker has read it.)
  await page.setInputFiles("#pick-cluster", big);
  await page.locator("#cluster-progress").waitFor({ timeout: 30000 });
  await page.waitForFunction(() =>
    parseInt(document.querySelector("#cluster-progress .count")?.textContent ?? "0", 10) > 0, null, { timeout: 30000 });
  const progressText = await page.locator("#cluster-progress .count").textContent();
  const [doneAtCancel, total] = progressText.split("/").map((x) => parseInt(x, 10));
  check(doneAtCancel < total, `the run was still going when cancelled (${progressText})`);
  await page.click("#cluster-cancel");
  await page.locator('#clusters[data-state="cancelled"]').waitFor({ timeout: 5000 });
  check((await page.locator("ul.cluster-files li").count()) === 3, "inputs kept after cancel");
  await page.waitForTimeout(1000);
  const stale = async () => parseInt(await page.locator("#clusters").getAttribute("data-stale"), 10);
  const staleAfterCancel = await stale();
  await page.waitForTimeout(2500);
  check(await stale() === staleAfterCancel,
    `the cancelled run kept reporting progress (${staleAfterCancel} → ${await stale()} stale replies)`);
  check(await page.locator('#clusters[data-state="cancelled"]').count() === 1, "still cancelled");
  rmSync(dir, { recursive: true, force: true });

  // Pasted log lines are clustered too, and malformed lines are listed with their line numbers.
  await page.click("#cluster-clear");
  await page.fill("#cluster-paste",
    '{"level":"error","msg":"charge failed","error":"card 1 declined"}\n{broken json\n' +
    '{"level":"error","msg":"charge failed","error":"card 2 declined"}\n');
  await page.click("#paste-logs");
  await page.locator('#clusters[data-state="done"]').waitFor({ timeout: 30000 });
  await page.locator("#log-summary").waitFor();
  check(await page.locator("#log-summary").getAttribute("data-malformed") === "1", "one malformed pasted line");
  check(await page.locator("#malformed li").first().getAttribute("data-line") === "2", "malformed line number 2");
  check(await page.locator("#malformed li").first().getAttribute("data-file") === "pasted logs.log",
    "malformed line listed with its input's name");
  check(await page.locator("#trace-summary").count() === 0, "no trace section without traces");

  // OTLP/JSON logs: a picked `.json` file is recognised as logs by its content (`resourceLogs`),
  // listed and read as logs; a pretty-printed document (tests/fixtures/logs/otlp-logs.json).
  await page.click("#cluster-clear");
  await page.setInputFiles("#pick-cluster", join(root, "tests", "fixtures", "logs", "otlp-logs.json"));
  await page.locator('#clusters[data-state="done"]').waitFor({ timeout: 30000 });
  check((await page.locator("ul.cluster-files li").textContent()).startsWith("logs: otlp-logs.json"),
    `OTLP logs listed as logs: ${await page.locator("ul.cluster-files li").textContent()}`);
  check(await page.locator("#log-summary").getAttribute("data-records") === "4", "4 OTLP log records");
  check(await page.locator("#log-summary").getAttribute("data-malformed") === "0", "no malformed OTLP lines");
  check(await page.locator("#trace-summary").count() === 0, "OTLP logs are not traces");
  const otlpTemplates = await page.locator("tr.log-cluster code.template").allTextContents();
  check(otlpTemplates.some((t) => t.startsWith("charge failed for order <*>")), `OTLP templates ${otlpTemplates}`);
});
