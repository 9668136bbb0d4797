import { deepStrictEqual, equal } from "node:assert/strict";
import { encodeKafkaBinary, encodeKafkaStructured } from "../eventing/cloudevents/kafka_encode.ts";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import type { ConsumedRecord } from "./kafka_client.ts";
import { keyValue, recordToEvent, type SourceIdentity } from "./kafka_source_event.ts";

const utf8 = new TextEncoder();
const SOURCE: SourceIdentity = { namespace: "default", name: "orders", keyType: "string" };

function record(fields: Partial<ConsumedRecord> = {}): ConsumedRecord {
  return {
    topic: "orders",
    partition: 2,
    offset: "17",
    timestamp: Date.parse("2024-05-01T10:00:00.000Z"),
    key: utf8.encode("order-9"),
    value: utf8.encode('{"total":12}'),
    headers: {},
    ...fields,
  };
}

Deno.test("a plain record becomes Knative's dev.knative.kafka.event", () => {
  const event = recordToEvent(record({ headers: { "content-type": "application/json" } }), SOURCE);
  deepStrictEqual(event, {
    specversion: "1.0",
    id: "partition:2/offset:17",
    source: "/apis/v1/namespaces/default/kafkasources/orders#orders",
    type: "dev.knative.kafka.event",
    subject: "partition:2#17",
    time: "2024-05-01T10:00:00.000Z",
    datacontenttype: "application/json",
    extensions: { key: "order-9" },
    data: utf8.encode('{"total":12}'),
  });
});

Deno.test("record headers become kafkaheader extensions when the name fits CloudEvents' 20 characters", () => {
  const event = recordToEvent(record({ headers: { "trace-id": "abc", "a-very-long-header": "x" } }), SOURCE);
  equal(event.extensions.kafkaheadertraceid, "abc");
  equal(Object.keys(event.extensions).some((k) => k.startsWith("kafkaheaderavery")), false);
});

Deno.test("a record without key or value has no key extension and no data", () => {
  const event = recordToEvent(record({ key: null, value: null }), SOURCE);
  equal("key" in event.extensions, false);
  equal(event.data, undefined);
});

Deno.test("a binary-mode CloudEvent record passes unchanged", () => {
  const original: CloudEvent = {
    specversion: "1.0",
    id: "e-1",
    source: "/shop",
    type: "order.created",
    datacontenttype: "text/plain",
    extensions: { tenant: "a" },
    data: utf8.encode("hi"),
  };
  const kafka = encodeKafkaBinary(original);
  const event = recordToEvent(record({ headers: kafka.headers, value: kafka.value }), SOURCE);
  deepStrictEqual(event, original);
});

Deno.test("a structured-mode CloudEvent record passes unchanged", () => {
  const original: CloudEvent = {
    specversion: "1.0",
    id: "e-2",
    source: "/s",
    type: "t",
    extensions: {},
    data: [1],
  };
  const kafka = encodeKafkaStructured(original);
  const event = recordToEvent(record({ headers: kafka.headers, value: kafka.value }), SOURCE);
  deepStrictEqual(event, original);
});

Deno.test("a record with ce_ headers that are not a valid CloudEvent is delivered as a plain record", () => {
  const event = recordToEvent(record({ headers: { ce_specversion: "1.0", ce_id: "x" } }), SOURCE);
  equal(event.type, "dev.knative.kafka.event");
});

Deno.test("ceOverrides extensions are set on plain and pass-through events", () => {
  const overrides = { ...SOURCE, overrides: { team: "blue" } };
  equal(recordToEvent(record(), overrides).extensions.team, "blue");
  const kafka = encodeKafkaBinary({ specversion: "1.0", id: "1", source: "/s", type: "t", extensions: {} });
  equal(recordToEvent(record({ headers: kafka.headers, value: null }), overrides).extensions.team, "blue");
});

Deno.test("keys follow Knative's key-type annotation", () => {
  const int4 = new Uint8Array([0, 0, 1, 0]);
  const float8 = new Uint8Array(8);
  new DataView(float8.buffer).setFloat64(0, 1.5);
  equal(keyValue(utf8.encode("k"), "string"), "k");
  equal(keyValue(int4, "int"), 256);
  equal(keyValue(float8, "float"), "1.5");
  equal(keyValue(new Uint8Array([255, 0]), "byte-array"), "/wA=");
  equal(keyValue(new Uint8Array([255, 0]), "string"), "/wA=");
  equal(keyValue(null, "string"), undefined);
});
