/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): the link `deno task serve`
 * prints logs it in, and it shows the Services, Revisions and eventing objects with their state.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { eventually, EXAMPLES, Platform, runDn, tempDir } from "./harness.ts";

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

Deno.test({
  name:
    "dashboard: charts rise under load, the split is edited through the page, logs open, no console error",
  ignore: !available && !inCi,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    if (!available) throw new Error(`CI=true requires Chromium at ${CHROMIUM}`);
    const platform = await Platform.start({ functions: { hello: `${EXAMPLES}/hello` } });
    const shots = await tempDir("denative-dashboard-shots-");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    });
    let loading = true;
    const load = (async () => {
      // Bounded load: a few requests at a time until the test has seen what it needs.
      while (loading) {
        await Promise.all([1, 2, 3].map(async () => (await platform.call("hello")).body?.cancel()));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await platform.settled("hello");
      const update = await runDn(platform, ["service", "update", "hello", "--env", "GREETING=two"]);
      assert.equal(update.code, 0, update.stderr);
      await eventually("hello-00002 to take the traffic", async () => {
        const svc = await platform.service("hello");
        return svc.status?.latestReadyRevisionName === "hello-00002" ? true : undefined;
      });
      const link = platform.logs.match(/Dashboard: (\S+)/)?.[1];
      assert.ok(link);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const problems: string[] = [];
      page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
      page.on("pageerror", (e) => problems.push(String(e)));
      await page.goto(link);
      await page.waitForSelector("#services tbody tr .split", { timeout: 15_000 });

      // A chart's line rises while the load runs: the selected revision's 2xx requests/s.
      await page.selectOption("#rev-select", "default/hello-00002");
      await page.waitForFunction(
        () => {
          // deno-lint-ignore no-explicit-any
          const chart = (globalThis as any).denative?.charts?.rps;
          const ys: (number | null)[] = chart?.data?.[1] ?? [];
          return ys.some((y) => (y ?? 0) > 0);
        },
        undefined,
        { timeout: 30_000 },
      );

      // Change the split through the page: 30% to hello-00001, 70% to hello-00002.
      await page.click("button.edit-split[data-svc='default/hello']");
      await page.fill("input[name=pct][data-rev='hello-00001']", "30");
      await page.fill("input[name=pct][data-rev='hello-00002']", "70");
      await page.click(".split-editor button[type=submit]");
      const traffic = await eventually("the route to follow the new split", async () => {
        const route = await platform.adminJson<
          { status?: { traffic?: { revisionName: string; percent: number }[] } }
        >(
          "/apis/serving.knative.dev/v1/namespaces/default/routes/hello",
        );
        const t = route.status?.traffic ?? [];
        const pct = (rev: string) => t.find((x) => x.revisionName === rev)?.percent;
        return pct("hello-00001") === 30 && pct("hello-00002") === 70 ? t : undefined;
      });
      assert.equal(traffic.length, 2);

      // A revision's logs open (its access lines, from the load).
      await page.click("button.open-logs[data-rev='default/hello-00002']");
      await page.waitForSelector("#log-lines .log.access", { state: "attached", timeout: 15_000 });
      assert.match(await page.textContent("#log-lines") ?? "", /hello-00002\/\d+ ACCESS GET \/ 200/);

      await page.screenshot({ path: `${shots}/dashboard-desktop.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${shots}/dashboard-phone.png`, fullPage: true });
      assert.ok(Deno.statSync(`${shots}/dashboard-desktop.png`).size > 0);
      assert.ok(Deno.statSync(`${shots}/dashboard-phone.png`).size > 0);
      // To refresh docs/dashboard.png: DENATIVE_DASHBOARD_SHOTS=DIR keeps copies of both screenshots.
      const keep = Deno.env.get("DENATIVE_DASHBOARD_SHOTS");
      if (keep) {
        await Deno.copyFile(`${shots}/dashboard-desktop.png`, `${keep}/dashboard.png`);
        await Deno.copyFile(`${shots}/dashboard-phone.png`, `${keep}/dashboard-phone.png`);
      }
      assert.deepEqual(problems, [], "no console error");
    } finally {
      loading = false;
      await load;
      await browser.close();
      await platform.stop();
    }
  },
});
