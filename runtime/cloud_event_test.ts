// The function SDK against two independent implementations: the platform's own codec and the cloudevents
// npm SDK, and against a real HTTP sink for sendEvent.
import { deepStrictEqual as assertEquals, equal, ok as assert, rejects } from "node:assert/strict";
import { CloudEvent as NpmEvent, HTTP } from "cloudevents";
import {
  type CloudEvent,
  cloudEvent,
  decodeEvent,
  encodeBinary,
  newEvent,
  sendEvent,
} from "./cloud_event.ts";
import { decodeHttpMessage } from "../platform/eventing/cloudevents/http_decode.ts";
import { encodeHttpBinary, encodeHttpStructured } from "../platform/eventing/cloudevents/http_encode.ts";
import type { CloudEvent as CodecEvent } from "../platform/eventing/cloudevents/cloudevent.ts";

const CTX = { service: "fn", namespace: "default", revision: "fn-00001", env: {} };

const codecEvent = (over: Partial<CodecEvent> = {}): CodecEvent => ({
  specversion: "1.0",
  id: "e-1",
  source: "/orders",
  type: "com.example.order",
  extensions: { tenant: 'ümlaut & "quoted" 100%' },
  datacontenttype: "application/json",
  data: new TextEncoder().encode('{"total":12}'),
  ...over,
});

function post(message: { headers: Record<string, string>; body: Uint8Array<ArrayBuffer> | string | null }) {
  return new Request("http://fn.default.localhost/", { method: "POST", ...message });
}

Deno.test("a binary-mode event from the platform reaches the handler decoded", async () => {
  let seen: CloudEvent | undefined;
  const fn = cloudEvent((event) => {
    seen = event;
  });
  const res = await fn.fetch(post(encodeHttpBinary(codecEvent())), CTX);
  equal(res.status, 202);
  equal(await res.text(), "");
  equal(seen?.id, "e-1");
  equal(seen?.tenant, 'ümlaut & "quoted" 100%');
  assertEquals(seen?.data, { total: 12 });
});

Deno.test("a structured-mode event reaches the handler, data_base64 as bytes", async () => {
  let seen: CloudEvent | undefined;
  const fn = cloudEvent((event) => {
    seen = event;
  });
  const bytes = new Uint8Array([0, 1, 254, 255]);
  const message = encodeHttpStructured(
    codecEvent({ datacontenttype: "application/octet-stream", data: bytes }),
  );
  equal((await fn.fetch(post(message), CTX)).status, 202);
  assertEquals(seen?.data, bytes);
  equal(seen?.datacontenttype, "application/octet-stream");
});

Deno.test("the handler sees the platform's context and the request", async () => {
  let revision: string | undefined;
  let path: string | undefined;
  const fn = cloudEvent((_event, ctx) => {
    revision = ctx.revision;
    path = new URL(ctx.request.url).pathname;
  });
  await fn.fetch(post(encodeHttpBinary(codecEvent())), CTX);
  equal(revision, "fn-00001");
  equal(path, "/");
});

Deno.test("an invalid event is refused with 400 naming the attribute", async () => {
  const fn = cloudEvent(() => {
    throw new Error("not called");
  });
  const missingSource = { "ce-specversion": "1.0", "ce-id": "1", "ce-type": "t" };
  const res = await fn.fetch(post({ headers: missingSource, body: null }), CTX);
  equal(res.status, 400);
  assert((await res.text()).includes("source"));
  const badTime = { ...missingSource, "ce-source": "/s", "ce-time": "yesterday" };
  const res2 = await fn.fetch(post({ headers: badTime, body: null }), CTX);
  equal(res2.status, 400);
  assert((await res2.text()).includes("time"));
  equal((await fn.fetch(new Request("http://x/"), CTX)).status, 405);
});

