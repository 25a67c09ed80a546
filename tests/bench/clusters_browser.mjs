// Benchmark (not a test) of issue 5 item 9 in headless Chromium, run by
// `cargo xtask bench --only cluster`: the Clusters tab of the built app is given
//  * REFRACT_BENCH_LOGS: the 1 M-line Loghub-derived log `refract bench-cluster --write-logs` wrote
//    (the same bytes the native figures are measured on); the worker's own time for ingestion and
//    template mining (`ClusterRun::feed_logs` + `finish`, reading the file's slices excluded) gives
//    lines/s;
//  * REFRACT_BENCH_TRACES: the 100k-trace / 1 M-span OTLP JSON Lines `--write-traces` wrote; without
//    it, N traces (argv[2], default 100k × 10 spans) of OTLP JSON are generated here (seeded,
//    8 services, one resourceSpans per trace and service, ~20 % error traces, some broken).
// Each input is picked through the tab's file input in a fresh page; prints the time from picking
// to the drawn report and the worker's times, then one `BENCH_JSON {…}` line for xtask's table.
// Usage: serve dist/ (e.g. `cargo xtask serve`), then
//   REFRACT_APP_URL=http://127.0.0.1:PORT/ REFRACT_TOOLS=$PWD/.tools [REFRACT_BENCH_LOGS=f.log]
//   [REFRACT_BENCH_TRACES=f.json] [BENCH_RUNS=2] node tests/bench/clusters_browser.mjs [traces]
import { createRequire } from "node:module";
import { createWriteStream, statSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const traces = parseInt(process.argv[2] ?? "100000", 10);
const RUNS = parseInt(process.env.BENCH_RUNS ?? "2", 10);
const SPANS = 10;
const LAYOUT = process.env.BENCH_LAYOUT ?? "per-trace";
const dir = mkdtempSync(join(tmpdir(), "refract-bench-"));
const file = join(dir, "bench-otlp.json");
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const hex = (n, w) => n.toString(16).padStart(w, "0");
const services = ["gateway", "checkout", "payments", "inventory", "users", "search", "mailer", "ledger"];
const ops = ["GET /a", "POST /b", "charge", "reserve", "lookup", "query", "send", "write"];
const errors = ["timeout", "connection refused", "card declined", "not found"];

async function generate() {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once("drain", r)));
  await write('{"resourceSpans":[');
  const t0 = 1700000000000000000n;
  for (let t = 0; t < traces; t++) {
    const tid = hex(t + 1, 32);
    const errLeaf = rnd() < 0.2 ? 5 + Math.floor(rnd() * 5) : -1;
    const onChain = new Set();
    for (let i = errLeaf; i > 0; i = Math.floor((i - 1) / 2)) onChain.add(i);
    if (errLeaf >= 0) onChain.add(0);
    const broken = t % 997 === 0; // an orphan now and then
    const start = t0 + BigInt(t) * 1000000n;
    const spans = [];
    const bySvc = new Map();
    for (let i = 0; i < SPANS; i++) {
      const parent = i === 0 ? "" : hex(broken && i === 3 ? 0xffff : t * SPANS + Math.floor((i - 1) / 2) + 1, 16);
      const s = start + BigInt(i) * 1000n;
      const e = s + BigInt(1000 + Math.floor(rnd() * 100000));
      const svc = services[(i + (t % 3)) % services.length];
      const err = onChain.has(i);
      const span =
        `{"traceId":"${tid}","spanId":"${hex(t * SPANS + i + 1, 16)}","parentSpanId":"${parent}","name":"${ops[(i + t) % ops.length]}",` +
        `"startTimeUnixNano":"${s}","endTimeUnixNano":"${e}","status":{"code":${err ? 2 : 0}${err ? `,"message":"${errors[(t + i) % errors.length]}"` : ""}}}`;
      if (!bySvc.has(svc)) bySvc.set(svc, []);
      bySvc.get(svc).push(span);
    }
    // One resourceSpans per (trace, service): what an exporter batching per request sends;
    // BENCH_LAYOUT=per-span wraps every span in its own resource (the worst case for parsing).
    const groups = LAYOUT === "per-span"
      ? [...bySvc].flatMap(([svc, list]) => list.map((sp) => [svc, [sp]]))
      : [...bySvc];
    for (const [svc, list] of groups) {
      spans.push(
        `{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"${svc}"}}]},"scopeSpans":[{"spans":[` +
        list.join(",") + "]}]}",
      );
    }
    await write((t ? "," : "") + spans.join(","));
  }
  await write("]}");
  await new Promise((r) => out.end(r));
}

