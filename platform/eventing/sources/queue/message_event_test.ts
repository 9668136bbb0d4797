import assert from "node:assert/strict";
import { embeddedEvent, messageEvent } from "./message_event.ts";

const text = (s: string) => new TextEncoder().encode(s);
const wrap = { id: "m1", type: "dev.example.message", source: "/q" };

Deno.test("a plain message is wrapped with the source's attributes and its content type", () => {
  const event = messageEvent({ body: text('{"a":1}'), headers: {}, contentType: "application/json" }, wrap, {
    team: "x",
  });
  assert.equal(event.id, "m1");
  assert.equal(event.type, "dev.example.message");
  assert.equal(event.datacontenttype, "application/json");
  assert.deepEqual(event.data, text('{"a":1}'));
  assert.deepEqual(event.extensions, { team: "x" });
});

Deno.test("a message carrying a CloudEvent in binary mode passes unchanged, whatever the binding's prefix", () => {
  for (const prefix of ["ce-", "ce_", "cloudEvents:", "cloudEvents_"]) {
    const event = embeddedEvent({
      body: text("hi"),
      headers: {
        [`${prefix}specversion`]: "1.0",
        [`${prefix}id`]: "orig",
        [`${prefix}source`]: "/app",
        [`${prefix}type`]: "t",
        [`${prefix}color`]: "blue",
      },
      contentType: "text/plain",
    });
    assert.equal(event?.id, "orig", prefix);
    assert.equal(event?.extensions?.color, "blue");
    assert.equal(event?.datacontenttype, "text/plain");
  }
});

Deno.test("a structured CloudEvent passes unchanged; ceOverrides still apply", () => {
  const body = text(
    JSON.stringify({ specversion: "1.0", id: "s1", source: "/s", type: "t", data: { x: 1 } }),
  );
  const event = messageEvent({ body, headers: {}, contentType: "application/cloudevents+json" }, wrap, {
    extra: "y",
  });
  assert.equal(event.id, "s1");
  assert.equal(event.extensions?.extra, "y");
});

Deno.test("an invalid embedded CloudEvent is wrapped rather than lost", () => {
  const event = messageEvent({ body: text("x"), headers: { "ce-specversion": "1.0" } }, wrap, undefined);
  assert.equal(event.id, "m1");
});
