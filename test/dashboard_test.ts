/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): the link `deno task serve`
 * prints logs it in, and it shows the Services, Revisions and eventing objects with their state.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { EXAMPLES, Platform } from "./harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const available = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
const inCi = Deno.env.get("CI") === "true";
if (!available && !inCi) console.warn(`skipping the dashboard test: ${CHROMIUM} is not installed`);

Deno.test({
  name: "dashboard: the printed link logs in and the page lists services, revisions and brokers",
  ignore: !available && !inCi,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    if (!available) throw new Error(`CI=true requires Chromium at ${CHROMIUM}`);
    const platform = await Platform.start({ functions: { hello: `${EXAMPLES}/hello` } });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    });
    try {
      await platform.adminJson("/apis/eventing.knative.dev/v1/namespaces/default/brokers/default", {
        method: "PUT",
        body: JSON.stringify({
          apiVersion: "eventing.knative.dev/v1",
          kind: "Broker",
          metadata: { name: "default" },
        }),
        headers: { "content-type": "application/json" },
      });
      const link = platform.logs.match(/Dashboard: (\S+)/)?.[1];
      assert.ok(link, `deno task serve printed no dashboard link:\n${platform.logs}`);
      const page = await browser.newPage();
      await page.goto(link);
      await page.waitForSelector("#services tbody tr", { timeout: 10_000 });
      await page.waitForSelector("#eventing tbody tr", { timeout: 10_000 });
      assert.match(await page.textContent("#services") ?? "", /default\/hello.*hello-00001.*True/s);
      assert.match(await page.textContent("#revisions") ?? "", /hello-00001/);
      assert.match(
        await page.textContent("#eventing") ?? "",
        /Broker.*default\/default.*\/broker\/default\/default/s,
      );
      // The token left the address bar: a copied URL does not carry it.
      assert.doesNotMatch(page.url(), /token/);
      await page.screenshot({ path: "/tmp/denative-dashboard.png" });
    } finally {
      await browser.close();
      await platform.stop();
    }
  },
});
