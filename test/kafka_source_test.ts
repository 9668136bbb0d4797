/**
 * KafkaSource against a real broker (`KAFKA_BROKERS`), the platform as a subprocess and a recorder
 * function (one instance) as the sink: 10,000 records all delivered and in order per partition;
 * unordered delivery; CloudEvent records passing unchanged; a failing sink retried then
 * dead-lettered while the offset moves on; two members of one group through a rebalance; Knative's
 * documents accepted. A second test kills the
 * platform mid-stream and restarts it on the same state: nothing is lost, duplicates are counted.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import YAML from "yaml";
import { FIXTURES, Platform } from "./harness.ts";
import { Sink } from "./event_sink.ts";
import {
  condition,
  type Conditioned,
  eventually,
  KAFKA_BROKERS,
  KAFKA_SOURCES,
  kafkaSource,
  kafkaTest,
  putResource,
  serviceSink,
  TestKafka,
  unreachable,
} from "./kafka_test_env.ts";
import { encodeKafkaBinary } from "../platform/eventing/cloudevents/kafka_encode.ts";
import { conformanceSuite } from "./conformance.ts";

const RECORDER = "kafka-recorder";
const DOCUMENTS = conformanceSuite("knative-yaml");
const missing = await unreachable(KAFKA_BROKERS);

interface Seen {
  id: string;
  type: string;
  source: string;
  subject: string;
  key: string | null;
  errorcode: string | null;
  data: string;
}

interface Recording {
  count: number;
  failures: number;
  events: Seen[];
}

async function recording(platform: Platform, bucket: string): Promise<Recording> {
  const res = await platform.call(RECORDER, `/${bucket}`);
  assert.equal(res.status, 200);
  return await res.json();
}

async function recordedAtLeast(platform: Platform, bucket: string, count: number, timeoutMs = 30_000) {
  return await eventually(
    `${count} events at /${bucket}`,
    async () => {
      const res = await platform.call(RECORDER, `/${bucket}?summary`);
      const { count: got } = await res.json() as { count: number };
      return got >= count ? await recording(platform, bucket) : undefined;
    },
    timeoutMs,
    200,
  );
}

/** The partition and offset of an event id `partition:<p>/offset:<o>`. */
function position(id: string): { partition: number; offset: number } {
  const m = /^partition:(\d+)\/offset:(\d+)$/.exec(id);
  assert.ok(m, `unexpected event id ${id}`);
  return { partition: Number(m[1]), offset: Number(m[2]) };
}