let traceFile = process.env.REFRACT_BENCH_TRACES;
if (!traceFile) {
  const g0 = Date.now();
  await generate();
  console.log(`generated (${LAYOUT}) ${traces} traces / ${traces * SPANS} spans, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${Date.now() - g0} ms`);
  traceFile = file;
}
const logFile = process.env.REFRACT_BENCH_LOGS;

const require = createRequire(join(process.env.REFRACT_TOOLS, "node_modules", "x.js"));
const { chromium } = require("playwright-core");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });

// Picks `path` in a fresh page's Clusters tab; returns the page's and the worker's figures.
async function pick(path) {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(String(e)));
  try {
    await page.goto(process.env.REFRACT_APP_URL);
    await page.click("#tab-clusters");
    const t0 = Date.now();
    await page.setInputFiles("#pick-cluster", path);
    await page.locator('#clusters[data-state="done"], #clusters[data-state="failed"]').waitFor({ timeout: 600000 });
    const wall = Date.now() - t0;
    if ((await page.locator("#clusters").getAttribute("data-state")) !== "done") {
      throw new Error(`${path}: ${await page.locator("#cluster-error").textContent()}`);
    }
    const el = page.locator("#cluster-elapsed");
    const f = async (k) => parseFloat(await el.getAttribute(k));
    const r = { wall_ms: wall, logs_ms: await f("data-logs-ms"), traces_ms: await f("data-traces-ms"), finish_ms: await f("data-finish-ms") };
    if (await page.locator("#log-summary").count()) {
      r.records = parseInt(await page.locator("#log-summary").getAttribute("data-records"), 10);
      r.clusters = parseInt(await page.locator("#log-summary").getAttribute("data-clusters"), 10);
    }
    if (await page.locator("#trace-summary").count()) {
      r.summary = await page.locator("#trace-summary").textContent();
      r.error_clusters = parseInt(await page.locator("#trace-summary").getAttribute("data-clusters"), 10);
    }
    return r;
  } finally {
    await page.close();
  }
}

const best = (rs, key) => rs.reduce((a, b) => (key(b) < key(a) ? b : a));
const out = {};
try {
  if (logFile) {
    const rs = [];
    for (let i = 0; i < RUNS; i++) rs.push(await pick(logFile));
    const b = best(rs, (r) => r.logs_ms + r.finish_ms);
    const ms = b.logs_ms + b.finish_ms;
    out.logs = { ...b, mb: statSync(logFile).size / 1e6, mine_ingest_ms: ms, lines_per_s: b.records / (ms / 1000) };
    console.log(`browser logs: ${b.records} records → ${b.clusters} clusters; ingest+mining ${ms.toFixed(0)} ms in the worker ` +
      `(${Math.round(out.logs.lines_per_s)} lines/s), ${b.wall_ms} ms from picking to the drawn report (best of ${RUNS})`);
  }
  const rs = [];
  for (let i = 0; i < RUNS; i++) rs.push(await pick(traceFile));
  const b = best(rs, (r) => r.wall_ms);
  out.traces = { ...b, mb: statSync(traceFile).size / 1e6 };
  console.log(`browser traces: ${b.summary}; parse ${b.traces_ms.toFixed(0)} ms + analysis ${b.finish_ms.toFixed(0)} ms in the worker, ` +
    `${b.wall_ms} ms from picking to the drawn report (best of ${RUNS})`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`BENCH_JSON ${JSON.stringify(out)}`);
