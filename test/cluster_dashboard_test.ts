/** Cluster mode on the dashboard (real Chromium): the Nodes panel lists every node and its state. */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { eventually, freePort, Platform } from "./harness.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "./postgres_test_env.ts";

const CHROMIUM = "/usr/bin/chromium";
const missing = await postgresUnreachable() ??
  (await Deno.stat(CHROMIUM).then(() => undefined, () => `${CHROMIUM} is not installed`));

postgresTest(
  "cluster dashboard: the Nodes panel shows both nodes Ready, then one NotReady after kill -9",
  async () => {
    const db = await createTestDatabase();
    const lbPort = freePort();
    const nodes: Platform[] = [];
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    });
    try {
      for (let i = 1; i <= 2; i++) {
        nodes.push(
          await Platform.start({
            args: ["--database", db.url, "--node-name", `node-${i}`, "--public-port", String(lbPort)],
          }),
        );
      }
      const link = nodes[0].logs.match(/Dashboard: (\S+)/)?.[1];
      assert.ok(link, nodes[0].logs);
      const page = await browser.newPage();
      await page.goto(link);
      const nodesText = () => page.textContent("#nodes").then((t) => t ?? "");
      await eventually(
        "both nodes Ready on the page",
        async () =>
          /node-1.*127\.0\.0\.1:\d+Ready.*node-2.*127\.0\.0\.1:\d+Ready/s.test(await nodesText()) ||
          undefined,
      );
      await nodes[1].kill();
      await eventually(
        "node-2 NotReady on the page",
        async () => /node-2127\.0\.0\.1:\d+NotReady/.test(await nodesText()) || undefined,
        30_000,
        250,
      );
    } finally {
      await browser.close();
      for (const node of nodes) await node.stop().catch(() => {});
      await db.drop();
    }
  },
  missing,
);
