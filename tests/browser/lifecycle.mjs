// Stopping an analysis: Cancel terminates the workers busy with it and keeps the inputs; a worker
// that dies mid-analysis (an uncaught error raised inside the real coordinator worker through the
// DevTools protocol: the event a wasm trap such as running out of memory produces) is reported
// to the user, and the inputs stay for Retry. The input is a generated Go repository large enough
// that the analysis is still parsing when the test acts.
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { APP, ARTIFACTS, check, tmp, withBrowser } from "./lib.mjs";

const FILES = 240;
const FUNCS = 60;
const LOG = 'E1121 10:46:32.442162 1 main.go:12] "sync failed" err="pkg7: step 3 of f7_3: disk full"';

// A .tar.gz of FILES Go files in FILES/10 packages, each with FUNCS wrapping functions.
function bigRepo() {
  const blocks = [];
  const entry = (name, text) => {
    const body = Buffer.from(text);
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(body.length.toString(8).padStart(11, "0") + "\0", 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write("0", 156);
    h.write("ustar\0" + "00", 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  };
  entry("big/go.mod", "module example.com/big\n\ngo 1.21\n");
  for (let f = 0; f < FILES; f++) {
    const pkg = `pkg${f % (FILES / 10)}`;
    let src = `package ${pkg}\n\nimport (\n\t"errors"\n\t"fmt"\n)\n\n`;
    for (let i = 0; i < FUNCS; i++) {
      const fn = `f${f}_${i}`;
      const next = i + 1 < FUNCS ? `f${f}_${i + 1}(n + 1)` : `errors.New("disk full")`;
      src += `// ${fn} wraps the next step.\nfunc ${fn}(n int) error {\n\tif n > 1000 {\n\t\treturn nil\n\t}\n` +
        `\tif err := ${i + 1 < FUNCS ? next : "error(nil)"}; err != nil {\n\t\treturn fmt.Errorf("${pkg}: step %d of ${fn}: %w", n, err)\n\t}\n` +
        `\treturn ${i + 1 < FUNCS ? "nil" : next}\n}\n\n`;
    }
    entry(`big/${pkg}/file${f}.go`, src);
  }
  blocks.push(Buffer.alloc(1024));
  const path = join(tmp(), "big.tar.gz");
  writeFileSync(path, gzipSync(Buffer.concat(blocks)));
  return path;
}

const repo = bigRepo();

async function startBig(page) {
  await page.goto(APP);
  // As a user would: the worker pool the page starts when idle is up before the pick.
  await page.waitForFunction(() => {
    const marks = (p) => performance.getEntriesByType("mark").filter((m) => m.name.startsWith(p)).length;
    return marks("refract:spawn:") > 0 && marks("refract:ready:") >= marks("refract:spawn:");
  }, null, { timeout: 60000 });
  await page.click("#tab-explain");
  await page.fill("#logs", LOG);
  await page.click("#tab-overview");
  await page.setInputFiles("#pick-repo", repo);
  await page.locator("#cancel").waitFor({ timeout: 30000 });
}

// The worker named `refract-coordinator-*` that the page is using now (the only one: the spare
// for the next analysis is started only once this one is over).
async function coordinator(page) {
  for (let i = 0; i < 100; i++) {
    for (const w of page.workers()) {
      const name = await w.evaluate(() => self.name).catch(() => "");
      if (name.startsWith("refract-coordinator-")) return w;
    }
    await page.waitForTimeout(50);
  }
  throw new Error("no coordinator worker found");
}

async function inputsKept(page) {
  await page.click("#tab-explain");
  check((await page.inputValue("#logs")) === LOG, "the log line is still in the log box");
  await page.click("#tab-overview");
  check((await page.locator(".repo b").textContent()) === "big.tar.gz", "the repository name is still shown");
}

await withBrowser("cancel", async (page) => {
  await startBig(page);
  const worker = await coordinator(page);
  const closed = new Promise((resolve) => worker.once("close", resolve));
  await page.click("#cancel");
  await page.getByText("Cancelled. Your inputs are kept.").waitFor({ timeout: 10000 });
  // Cancel really stopped the work: the coordinator was terminated.
  await Promise.race([closed, page.waitForTimeout(10000).then(() => { throw new Error("coordinator not terminated"); })]);
  const parse = await page.locator('.stage[data-stage="parse"] .count').textContent();
  await page.waitForTimeout(1500);
  check((await page.locator('.stage[data-stage="parse"] .count').textContent()) === parse, "no progress after Cancel");
  check((await page.locator('#overview dd[data-k="functions"]').count()) === 0, "no overview after Cancel");
  await inputsKept(page);
  await page.screenshot({ path: join(ARTIFACTS, "cancelled.png"), fullPage: true });
  // The kept input analyses again, to the end.
  await page.getByRole("button", { name: "Analyse again" }).click();
  const goFiles = page.locator('#overview dd[data-k="go_files"]');
  await goFiles.waitFor({ timeout: 120000 });
  check(parseInt(await goFiles.textContent(), 10) === FILES, "every Go file analysed after Cancel");
});

await withBrowser("worker-dies", async (page) => {
  await startBig(page);
  const worker = await coordinator(page);
  // Raised in a task of the worker itself, so it is uncaught there and reaches the page as the
  // worker's `error` event, exactly like a wasm trap (Rust aborts with `unreachable` when an
  // allocation fails).
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded (raised by the test)");
    }, 0);
  });
  const alert = page.locator("#error");
  await alert.waitFor({ timeout: 30000 });
  const text = await alert.textContent();
  check(/analysis worker stopped/.test(text), `says which worker stopped: ${text}`);
  check(/Maximum memory size exceeded/.test(text), `says why: ${text}`);
  check(/inputs are kept/.test(text), `says the inputs are kept: ${text}`);
  check((await page.locator('#overview dd[data-k="functions"]').count()) === 0, "no overview from a dead worker");
  await inputsKept(page);
  await page.screenshot({ path: join(ARTIFACTS, "worker-died.png"), fullPage: true });
  // Retry uses the kept input and a fresh worker.
  await page.getByRole("button", { name: "Retry" }).click();
  const goFiles = page.locator('#overview dd[data-k="go_files"]');
  await goFiles.waitFor({ timeout: 120000 });
  check(parseInt(await goFiles.textContent(), 10) === FILES, "every Go file analysed on Retry");
});
