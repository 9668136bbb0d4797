/**
 * The broker after `kill -9` under load, with its subscriber down (the reported slow resumption):
 * events are posted while the platform is killed; it restarts while the subscriber is still down and
 * retries with linear backoff (retry 1000, 0.5 s), as in the report; then the subscriber comes up.
 * Nothing accepted may be lost (duplicates are counted and printed); how long the backlog took once
 * the subscriber was up is printed, not asserted.
 */
import assert from "node:assert/strict";
import { freePort, Platform } from "./harness.ts";
import { encodeHttpBatch } from "../platform/eventing/cloudevents/http_encode.ts";
import { decodeHttpRequest } from "../platform/eventing/cloudevents/http_decode.ts";
import { event, until } from "./event_sink.ts";

const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";

Deno.test("a broker killed under load, restarted before its subscriber, loses no accepted event", async () => {
  const env = { DENATIVE_KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:1" };
  let platform = await Platform.start({ env });
  const subscriberPort = freePort();
  let subscriber: Deno.HttpServer | undefined;
  try {
    const put = async (plural: string, doc: unknown) => {
      const name = (doc as { metadata: { name: string } }).metadata.name;
      const res = await platform.admin(`${EVENTING}/${plural}/${name}`, {
        method: "PUT",
        body: JSON.stringify(doc),
        headers: { "content-type": "application/json" },
      });
      assert.ok(res.ok, `${plural}/${name}: ${res.status} ${await res.text()}`);
    };
    await put("brokers", { apiVersion: "eventing.knative.dev/v1", kind: "Broker", metadata: { name: "b" } });
    await put("triggers", {
      apiVersion: "eventing.knative.dev/v1",
      kind: "Trigger",
      metadata: { name: "t" },
      spec: {
        broker: "b",
        subscriber: { uri: `http://127.0.0.1:${subscriberPort}/` },
        delivery: { retry: 1000, backoffPolicy: "linear", backoffDelay: "PT0.5S" },
      },
    });
    await until("the trigger", () => true);
    const ingress = () => `http://127.0.0.1:${platform.port}/broker/default/b`;
    await new Promise((r) => setTimeout(r, 500));

    // Load: batches of 10 as fast as the broker takes them; the platform is killed mid-stream.
    const accepted = new Set<string>();
    let n = 0;
    const sending = (async () => {
      while (true) {
        const ids = Array.from({ length: 10 }, () => `e-${n++}`);
        const batch = encodeHttpBatch(ids.map((id) => event(id, "load")));
        try {
          const res = await fetch(ingress(), { method: "POST", headers: batch.headers, body: batch.body });
          await res.body?.cancel();
          if (res.status !== 202) return;
          ids.forEach((id) => accepted.add(id));
        } catch {
          return; // the platform is gone
        }
      }
    })();
    await until("200 accepted events", () => accepted.size >= 200, 30_000);
    await platform.kill();
    await sending;

    platform = await Platform.start({ state: platform.state, env });
    // The subscriber stays down a while: the deliveries back off (0.5, 1, 1.5 ... s).
    await new Promise((r) => setTimeout(r, 8_000));
    const received: string[] = [];
    subscriber = Deno.serve(
      { port: subscriberPort, hostname: "127.0.0.1", onListen: () => {} },
      async (req) => {
        for (const e of (await decodeHttpRequest(req)).events) received.push(e.id);
        return new Response(null, { status: 202 });
      },
    );
    const up = performance.now();
    await until("every accepted event", () => [...accepted].every((id) => received.includes(id)), 60_000);
    const seconds = (performance.now() - up) / 1000;
    const unique = new Set(received).size;
    console.log(
      `broker restart: ${accepted.size} accepted before the kill, all ${accepted.size} delivered ` +
        `${seconds.toFixed(1)} s after the subscriber came up; ${received.length - unique} duplicate(s), ` +
        `${unique - accepted.size} delivered that were in flight when the kill came`,
    );
  } finally {
    await subscriber?.shutdown();
    await platform.stop();
  }
});
