/**
 * Cluster mode: the default Broker with three ingresses over one shared log in PostgreSQL, 2,000
 * events, one node killed (-9) midway and left dead until every accepted event is delivered. Just
 * before the kill the subscriber stops answering for a moment, so every node holds claimed
 * deliveries and the log has a backlog, part of it accepted by the node about to die: the survivors
 * deliver that backlog, and the dead node's claimed deliveries once its claims expire (counted as
 * duplicates when it had already sent them). The node, restarted, rejoins.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { eventually, freePort, Platform } from "./harness.ts";
import { decodeHttpRequest } from "../platform/eventing/cloudevents/http_decode.ts";
import { createTestDatabase, postgresTest, postgresUnreachable } from "./postgres_test_env.ts";

const missing = await postgresUnreachable();
const EVENTS = 2_000;
const SENDERS = 8;
/** The subscriber holds its answers from this event on... */
const HOLD_AT = 800;
/** ...until the node is killed, here. */
const KILL_AT = 1_400;

/** The subscriber: records each event's id on arrival; while `held`, answers only when released. */
class GatedSubscriber {
  readonly arrivals: string[] = [];
  held = false;
  #release: (() => void)[] = [];
  readonly server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const [event] = (await decodeHttpRequest(req)).events;
    this.arrivals.push(event.id);
    if (this.held) await new Promise<void>((r) => this.#release.push(r));
    return new Response(null, { status: 202 });
  });

  get url(): string {
    return `http://127.0.0.1:${this.server.addr.port}/`;
  }

  release() {
    this.held = false;
    for (const r of this.#release.splice(0)) r();
  }
}

postgresTest(
  "cluster: 2,000 events over three broker ingresses, one node killed midway: all delivered",
  async () => {
    const db = await createTestDatabase();
    const sink = new GatedSubscriber();
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
        spec: { broker: "default", subscriber: { uri: sink.url } },
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
      await eventually("the probes", () => Promise.resolve(sink.arrivals.length >= 3 || undefined));

      const accepted = new Set<string>();
      const acceptedByKilled = new Set<string>();
      let refused = 0;
      let next = 0;
      let killed = false;
      let arrivedAtKill = 0;
      /** Events the killed node's ingress had accepted and no subscriber had seen when it died. */
      let backlogOfKilled = 0;
      const sender = async () => {
        while (next < EVENTS) {
          const n = next++;
          if (n === HOLD_AT) sink.held = true;
          if (n === KILL_AT && !killed) {
            killed = true;
            const arrived = new Set(sink.arrivals);
            backlogOfKilled = [...acceptedByKilled].filter((id) => !arrived.has(id)).length;
            await nodes[1].kill();
            arrivedAtKill = sink.arrivals.length;
            sink.release();
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
            if (res.status === 202 || res.status === 200) {
              accepted.add(id);
              if (node === nodes[1]) acceptedByKilled.add(id);
            } else refused++;
          } catch {
            refused++; // the killed node's ingress: not accepted
          }
        }
      };
      const sending = performance.now();
      await Promise.all(Array.from({ length: SENDERS }, sender));

      // The killed node stays dead: the two others deliver everything, its accepted events included.
      const delivered = () => new Set(sink.arrivals.filter((id) => accepted.has(id)));
      await eventually(
        "every accepted event delivered while the killed node is down",
        () => Promise.resolve(delivered().size === accepted.size || undefined),
        60_000,
        250,
      );
      const seconds = (performance.now() - sending) / 1000;
      // The deliveries the dead node had claimed (some already sent) are taken over once their
      // claims expire: the shared log empties while it is still down.
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      const left = async () => Number((await sql`SELECT count(*) AS n FROM broker_deliveries`)[0].n);
      try {
        await eventually(
          "the shared log to empty",
          async () => (await left()) === 0 || undefined,
          30_000,
          250,
        );
      } finally {
        await sql.end();
      }
      const emptied = (performance.now() - sending) / 1000;
      const down = await fetch(`http://127.0.0.1:${nodes[1].port}/healthz`).then(
        async (res) => (await res.body?.cancel(), false),
        () => true,
      );
      assert.ok(down, "the killed node is still down");
      const copies = sink.arrivals.filter((id) => accepted.has(id)).length;
      const takenOver = new Set(sink.arrivals.slice(arrivedAtKill).filter((id) => acceptedByKilled.has(id)))
        .size;
      console.log(
        `${accepted.size} accepted (${acceptedByKilled.size} by the killed node before its death, ` +
          `${backlogOfKilled} of them undelivered then; ${takenOver} delivered after it died), ` +
          `${refused} refused (the killed node), ${delivered().size} delivered by the survivors ` +
          `in ${seconds.toFixed(1)} s, log empty after ${emptied.toFixed(1)} s, ${
            copies - accepted.size
          } duplicates`,
      );
      assert.ok(accepted.size >= EVENTS * 2 / 3 - SENDERS, `only ${accepted.size} accepted`);
      assert.ok(
        acceptedByKilled.size >= EVENTS / 6 - SENDERS,
        `the killed node accepted only ${acceptedByKilled.size}`,
      );

      assert.ok(backlogOfKilled > 0, "the killed node left accepted events undelivered");
      assert.ok(takenOver >= backlogOfKilled, "the survivors delivered them");

      // Restarted, the node rejoins: an event sent to its ingress is delivered.
      nodes[1] = await Platform.start({ state: nodes[1].state, args: args(2) });
      await eventually("the restarted node's ingress", async () => {
        const res = await fetch(`http://127.0.0.1:${nodes[1].port}/broker/default/default`, {
          method: "POST",
          headers: { "ce-specversion": "1.0", "ce-id": "after", "ce-source": "/t", "ce-type": "probe" },
          body: "",
        });
        await res.body?.cancel();
        return res.status === 202 || undefined;
      });
      await eventually(
        "the event sent after the restart",
        () => Promise.resolve(sink.arrivals.includes("after") || undefined),
      );
    } finally {
      for (const node of nodes) await node.stop().catch(() => {});
      sink.release();
      await sink.server.shutdown();
      await db.drop();
    }
  },
  missing,
);
