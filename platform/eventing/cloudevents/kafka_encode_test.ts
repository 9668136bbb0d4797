import assert from "node:assert/strict";
import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { decodeKafkaRecord } from "./kafka_decode.ts";
import { encodeKafkaBinary, encodeKafkaStructured } from "./kafka_encode.ts";

const event: CloudEvent = {
  specversion: "1.0",
  id: "1",
  source: "/s",
  type: "t",
  subject: "caf\u00e9 100%",
  datacontenttype: "application/json",
  extensions: { count: 2 },
  data: { a: 1 },
};

Deno.test("binary mode writes ce_ headers without percent-encoding and the data as value", () => {
  const record = encodeKafkaBinary(event);
  assert.deepEqual(record.headers, {
    ce_specversion: "1.0",
    ce_id: "1",
    ce_source: "/s",
    ce_type: "t",
    ce_subject: "caf\u00e9 100%",
    ce_count: "2",
    "content-type": "application/json",
  });
  assert.equal(new TextDecoder().decode(record.value!), '{"a":1}');
  assert.equal(record.key, null);
});

Deno.test("binary mode round-trips through the decoder", () => {
  const decoded = decodeKafkaRecord(encodeKafkaBinary(event));
  assert.deepEqual(decoded, {
    ...event,
    extensions: { count: "2" },
    data: new TextEncoder().encode('{"a":1}'),
  });
});

Deno.test("an event without data becomes a record without value", () => {
  assert.equal(encodeKafkaBinary({ ...event, data: undefined }).value, null);
});

Deno.test("the partitionkey extension becomes the record key unless a key is given", () => {
  const keyed = { ...event, extensions: { partitionkey: "order-7" } };
  assert.equal(encodeKafkaBinary(keyed).key, "order-7");
  assert.equal(encodeKafkaStructured(keyed).key, "order-7");
  assert.equal(encodeKafkaBinary(keyed, { key: "explicit" }).key, "explicit");
  assert.equal(encodeKafkaBinary(keyed, { key: null }).key, null);
  // The mapping must not remove the attribute from the event.
  assert.equal(encodeKafkaBinary(keyed).headers.ce_partitionkey, "order-7");
});

Deno.test("structured mode writes the JSON event format as value", () => {
  const record = encodeKafkaStructured(event);
  assert.deepEqual(record.headers, { "content-type": "application/cloudevents+json; charset=utf-8" });
  assert.deepEqual(decodeKafkaRecord(record), event);
});

Deno.test("an invalid event cannot be written to Kafka", () => {
  assert.throws(
    () => encodeKafkaBinary({ ...event, source: "" }),
    (error: unknown) => error instanceof CloudEventError && error.field === "source",
  );
});
