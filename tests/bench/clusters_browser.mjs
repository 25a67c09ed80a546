// Benchmark (not a test): N traces of OTLP JSON (default 100k traces × 10 spans = 1 M spans,
// seeded, 8 services, one resourceSpans per trace and service, ~20 % error traces with chains up to the root, some broken traces) are
// picked in the Clusters tab of the built app in headless Chromium; prints the time from picking
// the file to the drawn report, and the worker's own time ("clustered in … ms").
// Usage: serve dist/ (e.g. `cargo xtask serve`), then
//   REFRACT_APP_URL=http://127.0.0.1:PORT/ REFRACT_TOOLS=$PWD/.tools node tests/bench/clusters_browser.mjs [traces]
import { createRequire } from "node:module";
import { createWriteStream, statSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const traces = parseInt(process.argv[2] ?? "100000", 10);
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

const g0 = Date.now();
await generate();
const bytes = statSync(file).size;
console.log(`generated (${LAYOUT}) ${traces} traces / ${traces * SPANS} spans, ${(bytes / 1e6).toFixed(0)} MB in ${Date.now() - g0} ms`);

const require = createRequire(join(process.env.REFRACT_TOOLS, "node_modules", "x.js"));
const { chromium } = require("playwright-core");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
page.on("pageerror", (e) => console.error(String(e)));
await page.goto(process.env.REFRACT_APP_URL);
await page.click("#tab-clusters");
const t0 = Date.now();
await page.setInputFiles("#pick-cluster", file);
await page.locator('#clusters[data-state="done"], #clusters[data-state="failed"]').waitFor({ timeout: 600000 });
const wall = Date.now() - t0;
const state = await page.locator("#clusters").getAttribute("data-state");
if (state !== "done") {
  console.error(`FAILED: ${await page.locator("#cluster-error").textContent()}`);
  process.exit(1);
}
const worker = await page.locator("#cluster-elapsed").textContent();
const summary = await page.locator("#trace-summary").textContent();
const broken = await page.locator('#broken dd[data-k="traces_with_orphans"]').textContent();
console.log(`${summary}; traces with orphans ${broken}`);
console.log(`browser: ${wall} ms from picking the file to the drawn report (${worker})`);
await browser.close();
