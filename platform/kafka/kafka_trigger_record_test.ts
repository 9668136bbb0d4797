import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { encodeKafkaBinary } from "../eventing/cloudevents/kafka_encode.ts";
import type { CloudEvent } from "../eventing/cloudevents/cloudevent.ts";
import { compileTriggerFilter } from "../eventing/filters/compile_filter.ts";
import { triggerRecordAction, triggerSince } from "./kafka_trigger_record.ts";

const CREATED = Date.parse("2024-05-01T10:00:00.000Z");

const event = (type: string, extensions: CloudEvent["extensions"] = {}): CloudEvent => ({
  specversion: "1.0",
  id: "e1",
  source: "/test",
  type,
  extensions,
  datacontenttype: "application/json",
  data: new TextEncoder().encode('{"n":1}'),
});

const record = (e: CloudEvent, timestamp = CREATED + 1) => ({ ...encodeKafkaBinary(e), timestamp });
const everything = compileTriggerFilter({});

Deno.test("a record written after the trigger was created is delivered as the event it holds", () => {
  const action = triggerRecordAction(record(event("order.created")), { since: CREATED, matches: everything });
  equal(action.kind, "deliver");
  if (action.kind !== "deliver") return;
  equal(action.event.type, "order.created");
  assertEquals(action.event.data, new TextEncoder().encode('{"n":1}'));
});

Deno.test("a record written before the trigger existed is skipped", () => {
  const action = triggerRecordAction(record(event("x"), CREATED - 1), {
    since: CREATED,
    matches: everything,
  });
  assertEquals(action, { kind: "skip", why: "before-trigger" });
});

Deno.test("the trigger's filter decides, and the broker's TTL is not an attribute it sees", () => {
  const onlyOrders = compileTriggerFilter({ filter: { attributes: { type: "order.created" } } });
  const context = { since: 0, matches: onlyOrders };
  const ttl = { knativebrokerttl: 255 };
  equal(triggerRecordAction(record(event("order.created", ttl)), context).kind, "deliver");
  assertEquals(triggerRecordAction(record(event("order.paid", ttl)), context), {
    kind: "skip",
    why: "filtered",
  });
  const noTtlFilter = compileTriggerFilter({ filters: [{ cesql: "NOT EXISTS knativebrokerttl" }] });
  equal(triggerRecordAction(record(event("a", ttl)), { since: 0, matches: noTtlFilter }).kind, "deliver");
});

Deno.test("a record that is not a CloudEvent is skipped with the reason", () => {
  const plain = { key: null, value: new TextEncoder().encode("hello"), headers: {}, timestamp: CREATED };
  const action = triggerRecordAction(plain, { since: 0, matches: everything });
  equal(action.kind, "skip");
  equal(action.kind === "skip" && action.why, "invalid");
});

Deno.test("a trigger's creation time reads its creationTimestamp, and is 0 when it has none", () => {
  equal(triggerSince("2024-05-01T10:00:00.000Z"), CREATED);
  equal(triggerSince(undefined), 0);
  equal(triggerSince("yesterday"), 0);
});
