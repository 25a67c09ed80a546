// A .zip through the file picker, and the same .zip dropped as a synthetic DataTransfer: both
// give the counts the native CLI gives for it. Cancel stops a run and keeps the inputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { APP, HOST, ARTIFACTS, check, overviewValue, withBrowser } from "./lib.mjs";

const zip = process.env.REFRACT_FIXTURE_ZIP;
const expect = JSON.parse(process.env.REFRACT_EXPECT);

await withBrowser("zip-picker", async (page) => {
  await page.goto(APP);
  await page.setInputFiles("#pick-repo", zip);
  const functions = await overviewValue(page, "functions");
  check(functions === expect.functions, `functions ${functions} != native ${expect.functions}`);
  check((await overviewValue(page, "go_files")) === expect.go_files, "go files");
});

await withBrowser("zip-subpath", async (page) => {
  // The same dist/ served under a sub-path of another origin (relative asset URLs).
  check(new URL(HOST).pathname !== "/", "HOST is a sub-path");
  await page.goto(HOST);
  await page.setInputFiles("#pick-repo", zip);
  check((await overviewValue(page, "functions")) === expect.functions, "functions from a sub-path");
});

await withBrowser("zip-drop", async (page) => {
  await page.goto(APP);
  const b64 = readFileSync(zip).toString("base64");
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], "fixture.zip", { type: "application/zip" }));
    const target = document.querySelector(".app");
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  const functions = await overviewValue(page, "functions");
  check(functions === expect.functions, `dropped: functions ${functions} != native ${expect.functions}`);
  await page.screenshot({ path: join(ARTIFACTS, "zip-drop.png"), fullPage: true });
});
