/**
 * The durable Broker end to end: the real platform as a subprocess, events posted to its ingress over
 * HTTP, delivered to real functions and to a sink server in this test process (which records what it
 * receives and answers as each path says). One platform is shared by the steps; the last one kills it
 * mid-delivery and starts a new one on the same state.
 */
import assert from "node:assert/strict";
import { CloudEvent as NpmEvent, emitterFor, httpTransport, Mode } from "cloudevents";
import {
  encodeHttpBatch,
  encodeHttpBinary,
  encodeHttpStructured,
} from "../platform/eventing/cloudevents/http_encode.ts";
import { FIXTURES, Platform, serviceDoc, tempDir } from "./harness.ts";
import { event, Sink, until } from "./event_sink.ts";
import { conformanceSuite } from "./conformance.ts";

const EVENTING = "/apis/eventing.knative.dev/v1/namespaces";
const KNATIVE_DOCS = conformanceSuite("knative-yaml");

function broker(name: string, delivery?: unknown) {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Broker",
    metadata: { name },
    ...(delivery ? { spec: { delivery } } : {}),
  };
}

function trigger(name: string, brokerName: string, subscriber: unknown, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name },
    spec: { broker: brokerName, subscriber, ...extra },
  };
}

const ksvc = (name: string) => ({ ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name } });

