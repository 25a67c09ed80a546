// The copy-paste snippet of docs/embedding.md, wired to the example page.
const params = new URLSearchParams(location.search);
const appUrl = new URL(params.get("app") || "./", location.href);
const appOrigin = appUrl.origin;
const frame = document.getElementById("refract");
frame.src = new URL("?embed=1", appUrl).href;
const out = document.getElementById("log");
const say = (s) => { out.textContent += s + "\n"; };

function whenReady(win) {
  return new Promise((resolve) => {
    const timer = setInterval(() => win.postMessage("PING", appOrigin), 200);
    addEventListener("message", function pong(e) {
      if (e.source === win && e.data === "PONG") {
        clearInterval(timer);
        removeEventListener("message", pong);
        resolve();
      }
    });
  });
}

addEventListener("message", (e) => {
  if (e.source !== frame.contentWindow || typeof e.data !== "object" || !e.data) return;
  const m = e.data;
  if (m.type === "refract:progress") say(`progress ${m.stage} ${m.done}/${m.total}`);
  if (m.type === "refract:error") say(`error: ${m.message}`);
  if (m.type === "refract:result") {
    window.refractResults = m.results;
    say(`result: ${JSON.stringify(m.results, null, 1)}`);
  }
});

async function run() {
  await whenReady(frame.contentWindow);
  say("PONG received");
  const repo = await (await fetch("demo/repo.tar.gz")).arrayBuffer();
  const logs = params.get("log") || (await (await fetch("demo/logs.txt")).text()).split("\n")[0];
  frame.contentWindow.postMessage({ type: "refract:load", repo, logs }, appOrigin, [repo]);
}
document.getElementById("run").addEventListener("click", run);
if (params.get("auto") === "1") frame.addEventListener("load", run, { once: true });