kafkaTest(
  "kafka source: delivery, ordering, pass-through and dead letters against a real broker",
  async (t) => {
    const kafka = await TestKafka.connect();
    const platform = await Platform.start({ functions: { [RECORDER]: `${FIXTURES}/kafka_recorder` } });
    try {
      await t.step("10,000 records all reach the function, each partition in offset order", async () => {
        const topic = await kafka.topic("ordered", 4);
        const total = 10_000;
        await kafka.produce(
          topic,
          Array.from({ length: total }, (_, i) => ({ key: `k${i % 64}`, value: `v${i}` })),
        );
        const source = await putResource(
          platform,
          `${KAFKA_SOURCES}/ordered`,
          kafkaSource("ordered", {
            bootstrapServers: KAFKA_BROKERS,
            topics: [topic],
            initialOffset: "earliest",
            sink: serviceSink(RECORDER, "/ordered"),
          }),
        );
        assert.equal((source as { spec: { ordering: string } }).spec.ordering, "ordered");
        const started = Date.now();
        const got = await recordedAtLeast(platform, "ordered", total, 60_000);
        const seconds = (Date.now() - started) / 1000;
        const ids = new Set(got.events.map((e) => e.id));
        assert.equal(ids.size, total, "every record arrives");
        const last = new Map<number, number>();
        for (const e of got.events) {
          const { partition, offset } = position(e.id);
          assert.ok(
            (last.get(partition) ?? -1) < offset,
            `partition ${partition}: offset ${offset} after ${last.get(partition)}`,
          );
          last.set(partition, offset);
        }
        const first = got.events.find((e) => e.id === "partition:0/offset:0")!;
        assert.equal(first.type, "dev.knative.kafka.event");
        assert.equal(first.source, `/apis/v1/namespaces/default/kafkasources/ordered#${topic}`);
        assert.equal(first.subject, "partition:0#0");
        assert.match(first.key ?? "", /^k\d+$/);
        console.log(
          `  ${total} ordered events in ${seconds.toFixed(1)} s, ${got.count - ids.size} duplicate(s)`,
        );
        const status = await platform.adminJson<Conditioned>(`${KAFKA_SOURCES}/ordered`);
        assert.equal(condition(status)?.status, "True");
        assert.equal(status.status?.sinkUri, `http://${RECORDER}.default.localhost:${platform.port}/ordered`);
      });

      await t.step("unordered delivery brings every record too", async () => {
        const topic = await kafka.topic("unordered", 2);
        await kafka.produce(topic, Array.from({ length: 2_000 }, (_, i) => ({ value: `u${i}` })));
        await putResource(
          platform,
          `${KAFKA_SOURCES}/unordered`,
          kafkaSource("unordered", {
            bootstrapServers: KAFKA_BROKERS,
            topics: [topic],
            initialOffset: "earliest",
            ordering: "unordered",
            sink: serviceSink(RECORDER, "/unordered"),
          }),
        );
        const got = await recordedAtLeast(platform, "unordered", 2_000);
        assert.equal(new Set(got.events.map((e) => e.data)).size, 2_000);
      });

      await t.step("a record that is a CloudEvent passes unchanged", async () => {
        const topic = await kafka.topic("passthrough", 1);
        const record = encodeKafkaBinary({
          specversion: "1.0",
          id: "order-1",
          source: "/shop",
          type: "order.created",
          datacontenttype: "application/json",
          extensions: {},
          data: { total: 3 },
        });
        await kafka.produce(topic, [{
          value: Buffer.from(record.value!),
          headers: record.headers as Record<string, string>,
        }]);
        await putResource(
          platform,
          `${KAFKA_SOURCES}/passthrough`,
          kafkaSource("passthrough", {
            bootstrapServers: KAFKA_BROKERS,
            topics: [topic],
            initialOffset: "earliest",
            sink: serviceSink(RECORDER, "/passthrough"),
          }),
        );
        const [event] = (await recordedAtLeast(platform, "passthrough", 1)).events;
        assert.deepEqual([event.id, event.type, event.source, event.data], [
          "order-1",
          "order.created",
          "/shop",
          '{"total":3}',
        ]);
      });

      await t.step("a failing sink is retried, then dead-lettered, and the offset moves on", async () => {
        const topic = await kafka.topic("poison", 1);
        await kafka.produce(topic, ["a", "b", "poison", "c", "d"].map((value) => ({ value })));
        const source = await putResource<{ status?: { consumerGroup?: string } }>(
          platform,
          `${KAFKA_SOURCES}/poison`,
          kafkaSource("poison", {
            bootstrapServers: KAFKA_BROKERS,
            topics: [topic],
            initialOffset: "earliest",
            sink: serviceSink(RECORDER, "/main?fail=poison"),
            delivery: { retry: 2, backoffDelay: "PT0.05S", deadLetterSink: serviceSink(RECORDER, "/dead") },
          }),
        );
        const main = await recordedAtLeast(platform, "main", 4);
        assert.deepEqual(main.events.map((e) => e.data), ["a", "b", "c", "d"]);
        assert.equal(main.failures, 3, "the first attempt and two retries");
        const dead = await recordedAtLeast(platform, "dead", 1);
        assert.deepEqual(dead.events.map((e) => [e.data, e.errorcode]), [["poison", "500"]]);
        const group = source.status?.consumerGroup ??
          (await platform.adminJson<{ status: { consumerGroup: string } }>(`${KAFKA_SOURCES}/poison`)).status
            .consumerGroup;
        await eventually("the group to commit past every record", async () => {
          const [committed] = await kafka.committed(group, topic);
          return committed === 5 ? true : undefined;
        }, 10_000);
        const metrics = await (await platform.admin("/metrics")).text();
        const count = (result: string) =>
          Number(metrics.match(new RegExp(`kafkasource="poison",result="${result}"\\} (\\d+)`))?.[1]);
        assert.equal(count("delivered"), 4);
        assert.equal(count("dead_lettered"), 1);
      });

      await t.step(
        "two sources sharing a consumer group survive the rebalance when one goes away",
        async () => {
          const topic = await kafka.topic("rebalance", 4);
          const spec = (bucket: string) => ({
            bootstrapServers: KAFKA_BROKERS,
            topics: [topic],
            consumerGroup: `rebalance-${topic}`,
            initialOffset: "earliest",
            sink: serviceSink(RECORDER, `/${bucket}`),
          });
          await putResource(
            platform,
            `${KAFKA_SOURCES}/rebalance-a`,
            kafkaSource("rebalance-a", spec("rebalance-a")),
          );
          await putResource(
            platform,
            `${KAFKA_SOURCES}/rebalance-b`,
            kafkaSource("rebalance-b", spec("rebalance-b")),
          );
          const produce = (from: number) =>
            kafka.produce(
              topic,
              Array.from({ length: 1_000 }, (_, i) => ({ key: `k${from + i}`, value: `r${from + i}` })),
            );
          const both = async () => {
            const [a, b] = await Promise.all([
              recording(platform, "rebalance-a"),
              recording(platform, "rebalance-b"),
            ]);
            return { a, b, distinct: new Set([...a.events, ...b.events].map((e) => e.data)).size };
          };
          await eventually("both members to join", async () => {
            const [a, b] = await Promise.all(
              ["rebalance-a", "rebalance-b"].map((name) =>
                platform.adminJson<Conditioned>(`${KAFKA_SOURCES}/${name}`)
              ),
            );
            return condition(a)?.status === "True" && condition(b)?.status === "True" || undefined;
          });
          await produce(0);
          await eventually("the first thousand", async () => (await both()).distinct === 1_000 || undefined);
          const shared = await both();
          assert.ok(shared.a.count > 0 && shared.b.count > 0, "both members got partitions");
          await platform.admin(`${KAFKA_SOURCES}/rebalance-b`, { method: "DELETE" }).then((r) =>
            r.body?.cancel()
          );
          await produce(1_000);
          const after = await eventually("every record after the rebalance", async () => {
            const now = await both();
            return now.distinct === 2_000 ? now : undefined;
          }, 30_000);
          console.log(
            `  a got ${after.a.count}, b got ${after.b.count} before leaving; ` +
              `${after.a.count + after.b.count - 2_000} duplicate(s)`,
          );
        },
      );

      await DOCUMENTS.step(
        t,
        "Knative's KafkaSource documents are accepted; the TLS one says it cannot connect",
        async () => {
          for (const file of ["kafkasource-basic.yaml", "kafkasource-tls.yaml"]) {
            const doc = YAML.parse(DOCUMENTS.readText(file));
            const res = await platform.admin(`${KAFKA_SOURCES}/${doc.metadata.name}`, {
              method: "PUT",
              body: YAML.stringify(doc),
              headers: { "content-type": "application/yaml" },
            });
            assert.equal(res.status, 201, `${file}: ${await res.text()}`);
          }
          const tls = await eventually("the TLS source's status", async () => {
            const s = await platform.adminJson<Conditioned>(`${KAFKA_SOURCES}/kafka-source-with-tls`);
            return condition(s, "ConnectionEstablished") ? s : undefined;
          });
          assert.equal(condition(tls, "ConnectionEstablished")?.reason, "NetNotSupported");
          assert.equal(condition(tls)?.status, "False");
          const v1beta1 = await platform.adminJson<{ items: unknown[] }>(
            "/apis/sources.knative.dev/v1beta1/namespaces/default/kafkasources",
          );
          assert.ok(v1beta1.items.length >= 2);
          for (const name of ["kafka-source", "kafka-source-with-tls"]) {
            await platform.admin(`${KAFKA_SOURCES}/${name}`, { method: "DELETE" }).then((r) =>
              r.body?.cancel()
            );
          }
        },
      );
    } finally {
      await platform.stop();
      await kafka.close();
    }
  },
  missing,
);