Deno.test("a returned event is the reply, in binary mode, readable by the platform's codec", async () => {
  const fn = cloudEvent<{ total: number }>((event) => ({
    type: "com.example.invoice",
    source: "/billing",
    subject: "naïve subject",
    priority: 3,
    data: { invoiced: event.data!.total },
  }));
  const res = await fn.fetch(post(encodeHttpBinary(codecEvent())), CTX);
  equal(res.status, 200);
  equal(res.headers.get("ce-subject"), "na%C3%AFve%20subject");
  const [reply] = decodeHttpMessage({ headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) })
    .events;
  equal(reply.type, "com.example.invoice");
  equal(reply.subject, "naïve subject");
  equal(reply.extensions.priority, "3");
  assert(reply.id.length > 0 && reply.time !== undefined);
  assertEquals(JSON.parse(new TextDecoder().decode(reply.data as Uint8Array)), { invoiced: 12 });
});

Deno.test("events from the cloudevents npm SDK decode, and ours decode there", async () => {
  let seen: CloudEvent | undefined;
  const fn = cloudEvent((event) => {
    seen = event;
    return { type: "reply", source: "/sdk", data: "plain text" };
  });
  const npm = new NpmEvent({ id: "n-1", source: "/npm", type: "npm.type", data: { a: 1 }, myext: "v" });
  for (const message of [HTTP.binary(npm), HTTP.structured(npm)]) {
    const res = await fn.fetch(
      post({ headers: message.headers as Record<string, string>, body: message.body as string }),
      CTX,
    );
    equal(res.status, 200);
    equal(seen?.id, "n-1");
    equal(seen?.myext, "v");
    assertEquals(seen?.data, { a: 1 });
    const headers = Object.fromEntries(res.headers);
    const back = HTTP.toEvent({ headers, body: await res.text() }) as NpmEvent;
    equal(back.type, "reply");
    equal(back.data, "plain text");
  }
});

Deno.test("encoding and decoding round-trip attributes, extensions and every kind of data", () => {
  for (const data of [{ x: [1, 2] }, "text", new Uint8Array([1, 2, 3]), undefined]) {
    const event = newEvent({ type: "t", source: "/s", flag: true, count: 7, note: "50% off", data });
    const { headers, body } = encodeBinary(event);
    const back = decodeEvent(new Headers(headers), body ?? new Uint8Array());
    equal(back.note, "50% off");
    equal(back.flag, "true");
    assertEquals(back.data, data);
  }
});

Deno.test("sendEvent posts to K_SINK with K_CE_OVERRIDES and returns the sink's reply", async () => {
  const received: { headers: Headers; body: unknown }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    received.push({ headers: new Headers(req.headers), body: await req.json() });
    const reply = encodeHttpBinary(codecEvent({ id: "ack", extensions: {} }));
    return new Response(reply.body, { status: 200, headers: reply.headers });
  });
  const saved = [Deno.env.get("K_SINK"), Deno.env.get("K_CE_OVERRIDES")];
  try {
    Deno.env.set("K_SINK", `http://127.0.0.1:${server.addr.port}/`);
    Deno.env.set("K_CE_OVERRIDES", JSON.stringify({ extensions: { region: "eu" } }));
    const { status, reply } = await sendEvent({ type: "hello", source: "/fn", data: { n: 1 } });
    equal(status, 200);
    equal(reply?.id, "ack");
    const sent = received[0];
    equal(sent.headers.get("ce-type"), "hello");
    equal(sent.headers.get("ce-region"), "eu");
    equal(sent.headers.get("content-type"), "application/json");
    assertEquals(sent.body, { n: 1 });
  } finally {
    for (const [name, value] of [["K_SINK", saved[0]], ["K_CE_OVERRIDES", saved[1]]] as const) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
    await server.shutdown();
  }
});

Deno.test("sendEvent fails without a sink or on a non-2xx answer", async () => {
  const saved = Deno.env.get("K_SINK");
  Deno.env.delete("K_SINK");
  await rejects(sendEvent({ type: "t", source: "/s" }), /K_SINK/);
  if (saved !== undefined) Deno.env.set("K_SINK", saved);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("nope", { status: 503 }),
  );
  try {
    await rejects(
      sendEvent({ type: "t", source: "/s" }, { sink: `http://127.0.0.1:${server.addr.port}/` }),
      /503/,
    );
  } finally {
    await server.shutdown();
  }
});
