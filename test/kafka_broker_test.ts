/**
 * The Kafka-backed broker class end to end against a real Kafka (`KAFKA_BROKERS`): the platform as
 * a subprocess pointed at that cluster, events POSTed to a `Kafka`-class broker's ingress, delivered
 * to a sink server in this process and to a real function. Checked: Knative's documents accepted,
 * the topic created and each event in it (binary binding) when the 202 comes, filters per trigger,
 * retries then a dead letter with the group moving on, a reply re-entering the broker, ordered
 * delivery, and the platform killed mid-stream and restarted losing nothing (duplicates counted).
 * Every broker and trigger name carries a per-run suffix, so topics and groups are new each run.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { encodeHttpBinary } from "../platform/eventing/cloudevents/http_encode.ts";
import { FIXTURES, Platform } from "./harness.ts";
import { TcpForwarder } from "./tcp_forwarder.ts";
import { event, Sink } from "./event_sink.ts";
import {
  condition,
  type Conditioned,
  eventually,
  KAFKA_BROKERS,
  kafkaTest,
  putResource,
  TestKafka,
  unreachable,
} from "./kafka_test_env.ts";
import { conformanceSuite } from "./conformance.ts";

const missing = await unreachable(KAFKA_BROKERS);
const DOCUMENTS = conformanceSuite("knative-yaml");
const EVENTING = "/apis/eventing.knative.dev/v1/namespaces/default";
const RUN = crypto.randomUUID().slice(0, 8);

interface BrokerDoc extends Conditioned {
  status?: Conditioned["status"] & { address?: { url: string } };
}

function kafkaBroker(
  name: string,
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
) {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Broker",
    metadata: { name, annotations: { "eventing.knative.dev/broker.class": "Kafka", ...annotations } },
    spec,
  };
}

function trigger(
  name: string,
  broker: string,
  subscriber: unknown,
  extra: Record<string, unknown> = {},
  annotations?: Record<string, string>,
) {
  return {
    apiVersion: "eventing.knative.dev/v1",
    kind: "Trigger",
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { broker, subscriber, ...extra },
  };
}

const byType = (type: string) => ({ filter: { attributes: { type } } });

function yamlDoc(file: string, name: string) {
  const doc = YAML.parse(DOCUMENTS.readText(file));
  return { ...doc, metadata: { ...doc.metadata, name, namespace: "default" } };
}

kafkaTest("kafka broker: a Kafka-class broker and its triggers, end to end", async (t) => {
  const kafka = await TestKafka.connect();
  const admin = kafka.kafka.admin();
  await admin.connect();
  const sink = new Sink();
  const env = { DENATIVE_KAFKA_BOOTSTRAP_SERVERS: KAFKA_BROKERS.join(",") };
  const topics: string[] = [];
  let platform = await Platform.start({ functions: { "event-replier": `${FIXTURES}/event_replier` }, env });

  const groups: string[] = [];
  const put = (plural: string, doc: { metadata: { name: string } }) => {
    if (plural === "triggers") groups.push(`knative-trigger-default-${doc.metadata.name}`);
    return putResource(platform, `${EVENTING}/${plural}/${doc.metadata.name}`, doc);
  };
  const get = (plural: string, name: string) =>
    platform.adminJson<BrokerDoc>(`${EVENTING}/${plural}/${name}`);
  const whenCondition = (
    plural: string,
    name: string,
    type: string,
    wanted: (c: { status: string }) => boolean,
  ) =>
    eventually(`${plural}/${name} ${type}`, async () => {
      const obj = await get(plural, name);
      const c = condition(obj, type);
      return c && wanted(c) ? obj : undefined;
    });
  const ready = (plural: string, name: string) =>
    whenCondition(plural, name, "Ready", (c) => c.status === "True");
  const ingress = (name: string) => `http://127.0.0.1:${platform.port}/broker/default/${name}`;
  const send = async (name: string, e: ReturnType<typeof event>) => {
    const res = await fetch(ingress(name), { method: "POST", ...encodeHttpBinary(e) });
    await res.body?.cancel();
    return res.status;
  };

  const broker = `kb-${RUN}`;
  const topic = `knative-broker-default-${broker}`;
  topics.push(topic);
  try {
    await DOCUMENTS.step(
      t,
      "Knative's Kafka broker and ordered trigger documents are accepted and served",
      async () => {
        const name = `kdoc-${RUN}`;
        topics.push(`knative-broker-default-${name}`);
        await put("brokers", yamlDoc("broker-kafka-class.yaml", name));
        const b = await whenCondition("brokers", name, "TopicReady", (c) => c.status === "True");
        assert.equal(condition(b)?.reason, "UnableToResolveDeadLetterSink", "its dlq-service does not exist");
        assert.equal(condition(b, "ConfigParsed")?.reason, "ConfigIgnored");
        assert.equal(b.status?.address?.url, ingress(name));
        const tdoc = yamlDoc("trigger-kafka-delivery-order.yaml", `kdoc-t-${RUN}`);
        await put("triggers", { ...tdoc, spec: { ...tdoc.spec, broker: name } });
        await whenCondition("triggers", `kdoc-t-${RUN}`, "SubscriptionReady", (c) => c.status === "True");
        await platform.admin(`${EVENTING}/triggers/kdoc-t-${RUN}`, { method: "DELETE" }).then((r) =>
          r.body?.cancel()
        );
      },
    );

    await t.step(
      "the broker creates its topic, and its ingress answers 202 once Kafka has the event",
      async () => {
        await put(
          "brokers",
          kafkaBroker(broker, {
            delivery: {
              retry: 2,
              backoffPolicy: "linear",
              backoffDelay: "PT0.05S",
              deadLetterSink: { uri: sink.url("/dls") },
            },
          }),
        );
        const b = await ready("brokers", broker);
        assert.equal(b.status?.address?.url, ingress(broker));
        const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        assert.equal(meta.partitions.length, 3);

        assert.equal(await send(broker, event("first", "before.triggers", { tenant: "acme" })), 202);
        const [record] = await kafka.read(topic, 1);
        const header = (name: string) => String(record.headers[name]);
        assert.equal(header("ce_id"), "first");
        assert.equal(header("ce_type"), "before.triggers");
        assert.equal(header("ce_tenant"), "acme");
        assert.equal(header("ce_knativebrokerttl"), "255");
        assert.equal(header("content-type"), "application/json");
        assert.deepEqual(JSON.parse(new TextDecoder().decode(record.value!)), { id: "first" });

        const invalid = await fetch(ingress(broker), {
          method: "POST",
          headers: { "ce-specversion": "1.0" },
          body: "x",
        });
        assert.equal(invalid.status, 400);
        await invalid.body?.cancel();
        assert.equal(await send(`no-such-${RUN}`, event("x", "t")), 404);
        const getRes = await fetch(ingress(broker));
        await getRes.body?.cancel();
        assert.equal(getRes.status, 405);
        const options = await fetch(ingress(broker), { method: "OPTIONS" });
        await options.body?.cancel();
        assert.equal(options.headers.get("allow"), "POST, OPTIONS");
      },
    );

    await t.step(
      "each matching trigger, its own consumer group, gets the events its filter passes",
      async () => {
        await put("triggers", trigger(`f-all-${RUN}`, broker, { uri: sink.url("/all") }));
        await put(
          "triggers",
          trigger(`f-type-${RUN}`, broker, { uri: sink.url("/type") }, byType("order.created")),
        );
        await put(
          "triggers",
          trigger(`f-cesql-${RUN}`, broker, { uri: sink.url("/cesql") }, {
            filters: [{ cesql: "type LIKE 'order.%' AND tenant = 'acme'" }],
          }),
        );
        for (const name of ["f-all", "f-type", "f-cesql"]) await ready("triggers", `${name}-${RUN}`);
        assert.equal(await send(broker, event("f1", "order.created", { tenant: "acme" })), 202);
        assert.equal(await send(broker, event("f2", "order.created")), 202);
        assert.equal(await send(broker, event("f3", "invoice.paid", { tenant: "acme" })), 202);
        await eventually(
          "the filtered deliveries",
          () => Promise.resolve(sink.at("/all").length >= 3 || undefined),
        );
        await new Promise((r) => setTimeout(r, 500));
        const ids = (path: string) => sink.at(path).map((e) => e.id).sort();
        assert.deepEqual(
          ids("/all"),
          ["f1", "f2", "f3"],
          "the event sent before the triggers existed is not theirs",
        );
        assert.deepEqual(ids("/type"), ["f1", "f2"]);
        assert.deepEqual(ids("/cesql"), ["f1"]);
        assert.equal(sink.at("/all")[0].extensions.knativebrokerttl, undefined);
      },
    );

    await t.step("a failing subscriber is retried, then dead-lettered, and its group moves on", async () => {
      const name = `d-503-${RUN}`;
      await put("triggers", trigger(name, broker, { uri: sink.url("/fail503") }, byType("doomed")));
      await ready("triggers", name);
      assert.equal(await send(broker, event("dl1", "doomed")), 202);
      assert.equal(await send(broker, event("dl2", "doomed")), 202);
      await eventually("two dead letters", () => Promise.resolve(sink.at("/dls").length >= 2 || undefined));
      const attempts = sink.at("/fail503").filter((e) => e.id === "dl1").length;
      assert.equal(attempts, 3, "retry 2 = 3 attempts");
      const dead = sink.at("/dls").find((e) => e.id === "dl1");
      assert.equal(dead?.extensions.knativeerrorcode, "503");
      assert.equal(dead?.extensions.knativeerrordest, sink.url("/fail503"));
      const ends = await admin.fetchTopicOffsets(topic);
      const end = new Map(ends.map((p) => [p.partition, Number(p.high)]));
      await eventually("the group's offsets past every record", async () => {
        const committed = await kafka.committed(`knative-trigger-default-${name}`, topic);
        return committed.every((offset, partition) => offset >= end.get(partition)!) || undefined;
      });
    });

    await t.step(
      "a function's reply re-enters the broker and reaches the trigger that wants it",
      async () => {
        const replier = {
          ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "event-replier" },
        };
        await put("triggers", trigger(`r-ping-${RUN}`, broker, replier, byType("ping")));
        await put("triggers", trigger(`r-pong-${RUN}`, broker, { uri: sink.url("/pongs") }, byType("pong")));
        for (const name of ["r-ping", "r-pong"]) await ready("triggers", `${name}-${RUN}`);
        assert.equal(await send(broker, event("p1", "ping")), 202);
        await eventually(
          "the pong",
          () => Promise.resolve(sink.at("/pongs").length >= 1 || undefined),
          30_000,
        );
        assert.equal(sink.at("/pongs")[0].id, "reply-to-p1");
      },
    );

    await t.step("an ordered trigger delivers the events of one partition key in order", async () => {
      const name = `o-ord-${RUN}`;
      const ordered = { "kafka.eventing.knative.dev/delivery.order": "ordered" };
      await put("triggers", trigger(name, broker, { uri: sink.url("/ordered") }, byType("seq"), ordered));
      await ready("triggers", name);
      const sent = Array.from({ length: 40 }, (_, i) => `s${i}`);
      for (const id of sent) assert.equal(await send(broker, event(id, "seq", { partitionkey: "k1" })), 202);
      await eventually(
        "40 ordered events",
        () => Promise.resolve(sink.at("/ordered").length >= 40 || undefined),
      );
      assert.deepEqual(sink.at("/ordered").map((e) => e.id), sent);
    });

    await t.step(
      "a broker whose Kafka does not answer is not Ready and answers 503, until it answers",
      async () => {
        const [hostname, port] = KAFKA_BROKERS[0].split(/:(?=\d+$)/);
        const forwarder = new TcpForwarder({ hostname, port: Number(port) });
        const name = `kout-${RUN}`;
        topics.push(`knative-broker-default-${name}`);
        const doc = kafkaBroker(name, {}, {
          "kafka.eventing.knative.dev/bootstrap.servers": forwarder.address,
        });
        try {
          await put("brokers", doc);
          const down = condition(await whenCondition("brokers", name, "Ready", (c) => c.status === "False"));
          assert.equal(down?.reason, "BrokerUnreachable");
          assert.match(down?.message ?? "", new RegExp(forwarder.address));
          assert.equal(await send(name, event("o0", "outage")), 503);
          await put("triggers", trigger(`o-out-${RUN}`, name, { uri: sink.url("/outage") }));
          forwarder.open();
          await ready("brokers", name);
          await ready("triggers", `o-out-${RUN}`);
          assert.equal(await send(name, event("o1", "outage")), 202);
          await eventually(
            "the event sent once Kafka answered",
            () => Promise.resolve(sink.at("/outage")[0]),
          );
          assert.deepEqual(
            sink.at("/outage").map((e) => e.id),
            ["o1"],
          );
          for (const path of [`triggers/o-out-${RUN}`, `brokers/${name}`]) {
            await platform.admin(`${EVENTING}/${path}`, { method: "DELETE" }).then((r) => r.body?.cancel());
          }
        } finally {
          forwarder.close();
        }
      },
    );

    await t.step("the platform killed mid-stream and restarted loses no event", async () => {
      const name = `c-slow-${RUN}`;
      await put("triggers", trigger(name, broker, { uri: sink.url("/slow") }, byType("crash")));
      await ready("triggers", name);
      const total = 1_500;
      const started = performance.now();
      const ids = Array.from({ length: total }, (_, i) => `c${i}`);
      for (let i = 0; i < total; i += 50) {
        const codes = await Promise.all(ids.slice(i, i + 50).map((id) => send(broker, event(id, "crash"))));
        assert.ok(codes.every((c) => c === 202));
      }
      const ingressRate = Math.round(total / ((performance.now() - started) / 1000));
      await eventually(
        "a quarter of the events",
        () => Promise.resolve(sink.at("/slow").length >= total / 4 || undefined),
        20_000,
        5,
      );
      await platform.kill();
      const beforeKill = sink.at("/slow").length;
      platform = await Platform.start({ state: platform.state, env });
      await eventually(
        "every event after the restart",
        () => Promise.resolve(new Set(sink.at("/slow").map((e) => e.id)).size === total || undefined),
        40_000,
        50,
      );
      const received = sink.at("/slow").length;
      console.log(
        `  ingress: ${total} events accepted at ${ingressRate}/s (50 concurrent); killed after ${beforeKill} ` +
          `deliveries; after the restart: ${total} distinct, ${received - total} duplicate(s)`,
      );
    });
  } finally {
    await platform.stop();
    await sink.server.shutdown();
    await admin.deleteGroups([...new Set(groups)]).catch(() => {});
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await kafka.close();
  }
}, missing);