kafkaTest("kafka source: the platform killed mid-stream and restarted loses no record", async () => {
  const kafka = await TestKafka.connect();
  const sink = new Sink();
  const total = 4_000;
  const topic = await kafka.topic("crash", 4);
  await kafka.produce(
    topic,
    Array.from({ length: total }, (_, i) => ({ key: `k${i % 16}`, value: `c${i}` })),
  );
  let platform = await Platform.start();
  try {
    await putResource(
      platform,
      `${KAFKA_SOURCES}/crash`,
      kafkaSource("crash", {
        bootstrapServers: KAFKA_BROKERS,
        topics: [topic],
        initialOffset: "earliest",
        sink: { uri: sink.url("/crash") },
      }),
    );
    await eventually(
      "a quarter of the records",
      () => Promise.resolve(sink.at("/crash").length >= total / 4 || undefined),
      30_000,
      5,
    );
    await platform.kill();
    const beforeKill = sink.at("/crash").length;
    platform = await Platform.start({ state: platform.state });
    await eventually(
      "every record after the restart",
      () => Promise.resolve(new Set(sink.at("/crash").map((e) => e.id)).size === total || undefined),
      60_000,
      50,
    );
    const received = sink.at("/crash").length;
    console.log(
      `  killed after ${beforeKill} of ${total} events; after the restart: ${total} distinct, ` +
        `${received - total} duplicate(s)`,
    );
  } finally {
    await platform.stop();
    await sink.server.shutdown();
    await kafka.close();
  }
}, missing);
