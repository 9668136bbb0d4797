import assert from "node:assert/strict";
import type { CloudEvent } from "./cloudevent.ts";
import { attributeValue, canonicalString, eventAttributes } from "./attributes.ts";

const event: CloudEvent = {
  specversion: "1.0",
  id: "1",
  source: "/s",
  type: "t",
  subject: "sub",
  extensions: { count: 3, flag: true, name: "n" },
  data: "ignored",
};

Deno.test("eventAttributes lists core and extension attributes without data", () => {
  assert.deepEqual(eventAttributes(event), {
    specversion: "1.0",
    id: "1",
    source: "/s",
    type: "t",
    subject: "sub",
    count: 3,
    flag: true,
    name: "n",
  });
});

Deno.test("attributeValue finds core and extension attributes and misses unset ones", () => {
  assert.equal(attributeValue(event, "subject"), "sub");
  assert.equal(attributeValue(event, "count"), 3);
  assert.equal(attributeValue(event, "time"), undefined);
  assert.equal(attributeValue(event, "missing"), undefined);
  assert.equal(attributeValue(event, "toString"), undefined);
});

Deno.test("canonical strings render integers and booleans in decimal and lowercase", () => {
  assert.equal(canonicalString(-42), "-42");
  assert.equal(canonicalString(false), "false");
  assert.equal(canonicalString("x"), "x");
});