Deno.test("eventing: the durable broker, its triggers and deliveries", async (t) => {
  const sink = new Sink();
  // Kafka-class brokers point at a port where no Kafka answers: this test leaves the shared Kafka alone.
  const env = { DENATIVE_KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:1" };
  let platform = await Platform.start({ functions: { "event-replier": `${FIXTURES}/event_replier` }, env });

  async function put(plural: string, doc: { metadata: { name: string } }, ns = "default") {
    const res = await platform.admin(`${EVENTING}/${ns}/${plural}/${doc.metadata.name}`, {
      method: "PUT",
      body: JSON.stringify(doc),
      headers: { "content-type": "application/json" },
    });
    return { status: res.status, body: await res.json() };
  }
  async function get(plural: string, name: string, ns = "default") {
    return await platform.adminJson<{ status?: Record<string, unknown> }>(
      `${EVENTING}/${ns}/${plural}/${name}`,
    );
  }
  /** The object once its Ready condition passes `wanted` (by default: once it has one). */
  async function readyCondition(
    plural: string,
    name: string,
    wanted: (c: { status: string; reason?: string }) => boolean = () => true,
  ) {
    let last: unknown;
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      const obj = await get(plural, name);
      last = obj.status;
      const conditions = (obj.status?.conditions ?? []) as {
        type: string;
        status: string;
        reason?: string;
      }[];
      const ready = conditions.find((c) => c.type === "Ready");
      if (ready && wanted(ready)) return { obj, ready };
      await new Promise((r) => setTimeout(r, 30));
    }
    throw new Error(`${plural}/${name} has no such Ready condition: ${JSON.stringify(last)}`);
  }
  const ready = async (plural: string, name: string) =>
    (await readyCondition(plural, name, (c) => c.status === "True")).obj;
  const ingress = (name: string) => `http://127.0.0.1:${platform.port}/broker/default/${name}`;
  async function send(name: string, message: { headers: Record<string, string>; body: BodyInit }) {
    const res = await fetch(ingress(name), { method: "POST", ...message });
    return { status: res.status, text: await res.text() };
  }

  try {
    await KNATIVE_DOCS.step(
      t,
      "Knative's broker and trigger documents are accepted and reported as Knative does",
      async () => {
        const yaml = (file: string) => KNATIVE_DOCS.readText(file);
        const putYaml = async (plural: string, name: string, file: string, ns = "default") => {
          const res = await platform.admin(`${EVENTING}/${ns}/${plural}/${name}`, {
            method: "PUT",
            body: await yaml(file),
            headers: { "content-type": "application/yaml" },
          });
          return { status: res.status, body: await res.json() };
        };
        assert.equal((await putYaml("brokers", "bookstore-broker", "broker-default.yaml")).status, 201);
        const b = await ready("brokers", "bookstore-broker");
        assert.deepEqual(b.status?.address, { url: ingress("bookstore-broker") });

        assert.equal((await putYaml("brokers", "default", "broker-kafka-class.yaml")).status, 201);
        const kafka = await readyCondition("brokers", "default", (c) => c.status === "False");
        assert.equal(kafka.ready.reason, "BrokerUnreachable");
        assert.deepEqual(kafka.obj.status?.address, { url: ingress("default") });
        assert.equal((await send("default", { headers: {}, body: "" })).status, 400);
        assert.equal((await send("default", encodeHttpBinary(event("k1", "t")))).status, 503);

        const refused = await putYaml(
          "triggers",
          "my-service-trigger",
          "trigger-rejected-exact-and-suffix-in-one-filter.yaml",
        );
        assert.equal(refused.status, 422);
        assert.equal(refused.body.details.causes[0].field, "spec.filters[0]");
        assert.equal((await platform.admin(`${EVENTING}/default/triggers/my-service-trigger`)).status, 404);

        const name = "my-service-trigger";
        assert.equal((await putYaml("triggers", name, "trigger-filters-cesql.yaml")).status, 201);
        const onKafka = await readyCondition("triggers", name, (c) => c.reason === "BrokerNotReady");
        assert.equal(onKafka.ready.status, "False");
        assert.equal((await putYaml("triggers", name, "trigger-kafka-delivery-order.yaml")).status, 200);
        const orphan = await readyCondition("triggers", name, (c) => c.reason === "BrokerDoesNotExist");
        assert.equal(orphan.ready.status, "False");
        await platform.admin(`${EVENTING}/default/triggers/${name}`, { method: "DELETE" }).then((r) =>
          r.body?.cancel()
        );
      },
    );

    await t.step("the ingress answers 202, 400, 404, 405 and OPTIONS in every content mode", async () => {
      assert.equal((await put("brokers", broker("codes"))).status, 201);
      await ready("brokers", "codes");
      const ok = event("ok-1", "t");
      for (const message of [encodeHttpBinary(ok), encodeHttpStructured(ok), encodeHttpBatch([ok, ok])]) {
        assert.equal((await send("codes", message)).status, 202);
      }
      const binaryNoId = { "ce-specversion": "1.0", "ce-source": "/s", "ce-type": "t" };
      const bad400 = await send("codes", { headers: binaryNoId, body: "x" });
      assert.equal(bad400.status, 400);
      assert.match(bad400.text, /\bid\b/);
      const structuredNoSource = { specversion: "1.0", id: "1", type: "t" };
      const s400 = await send("codes", {
        headers: { "content-type": "application/cloudevents+json" },
        body: JSON.stringify(structuredNoSource),
      });
      assert.equal(s400.status, 400);
      assert.match(s400.text, /source/);
      const batchBadTime = [{ specversion: "1.0", id: "1", source: "/s", type: "t", time: "noon" }];
      const b400 = await send("codes", {
        headers: { "content-type": "application/cloudevents-batch+json" },
        body: JSON.stringify(batchBadTime),
      });
      assert.equal(b400.status, 400);
      assert.match(b400.text, /\[0\]\.time/);
      assert.equal((await send("no-such-broker", encodeHttpBinary(ok))).status, 404);
      const getRes = await fetch(ingress("codes"));
      await getRes.body?.cancel();
      assert.equal(getRes.status, 405);
      const options = await fetch(ingress("codes"), { method: "OPTIONS" });
      await options.body?.cancel();
      assert.equal(options.status, 200);
      assert.equal(options.headers.get("allow"), "POST, OPTIONS");
    });

    await t.step("each matching trigger gets exactly one delivery, filtered as Knative filters", async () => {
      await put("brokers", broker("filters"));
      await put("triggers", trigger("f-all", "filters", { uri: sink.url("/all") }));
      await put(
        "triggers",
        trigger("f-type", "filters", { uri: sink.url("/type") }, {
          filter: { attributes: { type: "order.created" } },
        }),
      );
      await put(
        "triggers",
        trigger("f-cesql", "filters", { uri: sink.url("/cesql") }, {
          filters: [{ cesql: "type LIKE 'order.%' AND tenant = 'acme'" }],
        }),
      );
      await put(
        "triggers",
        trigger("f-prefix-not", "filters", { uri: sink.url("/prefix") }, {
          filters: [{ prefix: { type: "invoice." } }, { not: { exact: { tenant: "acme" } } }],
        }),
      );
      for (const name of ["f-all", "f-type", "f-cesql", "f-prefix-not"]) await ready("triggers", name);
      await send("filters", encodeHttpBinary(event("f1", "order.created", { tenant: "acme" })));
      await send("filters", encodeHttpBinary(event("f2", "order.created")));
      await send(
        "filters",
        encodeHttpBatch([event("f3", "invoice.paid"), event("f4", "invoice.paid", { tenant: "acme" })]),
      );
      await until("the filtered deliveries", () => sink.at("/all").length === 4);
      await new Promise((r) => setTimeout(r, 300));
      const ids = (path: string) => sink.at(path).map((e) => e.id).sort();
      assert.deepEqual(ids("/all"), ["f1", "f2", "f3", "f4"]);
      assert.deepEqual(ids("/type"), ["f1", "f2"]);
      assert.deepEqual(ids("/cesql"), ["f1"]);
      assert.deepEqual(ids("/prefix"), ["f3"]);
      assert.equal(sink.at("/all")[0].extensions.knativebrokerttl, undefined);
    });

    await t.step(
      "a function's reply goes back into the broker, and a reply loop stops at its TTL",
      async () => {
        await put("brokers", broker("replies"));
        await put(
          "triggers",
          trigger("r-ping", "replies", ksvc("event-replier"), { filter: { attributes: { type: "ping" } } }),
        );
        await put(
          "triggers",
          trigger("r-pong", "replies", { uri: sink.url("/pongs") }, {
            filter: { attributes: { type: "pong" } },
          }),
        );
        await put(
          "triggers",
          trigger("r-loop", "replies", ksvc("event-replier"), { filter: { attributes: { type: "loop" } } }),
        );
        await put(
          "triggers",
          trigger("r-loops", "replies", { uri: sink.url("/loops") }, {
            filter: { attributes: { type: "loop" } },
          }),
        );
        const subscriber = await ready("triggers", "r-ping");
        assert.equal(
          subscriber.status?.subscriberUri,
          `http://event-replier.default.localhost:${platform.port}`,
        );
        for (const name of ["r-pong", "r-loop", "r-loops"]) await ready("triggers", name);

        assert.equal((await send("replies", encodeHttpBinary(event("p1", "ping")))).status, 202);
        await until("the pong reply", () => sink.at("/pongs").length === 1);
        const pong = sink.at("/pongs")[0];
        assert.equal(pong.id, "reply-to-p1");
        const pongData = JSON.parse(new TextDecoder().decode(pong.data as Uint8Array));
        assert.deepEqual(pongData, { inReplyTo: "p1", sawTtl: false });

        await send("replies", encodeHttpBinary(event("l1", "loop", { knativebrokerttl: 5 })));
        await until("the reply loop", () => sink.at("/loops").length >= 5);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(sink.at("/loops").length, 5);
      },
    );

    await t.step(
      "failed deliveries are retried, then dead-lettered with the knative error extensions",
      async () => {
        await put(
          "brokers",
          broker("dl", {
            retry: 2,
            backoffPolicy: "linear",
            backoffDelay: "PT0.05S",
            deadLetterSink: { uri: sink.url("/dls") },
          }),
        );
        await put(
          "triggers",
          trigger("d-503", "dl", { uri: sink.url("/fail503") }, { filter: { attributes: { type: "a" } } }),
        );
        await put(
          "triggers",
          trigger("d-400", "dl", { uri: sink.url("/fail400") }, { filter: { attributes: { type: "b" } } }),
        );
        await put(
          "triggers",
          trigger("d-own", "dl", { uri: sink.url("/fail503") }, {
            filter: { attributes: { type: "c" } },
            delivery: { retry: 0 },
          }),
        );
        for (const name of ["d-503", "d-400", "d-own"]) await ready("triggers", name);
        await send("dl", encodeHttpBinary(event("d1", "a")));
        await send("dl", encodeHttpBinary(event("d2", "b")));
        await send("dl", encodeHttpBinary(event("d3", "c")));
        await until("three dead letters", () => sink.at("/dls").length === 3);
        await new Promise((r) => setTimeout(r, 300));
        const attempts = (id: string) =>
          [...sink.at("/fail503"), ...sink.at("/fail400")].filter((e) => e.id === id);
        assert.equal(attempts("d1").length, 3, "retry 2 = 3 attempts");
        assert.equal(attempts("d2").length, 1, "a 400 is not retried");
        assert.equal(attempts("d3").length, 1, "the trigger's retry: 0 wins over the broker's");
        const dead = new Map(sink.at("/dls").map((e) => [e.id, e]));
        assert.equal(dead.get("d1")?.extensions.knativeerrorcode, "503");
        assert.equal(dead.get("d1")?.extensions.knativeerrordest, sink.url("/fail503"));
        assert.equal(atob(String(dead.get("d1")?.extensions.knativeerrordata)), "overloaded");
        assert.equal(dead.get("d2")?.extensions.knativeerrorcode, "400");
        assert.deepEqual(JSON.parse(new TextDecoder().decode(dead.get("d1")!.data as Uint8Array)), {
          id: "d1",
        });
      },
    );

    await t.step("without a dead-letter sink a failed event is dropped and that is logged", async () => {
      await put("brokers", broker("nodl"));
      await put("triggers", trigger("n-400", "nodl", { uri: sink.url("/fail400") }));
      await ready("triggers", "n-400");
      await send("nodl", encodeHttpBinary(event("lost-1", "x")));
      await until("the drop to be logged", () => /event lost-1 dropped after 1 attempt/.test(platform.logs));
    });

    await t.step(
      "the function SDK decodes events in a real instance and replies through the broker",
      async () => {
        const dir = await tempDir();
        await Deno.writeTextFile(
          `${dir}/main.ts`,
          `import { cloudEvent } from "denative/cloud_event.ts";
export default cloudEvent<{ id: string }>((event, ctx) => {
  if (event.type !== "sdk.in") return;
  return { type: "sdk.out", source: "/" + ctx.service, data: { got: event.data?.id, tenant: event.tenant } };
});
`,
        );
        await platform.putService(serviceDoc("sdk-fn", await platform.uploadBundle(dir)));
        await platform.settled("sdk-fn");
        await put("brokers", broker("sdk"));
        await put(
          "triggers",
          trigger("s-in", "sdk", ksvc("sdk-fn"), { filter: { attributes: { type: "sdk.in" } } }),
        );
        await put(
          "triggers",
          trigger("s-out", "sdk", { uri: sink.url("/sdk") }, { filter: { attributes: { type: "sdk.out" } } }),
        );
        await ready("triggers", "s-in");
        await ready("triggers", "s-out");
        await send("sdk", encodeHttpBinary(event("s1", "sdk.in", { tenant: "acme" })));
        await until("the SDK's reply", () => sink.at("/sdk").length === 1);
        const out = sink.at("/sdk")[0];
        assert.equal(out.source, "/sdk-fn");
        assert.deepEqual(JSON.parse(new TextDecoder().decode(out.data as Uint8Array)), {
          got: "s1",
          tenant: "acme",
        });
      },
    );

    await t.step("events sent by the cloudevents npm SDK are accepted and delivered", async () => {
      await put("brokers", broker("npm"));
      await put("triggers", trigger("npm-all", "npm", { uri: sink.url("/npm") }));
      await ready("triggers", "npm-all");
      for (const mode of [Mode.BINARY, Mode.STRUCTURED]) {
        const emit = emitterFor(httpTransport(ingress("npm")), { mode });
        await emit(new NpmEvent({ id: `npm-${mode}`, source: "/npm", type: "npm.sent", data: { mode } }));
      }
      await until("both npm events", () => sink.at("/npm").length === 2);
      assert.deepEqual(sink.at("/npm").map((e) => e.id).sort(), ["npm-binary", "npm-structured"]);
    });

    await t.step(
      "a platform killed mid-delivery delivers every accepted event after its restart",
      async () => {
        await put("brokers", broker("durable"));
        await put("triggers", trigger("slow", "durable", { uri: sink.url("/slow") }));
        await ready("triggers", "slow");
        const ids = Array.from({ length: 400 }, (_, i) => `dur-${i}`);
        for (let i = 0; i < ids.length; i += 50) {
          const batch = encodeHttpBatch(ids.slice(i, i + 50).map((id) => event(id, "durable")));
          assert.equal((await send("durable", batch)).status, 202);
        }
        await platform.kill();
        const beforeRestart = new Set(sink.at("/slow").map((e) => e.id)).size;
        assert.ok(beforeRestart < ids.length, `all ${beforeRestart} were delivered before the kill`);
        platform = await Platform.start({ state: platform.state, env });
        await until(
          "every accepted event",
          () => new Set(sink.at("/slow").map((e) => e.id)).size === ids.length,
          30_000,
        );
        const received = sink.at("/slow").length;
        const duplicates = received - ids.length;
        console.log(
          `  ${beforeRestart} delivered before the kill, ${duplicates} duplicate(s) after the restart`,
        );
        assert.ok(duplicates <= 100, `at most one trigger's concurrency of duplicates, got ${duplicates}`);
        assert.deepEqual(
          new Set(sink.at("/slow").map((e) => e.id)),
          new Set(ids),
        );
      },
    );
  } finally {
    await platform.stop();
    await sink.server.shutdown();
  }
});
