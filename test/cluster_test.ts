/**
 * Cluster mode end to end: three real platform processes on this machine sharing one real
 * PostgreSQL database (made for the test and dropped after it).
 */
import assert from "node:assert/strict";
import { eventually, Platform, serviceDoc, tempDir } from "./harness.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "./postgres_test_env.ts";

const missing = await postgresUnreachable();

async function text(res: Response | Promise<Response>) {
  return await (await res).text();
}

async function startNodes(url: string, count: number): Promise<Platform[]> {
  const nodes: Platform[] = [];
  for (let i = 1; i <= count; i++) {
    nodes.push(await Platform.start({ args: ["--database", url, "--node-name", `node-${i}`] }));
  }
  return nodes;
}

postgresTest("cluster: three nodes on one database serve what any of them was told", async (t) => {
  const db = await createTestDatabase();
  let nodes: Platform[] = [];
  try {
    nodes = await startNodes(db.url, 3);
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
        args: ["--database", db.url, "--node-name", "node-2"],
      });
      await eventually(
        "the restarted node to serve v2",
        async () => (await text(nodes[1].call("hello"))) === "v2" || undefined,
      );
    });
  } finally {
    for (const node of nodes) await node.stop().catch(() => {});
    await db.drop();
  }
}, missing);
