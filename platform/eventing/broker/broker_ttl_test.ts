import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import type { CloudEvent } from "../cloudevents/cloudevent.ts";
import { DEFAULT_TTL, isAlive, replyWithTtl, ttlOf, withIngressTtl, withoutTtl } from "./broker_ttl.ts";

const event = (extensions: CloudEvent["extensions"] = {}): CloudEvent => ({
  specversion: "1.0",
  id: "1",
  source: "/s",
  type: "t",
  extensions,
});

Deno.test("an event entering the broker gets the default TTL unless it carries one", () => {
  equal(ttlOf(withIngressTtl(event())), DEFAULT_TTL);
  equal(ttlOf(withIngressTtl(event({ knativebrokerttl: "7" }))), 7);
  equal(ttlOf(withIngressTtl(event({ knativebrokerttl: "seven" }))), DEFAULT_TTL);
});

Deno.test("a TTL in a binary-mode header (a string) counts like a number", () => {
  equal(ttlOf(event({ knativebrokerttl: " 12 " })), 12);
  equal(isAlive(event({ knativebrokerttl: "0" })), false);
  equal(isAlive(event({ knativebrokerttl: 1 })), true);
});

Deno.test("subscribers receive events without the TTL and other extensions stay", () => {
  assertEquals(withoutTtl(event({ knativebrokerttl: 3, other: "x" })).extensions, { other: "x" });
});

Deno.test("a reply carries the original's TTL minus one and the last hop is dropped", () => {
  equal(ttlOf(replyWithTtl(event(), event({ knativebrokerttl: 5 }))!), 4);
  equal(replyWithTtl(event(), event({ knativebrokerttl: 1 })), null);
  equal(ttlOf(replyWithTtl(event({ knativebrokerttl: 200 }), event({ knativebrokerttl: 3 }))!), 2);
});

Deno.test("a reply loop ends after exactly as many hops as the starting TTL", () => {
  let current: CloudEvent | null = withIngressTtl(event({ knativebrokerttl: 5 }));
  let deliveries = 0;
  while (current) {
    deliveries++;
    current = replyWithTtl(event(), current);
  }
  equal(deliveries, 5);
});
