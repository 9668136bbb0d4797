/**
 * KafkaSink against a real broker (`KAFKA_BROKERS`): events POSTed to its address (binary,
 * structured and batched HTTP modes) are in its topic when the 202 comes, in the sink's content
 * mode, read back with a plain kafkajs consumer; invalid events get 400, an unknown sink 404, a
 * broker that is not there 503; a KafkaSource can name a KafkaSink as its sink; Knative's KafkaSink
 * documents are accepted.
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { Platform } from "./harness.ts";
import {
  condition,
  type Conditioned,
  eventually,
  KAFKA_BROKERS,
  KAFKA_SINKS,
  KAFKA_SOURCES,
  kafkaSource,
  kafkaTest,
  putResource,
  TestKafka,
  unreachable,
} from "./kafka_test_env.ts";
import { decodeKafkaRecord } from "../platform/eventing/cloudevents/kafka_decode.ts";
import {
  encodeHttpBatch,
  encodeHttpBinary,
  encodeHttpStructured,
} from "../platform/eventing/cloudevents/http_encode.ts";
import type { CloudEvent } from "../platform/eventing/cloudevents/cloudevent.ts";
import type { KafkaRecord } from "../platform/eventing/cloudevents/kafka_record.ts";
import type { ReadRecord } from "./kafka_test_env.ts";
import { conformanceSuite } from "./conformance.ts";

const DOCUMENTS = conformanceSuite("knative-yaml");
const missing = await unreachable(KAFKA_BROKERS);

interface SinkDoc extends Conditioned {
  status?: Conditioned["status"] & { address?: { url: string } };
}

function kafkaSink(name: string, spec: Record<string, unknown>) {
  return { apiVersion: "eventing.knative.dev/v1alpha1", kind: "KafkaSink", metadata: { name }, spec };
}

const event = (id: string, extensions: CloudEvent["extensions"] = {}): CloudEvent => ({
  specversion: "1.0",
  id,
  source: "/test/kafkasink",
  type: "test.kafkasink",
  datacontenttype: "application/json",
  extensions,
  data: { id },
});

function post(url: string, encoded: { headers: Record<string, string>; body: Uint8Array<ArrayBuffer> }) {
  return fetch(url, { method: "POST", headers: encoded.headers, body: encoded.body });
}

function decoded(record: ReadRecord): CloudEvent {
  const kafkaRecord: KafkaRecord = { key: record.key, value: record.value, headers: {} };
  for (const [name, value] of Object.entries(record.headers)) {
    if (value !== undefined) kafkaRecord.headers[name] = Array.isArray(value) ? value[0] : value;
  }
  return decodeKafkaRecord(kafkaRecord);
}

async function readySink(platform: Platform, name: string): Promise<string> {
  const sink = await eventually(`KafkaSink ${name} Ready`, async () => {
    const s = await platform.adminJson<SinkDoc>(`${KAFKA_SINKS}/${name}`);
    return condition(s)?.status === "True" ? s : undefined;
  });
  return sink.status!.address!.url;
}

kafkaTest("kafka sink: what it accepts is in the topic, in its content mode", async (t) => {
  const kafka = await TestKafka.connect();
  const platform = await Platform.start();
  try {
    await t.step(
      "binary mode: each event POSTed in any HTTP mode is a ce_ record after the 202",
      async () => {
        const topic = await kafka.topic("sink-binary", 2);
        await putResource(
          platform,
          `${KAFKA_SINKS}/binary`,
          kafkaSink("binary", { topic, bootstrapServers: KAFKA_BROKERS }),
        );
        const url = await readySink(platform, "binary");
        assert.equal(url, `http://127.0.0.1:${platform.port}/kafkasink/default/binary`);
        const sent = [event("b1", { partitionkey: "p1" }), event("b2"), event("b3"), event("b4")];
        assert.equal((await post(url, encodeHttpBinary(sent[0]))).status, 202);
        assert.equal((await post(url, encodeHttpStructured(sent[1]))).status, 202);
        assert.equal((await post(url, encodeHttpBatch([sent[2], sent[3]]))).status, 202);
        const records = await kafka.read(topic, 4);
        const events = records.map(decoded).sort((a, b) => a.id.localeCompare(b.id));
        assert.deepEqual(events.map((e) => [e.id, e.type, new TextDecoder().decode(e.data as Uint8Array)]), [
          ["b1", "test.kafkasink", '{"id":"b1"}'],
          ["b2", "test.kafkasink", '{"id":"b2"}'],
          ["b3", "test.kafkasink", '{"id":"b3"}'],
          ["b4", "test.kafkasink", '{"id":"b4"}'],
        ]);
        const keyed = records.find((r) => r.headers.ce_id?.toString() === "b1")!;
        assert.equal(new TextDecoder().decode(keyed.key!), "p1", "partitionkey becomes the record key");
        assert.equal(keyed.headers["content-type"]?.toString(), "application/json");
      },
    );

    await t.step("structured mode: the record's value is the JSON event", async () => {
      const topic = await kafka.topic("sink-structured", 1);
      await putResource(
        platform,
        `${KAFKA_SINKS}/structured`,
        kafkaSink("structured", { topic, bootstrapServers: KAFKA_BROKERS, contentMode: "structured" }),
      );
      const url = await readySink(platform, "structured");
      assert.equal((await post(url, encodeHttpBinary(event("s1")))).status, 202);
      const [record] = await kafka.read(topic, 1);
      assert.match(record.headers["content-type"]?.toString() ?? "", /^application\/cloudevents\+json/);
      const json = JSON.parse(new TextDecoder().decode(record.value!));
      assert.deepEqual([json.id, json.type, json.data], ["s1", "test.kafkasink", { id: "s1" }]);
    });

    await t.step("an invalid event gets 400, an unknown sink 404, a GET 405", async () => {
      const base = `http://127.0.0.1:${platform.port}/kafkasink/default`;
      const bad = await fetch(`${base}/binary`, {
        method: "POST",
        headers: { "ce-specversion": "1.0", "ce-id": "x", "ce-type": "t" },
        body: "no source",
      });
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /source/);
      const unknown = await post(`${base}/nope`, encodeHttpBinary(event("n")));
      assert.equal(unknown.status, 404);
      await unknown.body?.cancel();
      const get = await fetch(`${base}/binary`);
      assert.equal(get.status, 405);
      await get.body?.cancel();
    });

    await t.step("a sink whose broker does not answer gets 503 and is not Ready", async () => {
      await putResource(
        platform,
        `${KAFKA_SINKS}/nowhere`,
        kafkaSink("nowhere", {
          topic: "t",
          bootstrapServers: ["127.0.0.1:1"],
        }),
      );
      const sink = await eventually("the unreachable sink's status", async () => {
        const s = await platform.adminJson<SinkDoc>(`${KAFKA_SINKS}/nowhere`);
        return condition(s, "TopicReady")?.reason === "BrokerUnreachable" ? s : undefined;
      });
      const res = await post(sink.status!.address!.url, encodeHttpBinary(event("lost")));
      assert.equal(res.status, 503);
      assert.match(await res.text(), /could not be written/);
    });

    await t.step("a KafkaSource whose sink is a KafkaSink copies one topic into another", async () => {
      const from = await kafka.topic("copy-from", 1);
      const to = await kafka.topic("copy-to", 1);
      await putResource(
        platform,
        `${KAFKA_SINKS}/copy`,
        kafkaSink("copy", { topic: to, bootstrapServers: KAFKA_BROKERS }),
      );
      await kafka.produce(from, [{ key: "k", value: "copied" }]);
      await putResource(
        platform,
        `${KAFKA_SOURCES}/copy`,
        kafkaSource("copy", {
          bootstrapServers: KAFKA_BROKERS,
          topics: [from],
          initialOffset: "earliest",
          sink: { ref: { apiVersion: "eventing.knative.dev/v1alpha1", kind: "KafkaSink", name: "copy" } },
        }),
      );
      const [record] = await kafka.read(to, 1);
      const copied = decoded(record);
      assert.equal(copied.type, "dev.knative.kafka.event");
      assert.equal(copied.id, "partition:0/offset:0");
      assert.equal(copied.extensions.key, "k");
      assert.equal(new TextDecoder().decode(copied.data as Uint8Array), "copied");
    });

    await DOCUMENTS.step(t, "Knative's KafkaSink documents are accepted", async () => {
      for (const file of ["kafkasink-basic.yaml", "kafkasink-content-mode.yaml"]) {
        const doc = YAML.parse(DOCUMENTS.readText(file));
        const res = await platform.admin(`${KAFKA_SINKS}/${doc.metadata.name}`, {
          method: "PUT",
          body: YAML.stringify(doc),
          headers: { "content-type": "application/yaml" },
        });
        assert.ok(res.status === 201 || res.status === 200, `${file}: ${res.status} ${await res.text()}`);
      }
      await platform.admin(`${KAFKA_SINKS}/my-kafka-sink`, { method: "DELETE" }).then((r) =>
        r.body?.cancel()
      );
    });
  } finally {
    await platform.stop();
    await kafka.close();
  }
}, missing);
