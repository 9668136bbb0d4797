/**
 * Cluster mode: the default Broker with three ingresses, 2,000 events, one node killed midway and
 * restarted; every accepted event is delivered at least once (duplicates counted). Each node keeps
 * the log of the events its ingress accepted (see README, "Cluster mode").
 */
import assert from "node:assert/strict";
import { eventually, freePort, Platform } from "./harness.ts";
import { Sink } from "./event_sink.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "./postgres_test_env.ts";

const missing = await postgresUnreachable();
const EVENTS = 2_000;
const SENDERS = 8;

postgresTest(
  "cluster: 2,000 events over three broker ingresses, one node killed midway: all delivered",
  async () => {
    const db = await createTestDatabase();
    const sink = new Sink();
    const lbPort = freePort();
    const nodes: Platform[] = [];
    const args = (
      i: number,
    ) => ["--database", db.url, "--node-name", `node-${i}`, "--public-port", String(lbPort)];
    try {
      for (let i = 1; i <= 3; i++) nodes.push(await Platform.start({ args: args(i) }));
      const put = async (path: string, doc: unknown) => {
        const res = await nodes[0].admin(path, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(doc),
        });
        assert.ok(res.ok, await res.text());
      };
      const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";
      await put(`${EVENTING}/brokers/default`, {
        apiVersion: "eventing.knative.dev/v1",
        kind: "Broker",
        metadata: { name: "default" },
      });
      await put(`${EVENTING}/triggers/all`, {
        apiVersion: "eventing.knative.dev/v1",
        kind: "Trigger",
        metadata: { name: "all" },
        spec: { broker: "default", subscriber: { uri: sink.url("/all") } },
      });
      // Every node's broker ingress takes events once it has seen the Broker and Trigger.
      for (const node of nodes) {
        await eventually("the trigger on every node", async () => {
          const res = await fetch(`http://127.0.0.1:${node.port}/broker/default/default`, {
            method: "POST",
            headers: {
              "ce-specversion": "1.0",
              "ce-id": `probe-${node.port}`,
              "ce-source": "/t",
              "ce-type": "probe",
            },
            body: "",
          });
          await res.body?.cancel();
          return res.status === 202 || undefined;
        });
      }
      await eventually("the probes", () => Promise.resolve(sink.at("/all").length >= 3 || undefined));

      const accepted = new Set<string>();
      let refused = 0;
      let next = 0;
      let killed = false;
      const sender = async () => {
        while (next < EVENTS) {
          const n = next++;
          if (n === EVENTS / 2 && !killed) {
            killed = true;
            await nodes[1].kill();
          }
          const node = nodes[n % 3];
          const id = `e-${n}`;
          try {
            const res = await fetch(`http://127.0.0.1:${node.port}/broker/default/default`, {
              method: "POST",
              headers: {
                "ce-specversion": "1.0",
                "ce-id": id,
                "ce-source": "/cluster-test",
                "ce-type": "test.event",
                "content-type": "application/json",
              },
              body: JSON.stringify({ n }),
            });
            await res.body?.cancel();
            if (res.status === 202 || res.status === 200) accepted.add(id);
            else refused++;
          } catch {
            refused++; // the killed node's ingress: not accepted
          }
        }
      };
      await Promise.all(Array.from({ length: SENDERS }, sender));
      nodes[1] = await Platform.start({ state: nodes[1].state, args: args(2) });

      const delivered = () => new Set(sink.at("/all").map((e) => e.id).filter((id) => accepted.has(id)));
      await eventually(
        "every accepted event delivered",
        () => Promise.resolve(delivered().size === accepted.size || undefined),
        60_000,
        250,
      );
      const copies = sink.at("/all").filter((e) => accepted.has(e.id)).length;
      console.log(
        `${accepted.size} accepted, ${refused} refused (the killed node), ${delivered().size} delivered, ` +
          `${copies - accepted.size} duplicates`,
      );
      assert.ok(accepted.size >= EVENTS * 2 / 3 - SENDERS, `only ${accepted.size} accepted`);
    } finally {
      for (const node of nodes) await node.stop().catch(() => {});
      await sink.server.shutdown();
      await db.drop();
    }
  },
  missing,
);
