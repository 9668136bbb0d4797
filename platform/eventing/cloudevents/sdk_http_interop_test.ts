// Interop with the cloudevents npm SDK as an independent implementation, in both directions.
// The SDK neither percent-encodes nor percent-decodes binary-mode headers, so the shared events here only use
// header-safe attribute values; percent-encoding itself is covered by percent_encoding_test.ts.
import assert from "node:assert/strict";
import { CloudEvent as SdkEvent, HTTP } from "cloudevents";
import type { CloudEvent } from "./cloudevent.ts";
import { eventDataJson } from "./event_data.ts";
import { decodeHttpMessage, decodeHttpRequest } from "./http_decode.ts";
import { encodeHttpBinary, encodeHttpStructured } from "./http_encode.ts";

// The SDK's JSON parser reads the CE_USE_BIG_INT variable, so decoding with it needs that env permission.
const sdkCanDecode =
  Deno.permissions.querySync({ name: "env", variable: "CE_USE_BIG_INT" }).state === "granted";

const attributes = {
  id: "interop-1",
  source: "https://example.com/orders",
  type: "com.example.order.created",
  subject: "order/42",
  time: "2024-05-06T07:08:09.123Z",
  dataschema: "https://example.com/schemas/order",
};

function sdkEvent(extra: Record<string, unknown>) {
  return new SdkEvent({ specversion: "1.0", ...attributes, tenant: "acme", ...extra });
}

function assertSharedAttributes(event: CloudEvent) {
  assert.equal(event.specversion, "1.0");
  for (const [name, value] of Object.entries(attributes)) {
    assert.equal(event[name as keyof typeof attributes], value, name);
  }
  assert.equal(event.extensions.tenant, "acme");
}

Deno.test("a binary-mode JSON event encoded by the SDK decodes here from a fetch Request", async () => {
  const message = HTTP.binary(
    sdkEvent({ datacontenttype: "application/json", data: { total: 12.5, items: [1] } }),
  );
  const request = new Request("http://broker.local/", {
    method: "POST",
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
  const { mode, events: [event] } = await decodeHttpRequest(request);
  assert.equal(mode, "binary");
  assertSharedAttributes(event);
  assert.equal(event.datacontenttype, "application/json");
  assert.deepEqual(eventDataJson(event), { total: 12.5, items: [1] });
});

Deno.test("a binary-mode event with binary data encoded by the SDK decodes here byte for byte", () => {
  const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
  const message = HTTP.binary(sdkEvent({ datacontenttype: "application/octet-stream", data: bytes }));
  const { events: [event] } = decodeHttpMessage({
    headers: message.headers as Record<string, string>,
    body: message.body as Uint8Array,
  });
  assertSharedAttributes(event);
  assert.deepEqual(event.data, bytes);
});

Deno.test("a structured-mode event encoded by the SDK decodes here", () => {
  const message = HTTP.structured(sdkEvent({ datacontenttype: "application/json", data: { ok: true } }));
  const { mode, events: [event] } = decodeHttpMessage({
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
  assert.equal(mode, "structured");
  assertSharedAttributes(event);
  assert.deepEqual(event.data, { ok: true });
});

Deno.test("a structured-mode event with base64 data encoded by the SDK decodes here into bytes", () => {
  const bytes = new Uint8Array([104, 105, 0, 255]);
  const message = HTTP.structured(sdkEvent({ datacontenttype: "application/octet-stream", data: bytes }));
  const { events: [event] } = decodeHttpMessage({
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
  assert.deepEqual(event.data, bytes);
});

const ours: CloudEvent = {
  specversion: "1.0",
  ...attributes,
  datacontenttype: "application/json",
  extensions: { tenant: "acme" },
  data: { total: 12.5, items: [1] },
};

function assertSdkEvent(sdk: SdkEvent<unknown>) {
  for (const [name, value] of Object.entries(attributes)) {
    const actual = sdk[name as keyof typeof attributes];
    if (name === "time") assert.equal(Date.parse(actual as string), Date.parse(value), name);
    else assert.equal(actual, value, name);
  }
  assert.equal(sdk.specversion, "1.0");
  assert.equal(sdk.tenant, "acme");
}

Deno.test({
  name: "a binary-mode event encoded here decodes in the SDK",
  ignore: !sdkCanDecode,
  fn() {
    const { headers, body } = encodeHttpBinary(ours);
    const sdk = HTTP.toEvent({ headers, body: new TextDecoder().decode(body) }) as SdkEvent<unknown>;
    assertSdkEvent(sdk);
    assert.equal(sdk.datacontenttype, "application/json");
    assert.deepEqual(sdk.data, { total: 12.5, items: [1] });
  },
});

Deno.test({
  name: "a structured-mode event encoded here decodes in the SDK",
  ignore: !sdkCanDecode,
  fn() {
    const { headers, body } = encodeHttpStructured(ours);
    const sdk = HTTP.toEvent({ headers, body: new TextDecoder().decode(body) }) as SdkEvent<unknown>;
    assertSdkEvent(sdk);
    assert.deepEqual(sdk.data, { total: 12.5, items: [1] });
  },
});

Deno.test({
  name: "a structured-mode event with binary data encoded here reaches the SDK as the same bytes",
  ignore: !sdkCanDecode,
  fn() {
    const bytes = [7, 0, 255, 128];
    const event = { ...ours, datacontenttype: "application/octet-stream", data: new Uint8Array(bytes) };
    const { headers, body } = encodeHttpStructured(event);
    const sdk = HTTP.toEvent({ headers, body: new TextDecoder().decode(body) }) as SdkEvent<unknown>;
    assert.deepEqual(Array.from(sdk.data as ArrayLike<number>), bytes);
  },
});
