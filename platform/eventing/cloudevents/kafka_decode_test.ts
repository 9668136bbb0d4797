import assert from "node:assert/strict";
import { CloudEventError } from "./cloudevent_error.ts";
import { decodeKafkaRecord } from "./kafka_decode.ts";

const utf8 = new TextEncoder();
const ceHeaders = { ce_specversion: "1.0", ce_id: "1", ce_source: "/s", ce_type: "t" };

function fieldError(field: string) {
  return (error: unknown) => error instanceof CloudEventError && error.field === field;
}

Deno.test("a binary-mode record reads attributes from ce_ headers given as bytes or strings", () => {
  const event = decodeKafkaRecord({
    key: "k",
    value: utf8.encode("payload"),
    headers: {
      ...ceHeaders,
      ce_subject: utf8.encode("caf\u00e9 100%"),
      "content-type": "text/plain",
      ce_ext: "x",
    },
  });
  assert.deepEqual(event, {
    specversion: "1.0",
    id: "1",
    source: "/s",
    type: "t",
    subject: "caf\u00e9 100%",
    datacontenttype: "text/plain",
    extensions: { ext: "x" },
    data: utf8.encode("payload"),
  });
});

Deno.test("a binary-mode record without value has no data", () => {
  assert.ok(!("data" in decodeKafkaRecord({ value: null, headers: ceHeaders })));
  assert.ok(!("data" in decodeKafkaRecord({ value: new Uint8Array(), headers: ceHeaders })));
});

Deno.test("a record without ce_specversion and CloudEvents content type is refused naming specversion", () => {
  assert.throws(
    () => decodeKafkaRecord({ value: utf8.encode("{}"), headers: { "content-type": "application/json" } }),
    fieldError("specversion"),
  );
});

Deno.test("a binary-mode record with an invalid attribute is refused naming it", () => {
  assert.throws(
    () => decodeKafkaRecord({ value: null, headers: { ...ceHeaders, ce_time: "later" } }),
    fieldError("time"),
  );
  assert.throws(
    () => decodeKafkaRecord({ value: null, headers: { ...ceHeaders, "ce_my.ext": "x" } }),
    fieldError("ce_my.ext"),
  );
});

Deno.test("a header value that is not UTF-8 is refused naming the header", () => {
  assert.throws(
    () =>
      decodeKafkaRecord({ value: null, headers: { ...ceHeaders, ce_subject: new Uint8Array([0xc0, 0xa0]) } }),
    fieldError("ce_subject"),
  );
});

Deno.test("a structured-mode record reads the event from its JSON value", () => {
  const event = decodeKafkaRecord({
    value: utf8.encode(JSON.stringify({ specversion: "1.0", id: "1", source: "/s", type: "t", data: [1] })),
    headers: { "Content-Type": utf8.encode("application/cloudevents+json; charset=utf-8") },
  });
  assert.deepEqual(event.data, [1]);
});

Deno.test("a structured-mode record without value is refused naming the value", () => {
  assert.throws(
    () => decodeKafkaRecord({ value: null, headers: { "content-type": "application/cloudevents+json" } }),
    fieldError("value"),
  );
});

Deno.test("batched and non-JSON formats are refused over Kafka naming content-type", () => {
  for (const contentType of ["application/cloudevents-batch+json", "application/cloudevents+avro"]) {
    assert.throws(
      () => decodeKafkaRecord({ value: utf8.encode("[]"), headers: { "content-type": contentType } }),
      fieldError("content-type"),
    );
  }
});
