import assert from "node:assert/strict";
import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import {
  eventFromJsonObject,
  eventToJsonObject,
  parseJsonBatch,
  parseJsonEvent,
  serializeJsonBatch,
  serializeJsonEvent,
} from "./json_format.ts";

const base: CloudEvent = { specversion: "1.0", id: "1", source: "/s", type: "t", extensions: {} };
const attributes = { specversion: "1.0", id: "1", source: "/s", type: "t" };

Deno.test("data_base64 is decoded into bytes", () => {
  const event = eventFromJsonObject({ ...attributes, data_base64: "TWE=" });
  assert.deepEqual(event.data, new Uint8Array([77, 97]));
});

Deno.test("data_base64 that is not base64 is refused naming data_base64", () => {
  assert.throws(
    () => eventFromJsonObject({ ...attributes, data_base64: "T@E=" }),
    (error: unknown) => error instanceof CloudEventError && error.field === "data_base64",
  );
  assert.throws(
    () => eventFromJsonObject({ ...attributes, data_base64: 5 }),
    (error: unknown) => error instanceof CloudEventError && error.field === "data_base64",
  );
});

Deno.test("a JSON string member stays a string and is not parsed again", () => {
  assert.equal(eventFromJsonObject({ ...attributes, data: '{"a":1}' }).data, '{"a":1}');
});

Deno.test("an explicit null data member is kept, an absent one means no data", () => {
  assert.equal(eventFromJsonObject({ ...attributes, data: null }).data, null);
  assert.ok(!("data" in eventFromJsonObject(attributes)));
});

Deno.test("something other than an object is not an event", () => {
  for (const value of [[], "x", null, 3]) {
    assert.throws(
      () => eventFromJsonObject(value),
      (error: unknown) => error instanceof CloudEventError && error.field === "event",
    );
  }
});

Deno.test("binary data is written as data_base64", () => {
  const object = eventToJsonObject({
    ...base,
    datacontenttype: "image/png",
    data: new Uint8Array([1, 2, 3]),
  });
  assert.equal(object.data_base64, "AQID");
  assert.ok(!("data" in object));
});

Deno.test("bytes of a JSON content type holding JSON are embedded as the data value", () => {
  const bytes = new TextEncoder().encode('{"message":"Hello World!"}');
  const object = eventToJsonObject({ ...base, datacontenttype: "application/json", data: bytes });
  assert.deepEqual(object.data, { message: "Hello World!" });
});

Deno.test("bytes of a JSON content type that are not JSON fall back to data_base64", () => {
  const object = eventToJsonObject({
    ...base,
    datacontenttype: "application/json",
    data: new Uint8Array([0xff]),
  });
  assert.equal(object.data_base64, "/w==");
});

Deno.test("extensions are written as top-level members", () => {
  assert.deepEqual(eventToJsonObject({ ...base, extensions: { ext: "x", n: 1 } }), {
    ...attributes,
    ext: "x",
    n: 1,
  });
});

Deno.test("an object cannot be written as text data", () => {
  assert.throws(
    () => eventToJsonObject({ ...base, datacontenttype: "text/plain", data: { a: 1 } }),
    (error: unknown) => error instanceof CloudEventError && error.field === "data",
  );
});

Deno.test("a serialized event parses back to the same event", () => {
  const event: CloudEvent = {
    ...base,
    time: "2018-04-05T17:31:00Z",
    datacontenttype: "text/plain",
    extensions: { b: true },
    data: "text",
  };
  assert.deepEqual(parseJsonEvent(serializeJsonEvent(event)), event);
  assert.deepEqual(parseJsonEvent(new TextEncoder().encode(serializeJsonEvent(event))), event);
});

Deno.test("a body that is not JSON is refused naming the body", () => {
  assert.throws(
    () => parseJsonEvent("{"),
    (error: unknown) => error instanceof CloudEventError && error.field === "body",
  );
  assert.throws(
    () => parseJsonEvent(new Uint8Array([0x7b, 0xc0, 0xa0, 0x7d])),
    (error: unknown) => error instanceof CloudEventError && error.field === "body",
  );
});

Deno.test("a batch round-trips and may be empty", () => {
  const events = [base, { ...base, id: "2", data: { a: 1 } }];
  assert.deepEqual(parseJsonBatch(serializeJsonBatch(events)), events);
  assert.deepEqual(parseJsonBatch("[]"), []);
});

Deno.test("a batch that is not an array is refused", () => {
  assert.throws(
    () => parseJsonBatch("{}"),
    (error: unknown) => error instanceof CloudEventError && error.field === "body",
  );
});

Deno.test("an invalid event in a batch is reported with its index", () => {
  assert.throws(
    () => parseJsonBatch(JSON.stringify([attributes, { ...attributes, id: "" }])),
    (error: unknown) => error instanceof CloudEventError && error.index === 1 && error.field === "id",
  );
  assert.throws(
    () => serializeJsonBatch([base, { ...base, type: "" }]),
    (error: unknown) => error instanceof CloudEventError && error.index === 1 && error.field === "type",
  );
});
