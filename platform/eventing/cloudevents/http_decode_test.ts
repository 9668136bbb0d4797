import assert from "node:assert/strict";
import { CloudEventError } from "./cloudevent_error.ts";
import { decodeHttpMessage, decodeHttpRequest } from "./http_decode.ts";

const binaryHeaders = {
  "ce-specversion": "1.0",
  "ce-id": "1",
  "ce-source": "/s",
  "ce-type": "t",
};

function fieldError(field: string) {
  return (error: unknown) => error instanceof CloudEventError && error.field === field;
}

Deno.test("a binary-mode message keeps its body as bytes and Content-Type as datacontenttype", () => {
  const { mode, events } = decodeHttpMessage({
    headers: { ...binaryHeaders, "Content-Type": "text/plain", "ce-Subject": "s" },
    body: "hello",
  });
  assert.equal(mode, "binary");
  assert.deepEqual(events, [{
    specversion: "1.0",
    id: "1",
    source: "/s",
    type: "t",
    subject: "s",
    datacontenttype: "text/plain",
    extensions: {},
    data: new TextEncoder().encode("hello"),
  }]);
});

Deno.test("binary-mode header values are percent-decoded into attributes and extensions", () => {
  const { events: [event] } = decodeHttpMessage({
    headers: new Headers({ ...binaryHeaders, "ce-subject": "Euro%20%E2%82%AC", "ce-myext": "a%22b%22" }),
  });
  assert.equal(event.subject, "Euro \u20ac");
  assert.deepEqual(event.extensions, { myext: 'a"b"' });
});

Deno.test("a binary-mode message with an empty body has no data", () => {
  const { events: [event] } = decodeHttpMessage({ headers: binaryHeaders, body: new Uint8Array() });
  assert.ok(!("data" in event));
});

Deno.test("a binary-mode header with an invalid attribute name is refused naming the header", () => {
  assert.throws(
    () => decodeHttpMessage({ headers: { ...binaryHeaders, "ce-my-ext": "x" } }),
    fieldError("ce-my-ext"),
  );
});

Deno.test("a binary-mode header with a malformed encoding is refused naming the attribute", () => {
  assert.throws(
    () => decodeHttpMessage({ headers: { ...binaryHeaders, "ce-subject": "%C0%A0" } }),
    fieldError("subject"),
  );
});

Deno.test("a binary-mode message with a bad time is refused naming time", () => {
  assert.throws(
    () => decodeHttpMessage({ headers: { ...binaryHeaders, "ce-time": "noon" } }),
    fieldError("time"),
  );
});

Deno.test("a message that is neither binary nor structured is refused naming specversion", () => {
  assert.throws(
    () => decodeHttpMessage({ headers: { "content-type": "application/json" }, body: "{}" }),
    fieldError("specversion"),
  );
});

Deno.test("a missing required attribute in binary mode is refused naming it", () => {
  const { "ce-source": _, ...withoutSource } = binaryHeaders;
  assert.throws(() => decodeHttpMessage({ headers: withoutSource }), fieldError("source"));
});

Deno.test("Content-Type wins over a ce-datacontenttype header, which is otherwise used", () => {
  const both = decodeHttpMessage({
    headers: { ...binaryHeaders, "ce-datacontenttype": "text/plain", "content-type": "application/xml" },
  });
  assert.equal(both.events[0].datacontenttype, "application/xml");
  const only = decodeHttpMessage({ headers: { ...binaryHeaders, "ce-datacontenttype": "text/plain" } });
  assert.equal(only.events[0].datacontenttype, "text/plain");
});

Deno.test("a structured-mode message ignores binary headers and reads the JSON body", () => {
  const { mode, events } = decodeHttpMessage({
    headers: { ...binaryHeaders, "ce-id": "from-header", "content-type": "application/cloudevents+json" },
    body: JSON.stringify({ specversion: "1.0", id: "from-body", source: "/s", type: "t", data: { a: 1 } }),
  });
  assert.equal(mode, "structured");
  assert.equal(events[0].id, "from-body");
  assert.deepEqual(events[0].data, { a: 1 });
});

Deno.test("a batched message yields every event in order", () => {
  const { mode, events } = decodeHttpMessage({
    headers: { "content-type": "application/cloudevents-batch+json" },
    body: JSON.stringify([
      { specversion: "1.0", id: "a", source: "/s", type: "t" },
      { specversion: "1.0", id: "b", source: "/s", type: "t", data_base64: "AQ==" },
    ]),
  });
  assert.equal(mode, "batch");
  assert.deepEqual(events.map((e) => e.id), ["a", "b"]);
  assert.deepEqual(events[1].data, new Uint8Array([1]));
});

Deno.test("a CloudEvents format other than JSON is refused naming content-type", () => {
  assert.throws(
    () => decodeHttpMessage({ headers: { "content-type": "application/cloudevents+avro" }, body: "x" }),
    fieldError("content-type"),
  );
});

Deno.test("a fetch Request is read and decoded", async () => {
  const request = new Request("http://broker.local/ns/default", {
    method: "POST",
    headers: { ...binaryHeaders, "content-type": "application/json" },
    body: '{"a":1}',
  });
  const { events: [event] } = await decodeHttpRequest(request);
  assert.equal(event.datacontenttype, "application/json");
  assert.deepEqual(event.data, new TextEncoder().encode('{"a":1}'));
});

Deno.test("a fetch Response carrying a reply event is decoded too", async () => {
  const response = new Response(
    JSON.stringify({ specversion: "1.0", id: "r", source: "/s", type: "reply" }),
    {
      headers: { "content-type": "application/cloudevents+json" },
    },
  );
  const { events: [event] } = await decodeHttpRequest(response);
  assert.equal(event.type, "reply");
});
