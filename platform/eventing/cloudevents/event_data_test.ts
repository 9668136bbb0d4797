import assert from "node:assert/strict";
import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { eventDataBytes, eventDataJson, eventDataText } from "./event_data.ts";

const base: CloudEvent = { specversion: "1.0", id: "1", source: "/s", type: "t", extensions: {} };
const text = (bytes: Uint8Array | undefined) => bytes && new TextDecoder().decode(bytes);

Deno.test("an event without data has no bytes, JSON or text", () => {
  assert.equal(eventDataBytes(base), undefined);
  assert.equal(eventDataJson(base), undefined);
  assert.equal(eventDataText(base), undefined);
});

Deno.test("JSON data becomes JSON text, also without a content type", () => {
  assert.equal(text(eventDataBytes({ ...base, data: { a: [1, 2] } })), '{"a":[1,2]}');
  assert.equal(text(eventDataBytes({ ...base, datacontenttype: "application/json", data: "s" })), '"s"');
  assert.equal(text(eventDataBytes({ ...base, data: null })), "null");
});

Deno.test("a string with a non-JSON content type is sent as its UTF-8 bytes", () => {
  assert.equal(
    text(eventDataBytes({ ...base, datacontenttype: "text/plain", data: "caf\u00e9" })),
    "caf\u00e9",
  );
});

Deno.test("bytes are sent exactly as they are", () => {
  assert.deepEqual(eventDataBytes({ ...base, data: new Uint8Array([0, 255]) }), new Uint8Array([0, 255]));
});

Deno.test("an object cannot be sent under a non-JSON content type", () => {
  assert.throws(
    () => eventDataBytes({ ...base, datacontenttype: "text/plain", data: { a: 1 } }),
    (error: unknown) => error instanceof CloudEventError && error.field === "data",
  );
});

Deno.test("bytes and non-JSON strings are parsed when read as JSON", () => {
  const bytes = new TextEncoder().encode('{"message":"Hello World!"}');
  assert.deepEqual(eventDataJson({ ...base, data: bytes }), { message: "Hello World!" });
  assert.deepEqual(eventDataJson({ ...base, datacontenttype: "text/plain", data: "[1]" }), [1]);
  assert.equal(eventDataJson({ ...base, datacontenttype: "application/json", data: "[1]" }), "[1]");
});

Deno.test("bytes that are not JSON are reported as a data error when read as JSON", () => {
  assert.throws(
    () => eventDataJson({ ...base, data: new TextEncoder().encode("nope") }),
    (error: unknown) => error instanceof CloudEventError && error.field === "data",
  );
});

Deno.test("data read as text decodes bytes and serializes JSON values", () => {
  assert.equal(eventDataText({ ...base, data: new TextEncoder().encode("hi") }), "hi");
  assert.equal(eventDataText({ ...base, data: { a: 1 } }), '{"a":1}');
  assert.throws(() => eventDataText({ ...base, data: new Uint8Array([0xc0, 0xa0]) }), CloudEventError);
});
