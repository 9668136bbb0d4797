/**
 * Cluster mode end to end: three real platform processes on this machine sharing one real
 * PostgreSQL database (made for the test and dropped after it).
 */
import assert from "node:assert/strict";
import { eventually, EXAMPLES, freePort, Platform, serviceDoc, tempDir } from "./harness.ts";
import postgres from "postgres";
import { createTestDatabase, postgresTest, postgresUnreachable } from "./postgres_test_env.ts";

const missing = await postgresUnreachable();

async function text(res: Response | Promise<Response>) {
  return await (await res).text();
}

/** Flags of a cluster node; every node names the load balancer's port in Service URLs. */
function clusterArgs(url: string, name: string, publicPort: number): string[] {
  return ["--database", url, "--node-name", name, "--public-port", String(publicPort)];
}

async function startNodes(url: string, count: number, publicPort: number): Promise<Platform[]> {
  const nodes: Platform[] = [];
  for (let i = 1; i <= count; i++) {
    nodes.push(await Platform.start({ args: clusterArgs(url, `node-${i}`, publicPort) }));
  }
  return nodes;
}

postgresTest("cluster: three nodes on one database serve what any of them was told", async (t) => {
  const db = await createTestDatabase();
  let nodes: Platform[] = [];
  try {
    const lbPort = freePort();
    nodes = await startNodes(db.url, 3, lbPort);
    const [one, two, three] = nodes;

    await t.step("every node has the same admin token and CA, so one kubeconfig fits all", async () => {
      assert.equal(two.token, one.token);
      assert.equal(three.token, one.token);
      const ca = (p: Platform) => Deno.readTextFileSync(`${p.state}/tls/ca.crt`);
      assert.equal(ca(two), ca(one));
      assert.equal(ca(three), ca(one));
      const res = await fetch(`https://127.0.0.1:${three.apiPort}/version`, {
        client: Deno.createHttpClient({ caCerts: [ca(one)] }),
        headers: { authorization: `Bearer ${one.token}` },
      });
      await res.body?.cancel();
      assert.equal(res.status, 200);
    });

    await t.step(
      "a Service applied through node 1 answers on nodes 2 and 3, whose disks lacked its code",
      async () => {
        const dir = await tempDir();
        await Deno.writeTextFile(`${dir}/main.ts`, `export default { fetch: () => new Response("v1") };`);
        const image = await one.uploadBundle(dir);
        const sent = performance.now();
        await one.putService(serviceDoc("hello", image));
        const took: number[] = [];
        for (const node of [two, three]) {
          await eventually(
            "the service to answer",
            async () => (await text(node.call("hello"))) === "v1" || undefined,
          );
          took.push(Math.round(performance.now() - sent));
        }
        console.log(`applied on node 1, answered on node 2 after ${took[0]} ms, node 3 after ${took[1]} ms`);
        const digest = image.slice(image.lastIndexOf(":") + 1);
        for (const node of [two, three]) {
          assert.ok(Deno.statSync(`${node.state}/bundles/${digest}/main.ts`).isFile);
        }
        assert.equal(await text(one.call("hello")), "v1");
      },
    );

    await t.step("a traffic change through node 3 is followed by every node", async () => {
      const dir = await tempDir();
      await Deno.writeTextFile(`${dir}/main.ts`, `export default { fetch: () => new Response("v2") };`);
      await three.putService(serviceDoc("hello", await three.uploadBundle(dir)));
      await three.settled("hello");
      for (const node of nodes) {
        await eventually("v2 everywhere", async () => (await text(node.call("hello"))) === "v2" || undefined);
      }
      const svc = await three.service("hello");
      await three.putService({
        ...svc,
        spec: { ...svc.spec, traffic: [{ revisionName: "hello-00001", percent: 100 }] },
      });
      for (const node of nodes) {
        await eventually("traffic back on hello-00001", async () => {
          for (let i = 0; i < 5; i++) if ((await text(node.call("hello"))) !== "v1") return undefined;
          return true;
        });
      }
      const revisions = await one.adminJson<{ items: { metadata: { name: string } }[] }>(
        "/apis/serving.knative.dev/v1/namespaces/default/revisions",
      );
      assert.deepEqual(revisions.items.map((r) => r.metadata.name).sort(), ["hello-00001", "hello-00002"]);
      // Nodes agree on every status they write, so an idle cluster writes (almost) nothing.
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      const count = async () => Number((await sql`SELECT count(*) AS n FROM changes`)[0].n);
      const before = await count();
      await new Promise((r) => setTimeout(r, 3_000));
      const idleWrites = (await count()) - before;
      await sql.end();
      console.log(`resource writes in 3 s of idle cluster: ${idleWrites}`);
      assert.ok(idleWrites < 10, `${idleWrites} writes while idle: nodes overwrite each other's status`);
    });

    await t.step("a node restarted on its state catches up with changes made while it was down", async () => {
      await two.kill();
      const svc = await one.service("hello");
      await one.putService({
        ...svc,
        spec: { ...svc.spec, traffic: [{ revisionName: "hello-00002", percent: 100 }] },
      });
      nodes[1] = await Platform.start({
        state: two.state,
        args: clusterArgs(db.url, "node-2", lbPort),
      });
      await eventually(
        "the restarted node to serve v2",
        async () => (await text(nodes[1].call("hello"))) === "v2" || undefined,
      );
    });

    await t.step(
      "kubectl get nodes lists the three nodes; a killed one turns NotReady, and back on restart",
      async () => {
        const kubectl = async (args: string[]) => {
          const out = await new Deno.Command(Deno.env.get("KUBECTL") ?? "kubectl", {
            args,
            env: { KUBECONFIG: nodes[0].kubeconfig },
            stdout: "piped",
            stderr: "piped",
          }).output();
          const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
          assert.equal(out.code, 0, text);
          return text;
        };
        const statusOf = (table: string, name: string) =>
          table.split("\n").find((l) => l.startsWith(`${name} `))?.trim().split(/\s+/)[1];
        const all = await kubectl(["get", "nodes"]);
        assert.match(all, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
        for (const name of ["node-1", "node-2", "node-3"]) assert.equal(statusOf(all, name), "Ready", all);

        const killedAt = performance.now();
        await nodes[2].kill();
        const after = await eventually(
          "node-3 to be NotReady",
          async () => {
            const table = await kubectl(["get", "nodes"]);
            return statusOf(table, "node-3") === "NotReady" ? table : undefined;
          },
          30_000,
          250,
        );
        console.log(`node-3 NotReady ${Math.round(performance.now() - killedAt)} ms after kill -9`);
        assert.equal(statusOf(after, "node-1"), "Ready", after);
        assert.equal(statusOf(after, "node-2"), "Ready", after);

        const cli = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--allow-all",
            new URL("../platform/cli/main.ts", import.meta.url).pathname,
            "node",
            "list",
          ],
          env: { DENATIVE_ADMIN: `http://127.0.0.1:${nodes[0].adminPort}`, DENATIVE_TOKEN: nodes[0].token },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const listed = new TextDecoder().decode(cli.stdout);
        assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
        assert.match(listed, /node-3\s+NotReady\s+127\.0\.0\.1:\d+/);
        assert.match(listed, /node-1\s+Ready/);

        nodes[2] = await Platform.start({
          state: nodes[2].state,
          args: clusterArgs(db.url, "node-3", lbPort),
        });
        await eventually(
          "node-3 Ready again",
          async () => statusOf(await kubectl(["get", "nodes"]), "node-3") === "Ready" || undefined,
        );
        assert.equal(await text(nodes[2].call("hello")), "v2");
      },
    );

    await t.step(
      "/healthz on the data port answers 200 without a token, 503 while the node drains",
      async () => {
        const res = await fetch(`http://127.0.0.1:${nodes[0].port}/healthz`);
        assert.equal(res.status, 200);
        assert.equal(await res.text(), "ok");
        const draining = nodes[0];
        const stopped = draining.stop();
        const seen = await eventually(
          "a 503 from /healthz",
          async () => {
            const r = await fetch(`http://127.0.0.1:${draining.port}/healthz`);
            await r.body?.cancel();
            return r.status === 503 ? r.status : undefined;
          },
          10_000,
          50,
        );
        assert.equal(seen, 503);
        await stopped;
        nodes = nodes.slice(1);
      },
    );
  } finally {
    for (const node of nodes) await node.stop().catch(() => {});
    await db.drop();
  }
}, missing);

postgresTest("cluster: the same --functions directory on three nodes deploys one revision", async () => {
  const db = await createTestDatabase();
  const lbPort = freePort();
  const nodes: Platform[] = [];
  try {
    // Started together, so their deploys race.
    nodes.push(
      ...await Promise.all([1, 2, 3].map((i) =>
        Platform.start({
          functions: { hello: `${EXAMPLES}/hello` },
          args: clusterArgs(db.url, `node-${i}`, lbPort),
        })
      )),
    );
    const revisions = await nodes[2].adminJson<{ items: { metadata: { name: string } }[] }>(
      "/apis/serving.knative.dev/v1/namespaces/default/revisions",
    );
    assert.deepEqual(revisions.items.map((r) => r.metadata.name), ["hello-00001"]);
    for (const node of nodes) assert.match(await text(node.call("hello")), /hello-00001/);
  } finally {
    for (const node of nodes) await node.stop().catch(() => {});
    await db.drop();
  }
}, missing);
