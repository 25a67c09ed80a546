// The `origins=` allowlist of the postMessage API: a host page whose origin is not listed gets no
// answer (no PONG, no progress, no analysis of what it sends), while the same host listed is
// answered. And `repo=<url>` of a zip on another localhost origin loads when that server allows
// the page by CORS, and fails visibly when it does not.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { APP, HOST, check, overviewValue, withBrowser } from "./lib.mjs";

const zip = readFileSync(process.env.REFRACT_FIXTURE_ZIP);
const expect = JSON.parse(process.env.REFRACT_EXPECT);
const appOrigin = new URL(APP).origin;
const hostOrigin = new URL(HOST).origin;
check(appOrigin !== hostOrigin, "host and app must be different origins");

// Frames the app with `origins` on the host page and waits until the app inside is mounted.
async function frameApp(page, origins) {
  const src = `${APP}?embed=1&origins=${encodeURIComponent(origins)}`;
  await page.evaluate((src) => {
    const f = document.createElement("iframe");
    f.id = "under-test";
    f.src = src;
    f.style.width = "900px";
    f.style.height = "600px";
    document.body.append(f);
  }, src);
  let frame = null;
  for (let i = 0; i < 200 && !frame; i++) {
    frame = page.frames().find((f) => f.url() === src) ?? null;
    if (!frame) await page.waitForTimeout(50);
  }
  check(frame, "the app frame exists");
  await frame.locator("#demo").waitFor({ timeout: 30000 });
  return frame;
}

// PINGs the framed app and sends it a load with the demo repository for `ms`; returns every
// message type the frame posted back (stops early at a result or error when `untilDone`).
function talk(page, ms, untilDone) {
  return page.evaluate(async ({ appOrigin, ms, untilDone }) => {
    const f = document.getElementById("under-test");
    const repo = await (await fetch("demo/repo.tar.gz")).arrayBuffer();
    const logs = (await (await fetch("demo/logs.txt")).text()).split("\n")[0];
    const got = [];
    return await new Promise((resolve) => {
      let loadSent = false;
      const finish = () => { clearInterval(timer); removeEventListener("message", on); resolve(got); };
      const on = (e) => {
        if (e.source !== f.contentWindow) return;
        const type = typeof e.data === "string" ? e.data : e.data?.type;
        got.push(type);
        if (untilDone && (type === "refract:result" || type === "refract:error")) finish();
      };
      addEventListener("message", on);
      const timer = setInterval(() => {
        f.contentWindow.postMessage("PING", appOrigin);
        if (!loadSent) {
          loadSent = true;
          f.contentWindow.postMessage({ type: "refract:load", repo: repo.slice(0), logs }, appOrigin);
        }
      }, 100);
      setTimeout(finish, ms);
    });
  }, { appOrigin, ms, untilDone });
}

await withBrowser("embed-origins", async (page) => {
  // Any page of the host origin will do as the host.
  await page.goto(`${HOST}embed-example.html?app=${encodeURIComponent(APP)}`);

  // Not listed: silence, and nothing is analysed.
  const denied = await frameApp(page, "http://not-the-host.example");
  const silent = await talk(page, 3000, false);
  check(silent.length === 0, `a host that is not listed was answered: ${silent.join(", ")}`);
  check((await denied.locator(".progress .repo b").count()) === 0, "a load from a host that is not listed started an analysis");
  await page.evaluate(() => document.getElementById("under-test").remove());

  // Listed (among others): answered, and the load runs to a result.
  const allowed = await frameApp(page, `http://not-the-host.example, ${hostOrigin}`);
  const answered = await talk(page, 60000, true);
  check(answered.includes("PONG"), `the listed host got no PONG: ${answered.join(", ")}`);
  check(answered.includes("refract:result"), `the listed host got no result: ${answered.join(", ")}`);
  check((await allowed.locator(".progress .repo b").count()) === 1, "the listed host's load was analysed");
});

// A server on another localhost origin; `cors` decides whether it allows other origins to read.
async function zipServer(cors) {
  const server = createServer((req, res) => {
    const headers = { "Content-Type": "application/zip", "Content-Length": zip.length };
    if (cors) headers["Access-Control-Allow-Origin"] = "*";
    res.writeHead(req.url.startsWith("/fixture.zip") ? 200 : 404, headers);
    res.end(req.url.startsWith("/fixture.zip") ? zip : undefined);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}/fixture.zip` };
}

await withBrowser("repo-url-cors", async (page) => {
  const { server, url } = await zipServer(true);
  try {
    check(new URL(url).origin !== appOrigin, "the zip is on another origin");
    await page.goto(`${APP}?repo=${encodeURIComponent(url)}`);
    const functions = await overviewValue(page, "functions");
    check(functions === expect.functions, `repo= over CORS: functions ${functions} != native ${expect.functions}`);
  } finally {
    server.close();
  }
});

await withBrowser("repo-url-no-cors", async (page, { errors }) => {
  const { server, url } = await zipServer(false);
  try {
    await page.goto(`${APP}?repo=${encodeURIComponent(url)}`);
    const note = page.locator(".notes li").first();
    await note.waitFor({ timeout: 30000 });
    check((await note.textContent()).includes(url), "the note names the URL that could not be fetched");
    check((await page.locator('#overview dd[data-k="functions"]').count()) === 0, "no overview without CORS");
    errors.length = 0; // the browser logs the CORS refusal
  } finally {
    server.close();
  }
});
