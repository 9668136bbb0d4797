import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { loadEvent, storeEvent } from "./stored_event.ts";

const base: CloudEvent = {
  specversion: "1.0",
  id: "a",
  source: "/s",
  type: "t",
  time: "2024-01-01T00:00:00.123456789Z",
  extensions: { knativebrokerttl: 255, flag: true, text: "x y" },
};

Deno.test("an event with byte data comes back with the very same bytes", () => {
  const bytes = new TextEncoder().encode('{ "spaced" :  1 }');
  const event = { ...base, datacontenttype: "application/json", data: bytes };
  assertEquals(loadEvent(storeEvent(event)), event);
});

Deno.test("an event with a JSON data value and typed extensions comes back unchanged", () => {
  const event = { ...base, data: { nested: [1, "two", null] } };
  assertEquals(loadEvent(storeEvent(event)), event);
  const nullData = { ...base, data: null };
  assertEquals(loadEvent(storeEvent(nullData)), nullData);
});

Deno.test("an event without data comes back without data", () => {
  const loaded = loadEvent(storeEvent(base));
  assertEquals(loaded, base);
  assertEquals("data" in loaded, false);
});
