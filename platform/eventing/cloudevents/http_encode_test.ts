import assert from "node:assert/strict";
import type { CloudEvent } from "./cloudevent.ts";
import { CloudEventError } from "./cloudevent_error.ts";
import { decodeHttpMessage, decodeHttpRequest } from "./http_decode.ts";
import { encodeHttpBatch, encodeHttpBinary, encodeHttpStructured } from "./http_encode.ts";

const event: CloudEvent = {
  specversion: "1.0",
  id: "1234-1234-1234",
  source: "/mycontext/subcontext",
  type: "com.example.someevent",
  time: "2018-04-05T03:56:24Z",
  subject: "Euro \u20ac \u{1f600}",
  datacontenttype: "application/json",
  extensions: { count: 7, flag: true, note: '100% "sure"' },
  data: { message: "Hello World!" },
};

Deno.test("binary mode puts attributes in percent-encoded ce- headers and data in the body", () => {
  const { headers, body } = encodeHttpBinary(event);
  assert.deepEqual(headers, {
    "ce-specversion": "1.0",
    "ce-id": "1234-1234-1234",
    "ce-source": "/mycontext/subcontext",
    "ce-type": "com.example.someevent",
    "ce-subject": "Euro%20%E2%82%AC%20%F0%9F%98%80",
    "ce-time": "2018-04-05T03:56:24Z",
    "ce-count": "7",
    "ce-flag": "true",
    "ce-note": "100%25%20%22sure%22",
    "content-type": "application/json",
  });
  assert.equal(new TextDecoder().decode(body), '{"message":"Hello World!"}');
});

Deno.test("binary mode round-trips through a fetch Request", async () => {
  const encoded = encodeHttpBinary(event);
  const request = new Request("http://sink.local/", { method: "POST", ...encoded });
  const { events: [decoded] } = await decodeHttpRequest(request);
  assert.deepEqual(decoded, {
    ...event,
    // Binary mode carries extension values as strings and data as bytes.
    extensions: { count: "7", flag: "true", note: '100% "sure"' },
    data: new TextEncoder().encode('{"message":"Hello World!"}'),
  });
});

Deno.test("binary mode without data sends an empty body and no Content-Type", () => {
  const { headers, body } = encodeHttpBinary({ ...event, datacontenttype: undefined, data: undefined });
  assert.equal(body.length, 0);
  assert.ok(!("content-type" in headers));
});

Deno.test("binary mode declares application/json for JSON data without a content type", () => {
  const { headers, body } = encodeHttpBinary({ ...event, datacontenttype: undefined, data: "just a string" });
  assert.equal(headers["content-type"], "application/json");
  assert.equal(new TextDecoder().decode(body), '"just a string"');
});

Deno.test("structured mode carries the whole event as JSON", () => {
  const { headers, body } = encodeHttpStructured(event);
  assert.equal(headers["content-type"], "application/cloudevents+json; charset=utf-8");
  assert.deepEqual(JSON.parse(new TextDecoder().decode(body)), {
    specversion: "1.0",
    id: "1234-1234-1234",
    source: "/mycontext/subcontext",
    type: "com.example.someevent",
    datacontenttype: "application/json",
    subject: "Euro \u20ac \u{1f600}",
    time: "2018-04-05T03:56:24Z",
    count: 7,
    flag: true,
    note: '100% "sure"',
    data: { message: "Hello World!" },
  });
  assert.deepEqual(decodeHttpMessage(encodeHttpStructured(event)).events, [event]);
});

Deno.test("batched mode carries all events in one JSON array", () => {
  const second = {
    ...event,
    id: "2",
    data: new Uint8Array([1, 2]),
    datacontenttype: "application/octet-stream",
  };
  const decoded = decodeHttpMessage(encodeHttpBatch([event, second]));
  assert.equal(decoded.mode, "batch");
  assert.deepEqual(decoded.events, [event, second]);
});

Deno.test("an invalid event cannot be encoded", () => {
  assert.throws(
    () => encodeHttpBinary({ ...event, id: "" }),
    (error: unknown) => error instanceof CloudEventError && error.field === "id",
  );
  assert.throws(
    () => encodeHttpStructured({ ...event, extensions: { "Bad": 1 } }),
    (error: unknown) => error instanceof CloudEventError && error.field === "Bad",
  );
});
