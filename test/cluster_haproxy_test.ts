/**
 * Cluster mode behind a real HAProxy: three real nodes on one real PostgreSQL database, steady
 * load through the load balancer, kill -9 of one node, then its restart.
 */
import assert from "node:assert/strict";
import { eventually, freePort, Platform, serviceDoc, tempDir } from "./harness.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "./postgres_test_env.ts";

const HAPROXY = Deno.env.get("HAPROXY") ?? "/usr/sbin/haproxy";
const missing = await postgresUnreachable() ??
  (await Deno.stat(HAPROXY).then(
    () => undefined,
    () => `${HAPROXY} is not installed (apt-get install haproxy)`,
  ));

/** examples/haproxy.cfg with this test's ports. */
async function haproxyConfig(lbPort: number, nodePorts: number[]): Promise<string> {
  const example = await Deno.readTextFile(new URL("../examples/haproxy.cfg", import.meta.url));
  let i = 0;
  return example
    .replace("bind 127.0.0.1:8000", `bind 127.0.0.1:${lbPort}`)
    .replace(
      /server node-(\d) 127\.0\.0\.1:\d+ check/g,
      (_m, n) => `server node-${n} 127.0.0.1:${nodePorts[i++]} check`,
    );
}

postgresTest(
  "cluster behind HAProxy: kill -9 of a node fails at most its in-flight requests; it rejoins",
  async () => {
    const db = await createTestDatabase();
    const lbPort = freePort();
    const nodes: Platform[] = [];
    let haproxy: Deno.ChildProcess | undefined;
    const dir = await tempDir();
    try {
      for (let i = 1; i <= 3; i++) {
        nodes.push(
          await Platform.start({
            args: ["--database", db.url, "--node-name", `node-${i}`, "--public-port", String(lbPort)],
          }),
        );
      }
      await Deno.writeTextFile(`${dir}/haproxy.cfg`, await haproxyConfig(lbPort, nodes.map((n) => n.port)));
      haproxy = new Deno.Command(HAPROXY, {
        args: ["-db", "-f", `${dir}/haproxy.cfg`],
        stdout: "null",
        stderr: "piped",
      })
        .spawn();
      const fn = await tempDir();
      await Deno.writeTextFile(`${fn}/main.ts`, `export default { fetch: () => new Response("up") };`);
      await nodes[0].putService(serviceDoc("hello", await nodes[0].uploadBundle(fn)));
      await nodes[0].settled("hello");
      const viaLb = () => fetch(`http://127.0.0.1:${lbPort}/function/hello/`);
      // Warm every node through the balancer.
      await eventually("answers through HAProxy", async () => {
        for (let i = 0; i < 6; i++) {
          const r = await viaLb();
          if ((await r.text()) !== "up") return undefined;
        }
        return true;
      }, 30_000);

      const WORKERS = 4;
      let killedAt = Infinity;
      let stop = false;
      const failures: { at: number; started: number; what: string }[] = [];
      let total = 0;
      const worker = async () => {
        while (!stop) {
          const started = performance.now();
          try {
            const r = await viaLb();
            const body = await r.text();
            if (r.status !== 200 || body !== "up") throw new Error(`${r.status} ${body.slice(0, 80)}`);
          } catch (err) {
            failures.push({ at: performance.now(), started, what: String(err) });
          }
          total++;
        }
      };
      const load = Array.from({ length: WORKERS }, worker);
      await new Promise((r) => setTimeout(r, 2_000));
      killedAt = performance.now();
      await nodes[1].kill();
      await new Promise((r) => setTimeout(r, 6_000));
      stop = true;
      await Promise.all(load);
      const inFlight = failures.filter((f) => f.started <= killedAt);
      const later = failures.filter((f) => f.started > killedAt);
      console.log(
        `${total} requests through HAProxy, ${failures.length} failed (${inFlight.length} in flight at the kill, ` +
          `${later.length} started after it)${failures.length ? `: ${failures[0].what}` : ""}`,
      );
      assert.ok(inFlight.length <= WORKERS, `${inFlight.length} in-flight failures with ${WORKERS} workers`);
      assert.equal(later.length, 0, `requests after the kill failed: ${later.map((f) => f.what).join("; ")}`);

      nodes[1] = await Platform.start({
        state: nodes[1].state,
        args: ["--database", db.url, "--node-name", "node-2", "--public-port", String(lbPort)],
      });
      // The restarted node listens on a new port; HAProxy's configuration names the old one, so
      // point it at the new port by a reload, as an operator's configuration management would.
      haproxy.kill("SIGTERM");
      await haproxy.status;
      await Deno.writeTextFile(`${dir}/haproxy.cfg`, await haproxyConfig(lbPort, nodes.map((n) => n.port)));
      haproxy = new Deno.Command(HAPROXY, {
        args: ["-db", "-f", `${dir}/haproxy.cfg`],
        stdout: "null",
        stderr: "piped",
      })
        .spawn();
      assert.equal(await (await fetch(`http://127.0.0.1:${nodes[1].port}/healthz`)).text(), "ok");
      await eventually("the restarted node to answer its share", async () => {
        for (let i = 0; i < 9; i++) if ((await (await viaLb()).text()) !== "up") return undefined;
        return true;
      }, 30_000);
      assert.equal(await (await nodes[1].call("hello")).text(), "up");
    } finally {
      try {
        haproxy?.kill("SIGTERM");
        await haproxy?.status;
      } catch { /* gone */ }
      for (const node of nodes) await node.stop().catch(() => {});
      await db.drop();
    }
  },
  missing,
);
