/**
 * Channels and Subscriptions end to end: the real platform as a subprocess, events posted to a
 * channel's ingress, delivered to a real function (whose replies go on to a reply destination) and
 * to a sink server in this test process that fails on purpose (so the event is retried, then
 * dead-lettered); a generic Channel gets its backing InMemoryChannel; a kill mid-delivery loses
 * nothing (the channel is durable).
 */
import assert from "node:assert/strict";
import { encodeHttpBinary } from "../platform/eventing/cloudevents/http_encode.ts";
import { eventually, FIXTURES, Platform } from "./harness.ts";
import { event, Sink, until } from "./event_sink.ts";

const MESSAGING = "/apis/messaging.knative.dev/v1/namespaces/default";
const ksvc = (name: string) => ({ ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name } });

interface Obj {
  metadata: { uid: string; ownerReferences?: { kind: string }[] };
  spec: Record<string, unknown>;
  status?: {
    address?: { url: string };
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    subscribers?: { uid: string; ready: string }[];
    physicalSubscription?: Record<string, string>;
    channel?: { kind: string; name: string };
  };
}

const readyOf = (o: Obj) => o.status?.conditions?.find((c) => c.type === "Ready")?.status;

async function put(platform: Platform, plural: string, doc: { metadata: { name: string } }) {
  const res = await platform.admin(`${MESSAGING}/${plural}/${doc.metadata.name}`, {
    method: "PUT",
    body: JSON.stringify(doc),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, body: await res.json() };
}

async function ready(platform: Platform, plural: string, name: string): Promise<Obj> {
  return await eventually(`${plural}/${name} Ready`, async () => {
    const o = await platform.adminJson<Obj>(`${MESSAGING}/${plural}/${name}`);
    return readyOf(o) === "True" ? o : undefined;
  });
}

function post(url: string, id: string, type: string) {
  const encoded = encodeHttpBinary(event(id, type));
  return fetch(url, { method: "POST", headers: encoded.headers, body: encoded.body });
}

Deno.test("messaging: channels, subscriptions with reply and dead letters, durable across a kill", async (t) => {
  const sink = new Sink();
  let platform = await Platform.start({ functions: { "event-replier": `${FIXTURES}/event_replier` } });
  try {
    await t.step("a Channel without a template gets a backing InMemoryChannel and its address", async () => {
      const res = await put(platform, "channels", {
        apiVersion: "messaging.knative.dev/v1",
        kind: "Channel",
        metadata: { name: "orders" },
      } as never);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(res.body.spec.channelTemplate, {
        apiVersion: "messaging.knative.dev/v1",
        kind: "InMemoryChannel",
      });
      const channel = await ready(platform, "channels", "orders");
      const url = `http://127.0.0.1:${platform.port}/channel/default/orders`;
      assert.equal(channel.status?.address?.url, url);
      assert.deepEqual(channel.status?.channel?.kind, "InMemoryChannel");
      const imc = await ready(platform, "inmemorychannels", "orders");
      assert.equal(imc.status?.address?.url, url);
      assert.equal(imc.metadata.ownerReferences?.[0]?.kind, "Channel");
    });

    await t.step(
      "a subscription's replies reach its reply; a failing subscriber is dead-lettered",
      async () => {
        assert.equal(
          (await put(platform, "subscriptions", {
            apiVersion: "messaging.knative.dev/v1",
            kind: "Subscription",
            metadata: { name: "replying" },
            spec: {
              channel: { apiVersion: "messaging.knative.dev/v1", kind: "Channel", name: "orders" },
              subscriber: ksvc("event-replier"),
              reply: { uri: sink.url("/replies") },
            },
          } as never)).status,
          201,
        );
        assert.equal(
          (await put(platform, "subscriptions", {
            apiVersion: "messaging.knative.dev/v1",
            kind: "Subscription",
            metadata: { name: "failing" },
            spec: {
              channel: { apiVersion: "messaging.knative.dev/v1", kind: "InMemoryChannel", name: "orders" },
              subscriber: { uri: sink.url("/fail503") },
              delivery: { retry: 2, backoffDelay: "PT0.01S", deadLetterSink: { uri: sink.url("/dead") } },
            },
          } as never)).status,
          201,
        );
        const replying = await ready(platform, "subscriptions", "replying");
        assert.equal(replying.status?.physicalSubscription?.replyUri, sink.url("/replies"));
        assert.match(replying.status?.physicalSubscription?.subscriberUri ?? "", /event-replier/);
        const failing = await ready(platform, "subscriptions", "failing");
        assert.equal(failing.status?.physicalSubscription?.deadLetterSinkUri, sink.url("/dead"));
        const imc = await eventually("both subscribers on the channel", async () => {
          const o = await platform.adminJson<Obj>(`${MESSAGING}/inmemorychannels/orders`);
          return o.status?.subscribers?.length === 2 ? o : undefined;
        });
        assert.deepEqual(
          imc.status?.subscribers?.map((s) => s.ready),
          ["True", "True"],
        );

        const url = (await ready(platform, "channels", "orders")).status!.address!.url;
        for (let i = 0; i < 5; i++) assert.equal((await post(url, `p${i}`, "ping")).status, 202);
        await until("5 replies", () => sink.at("/replies").length >= 5, 30_000);
        assert.deepEqual(sink.at("/replies").map((e) => e.type), Array(5).fill("pong"));
        await until("5 dead letters", () => sink.at("/dead").length >= 5, 30_000);
        assert.equal(sink.at("/fail503").length, 15, "each event tried 1 + 2 times");
        for (const dead of sink.at("/dead")) {
          assert.equal(dead.extensions?.knativeerrorcode, "503");
          assert.equal(dead.extensions?.knativeerrordest, sink.url("/fail503"));
        }
      },
    );

    await t.step("bad input is refused naming the field; an unknown channel is 404", async () => {
      const noChannel = await put(platform, "subscriptions", {
        apiVersion: "messaging.knative.dev/v1",
        kind: "Subscription",
        metadata: { name: "nochannel" },
        spec: { subscriber: { uri: sink.url("/x") } },
      } as never);
      assert.equal(noChannel.status, 422);
      assert.match(JSON.stringify(noChannel.body), /spec\.channel/);
      const noSubscriber = await put(platform, "subscriptions", {
        apiVersion: "messaging.knative.dev/v1",
        kind: "Subscription",
        metadata: { name: "nosub" },
        spec: { channel: { apiVersion: "messaging.knative.dev/v1", kind: "Channel", name: "orders" } },
      } as never);
      assert.equal(noSubscriber.status, 422);
      assert.match(JSON.stringify(noSubscriber.body), /spec\.subscriber/);
      const res = await post(`http://127.0.0.1:${platform.port}/channel/default/nope`, "x", "ping");
      assert.equal(res.status, 404);
      await res.body?.cancel();
      const bad = await fetch(`http://127.0.0.1:${platform.port}/channel/default/orders`, {
        method: "POST",
        headers: { "ce-specversion": "1.0", "ce-source": "/x", "ce-type": "t" },
        body: "{}",
      });
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /id/);
    });

    await t.step("accepted events survive a kill of the platform mid-delivery", async () => {
      // A subscriber that holds every delivery until the gate opens: the kill surely comes mid-delivery.
      const gate = new Gate();
      try {
        await put(platform, "inmemorychannels", {
          apiVersion: "messaging.knative.dev/v1",
          kind: "InMemoryChannel",
          metadata: { name: "durable" },
        } as never);
        await put(platform, "subscriptions", {
          apiVersion: "messaging.knative.dev/v1",
          kind: "Subscription",
          metadata: { name: "held" },
          spec: {
            channel: { apiVersion: "messaging.knative.dev/v1", kind: "InMemoryChannel", name: "durable" },
            subscriber: { uri: gate.url },
          },
        } as never);
        await ready(platform, "subscriptions", "held");
        const url = `http://127.0.0.1:${platform.port}/channel/default/durable`;
        const total = 300;
        for (let i = 0; i < total; i++) assert.equal((await post(url, `d${i}`, "durable")).status, 202);
        await until("deliveries held at the subscriber", () => gate.held > 0, 30_000);
        await platform.kill();
        assert.equal(gate.answered.size, 0, "nothing was answered before the kill");
        gate.open();
        platform = await Platform.start({ state: platform.state });
        await until("every event after the restart", () => gate.answered.size === total, 60_000);
        const metrics = await (await platform.admin("/metrics")).text();
        const redelivered = /denative_subscription_redeliveries_total\{[^}]*subscription="held"[^}]*\} (\d+)/
          .exec(metrics);
        assert.ok(
          Number(redelivered?.[1] ?? 0) > 0,
          "the deliveries cut by the kill are counted as redeliveries",
        );
      } finally {
        await gate.close();
      }
    });

    await t.step("deleting a Channel deletes its backing channel", async () => {
      await platform.admin(`${MESSAGING}/channels/orders`, { method: "DELETE" });
      await eventually("the InMemoryChannel gone", async () => {
        const res = await platform.admin(`${MESSAGING}/inmemorychannels/orders`);
        await res.body?.cancel();
        return res.status === 404 ? true : undefined;
      });
    });
  } finally {
    await platform.stop();
    await sink.server.shutdown();
    await Deno.remove(platform.state, { recursive: true }).catch(() => {});
  }
});

/** A subscriber that holds every request until `open()`, then answers 202 and records the event ids. */
class Gate {
  readonly answered = new Set<string>();
  held = 0;
  #open = false;
  #release: (() => void)[] = [];
  #server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const id = req.headers.get("ce-id") ?? "";
    await req.arrayBuffer();
    if (!this.#open) {
      // Held until the gate opens, for a platform that is killed meanwhile: not an answered delivery.
      this.held++;
      await new Promise<void>((r) => this.#release.push(r));
      return new Response(null, { status: 503 });
    }
    this.answered.add(id);
    return new Response(null, { status: 202 });
  });

  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}/`;
  }

  open() {
    this.#open = true;
    for (const release of this.#release.splice(0)) release();
  }

  async close() {
    this.open();
    await this.#server.shutdown();
  }
}
