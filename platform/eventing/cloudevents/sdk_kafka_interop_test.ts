// Kafka binding interop with the cloudevents npm SDK, in both directions. The SDK leaves the value as the raw
// event data for the producer client to serialize, so the SDK side is turned into bytes the way a producer
// would (JSON text for objects) before it reaches our record shape.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CloudEvent as SdkEvent, Kafka, type KafkaMessage } from "cloudevents";
import type { CloudEvent } from "./cloudevent.ts";
import { eventDataJson } from "./event_data.ts";
import { decodeKafkaRecord } from "./kafka_decode.ts";
import { encodeKafkaBinary, encodeKafkaStructured } from "./kafka_encode.ts";
import type { KafkaRecord } from "./kafka_record.ts";

const utf8 = new TextEncoder();

const attributes = {
  id: "kafka-1",
  source: "/apis/v1/namespaces/default/kafkasources/orders#orders",
  type: "dev.knative.kafka.event",
  subject: "partition:0#17",
  time: "2024-05-06T07:08:09.123Z",
};

function fromSdk(message: KafkaMessage<unknown>): KafkaRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (typeof value === "string") headers[name] = value;
  }
  const { value } = message;
  const bytes = value === undefined || value === null
    ? null
    : value instanceof Uint8Array
    ? value
    : utf8.encode(typeof value === "string" ? value : JSON.stringify(value));
  return { key: (message.key as string | undefined) ?? null, value: bytes, headers };
}

function toSdk(record: KafkaRecord): KafkaMessage<unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    headers[name] = typeof value === "string" ? value : new TextDecoder().decode(value);
  }
  const value = record.value === null ? null : Buffer.from(record.value);
  return { key: record.key as string, value, body: value, headers };
}

function assertSharedAttributes(event: { [name: string]: unknown }) {
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "time") assert.equal(Date.parse(event.time as string), Date.parse(value), name);
    else assert.equal(event[name], value, name);
  }
}

Deno.test("a binary-mode Kafka message encoded by the SDK decodes here with its key mapping", () => {
  const sdk = new SdkEvent({
    ...attributes,
    datacontenttype: "application/json",
    partitionkey: "order-42",
    data: { order: 42 },
  });
  const record = fromSdk(Kafka.binary(sdk));
  assert.equal(record.key, "order-42");
  const event = decodeKafkaRecord(record);
  assertSharedAttributes(event as unknown as Record<string, unknown>);
  assert.equal(event.extensions.partitionkey, "order-42");
  assert.deepEqual(eventDataJson(event), { order: 42 });
});

Deno.test("a structured-mode Kafka message encoded by the SDK decodes here", () => {
  const sdk = new SdkEvent({ ...attributes, datacontenttype: "application/json", data: { order: 42 } });
  const event = decodeKafkaRecord(fromSdk(Kafka.structured(sdk)));
  assertSharedAttributes(event as unknown as Record<string, unknown>);
  assert.deepEqual(event.data, { order: 42 });
});

const ours: CloudEvent = {
  specversion: "1.0",
  ...attributes,
  datacontenttype: "application/json",
  extensions: { partitionkey: "order-42", tenant: "acme" },
  data: { order: 42 },
};

Deno.test("a binary-mode Kafka record encoded here decodes in the SDK", () => {
  const sdk = Kafka.toEvent(toSdk(encodeKafkaBinary(ours))) as SdkEvent<unknown>;
  assertSharedAttributes(sdk as unknown as Record<string, unknown>);
  assert.equal(sdk.tenant, "acme");
  assert.equal(sdk.partitionkey, "order-42");
  assert.deepEqual(sdk.data, { order: 42 });
});

Deno.test("a structured-mode Kafka record encoded here decodes in the SDK", () => {
  const sdk = Kafka.toEvent(toSdk(encodeKafkaStructured(ours))) as SdkEvent<unknown>;
  assertSharedAttributes(sdk as unknown as Record<string, unknown>);
  assert.equal(sdk.tenant, "acme");
  assert.deepEqual(sdk.data, { order: 42 });
});
